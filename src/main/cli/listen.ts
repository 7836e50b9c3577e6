import { encodePng } from '../rfb/png'
import { DEFAULT_LISTEN_PORT, listenForServers } from '../rfb/transport/listen'
import { UsageError, numberOption, stringOption } from './args'
import { parseCommandArgs } from './command-specs'
import { checkWritable, writeLocalFile } from './files'
import { takeSnapshot } from './snapshot'
import { credentialsFrom, encodingsArg, tuningArgs, securityArg, timeoutArg } from './session-options'
import { quotable } from '../rfb/text'

/**
 * `tessera listen OUT.png [--port N] [--host H]`: waits for a server to connect to us (a reverse
 * connection: `x11vnc -connect HOST:5500`, TigerVNC `vncconfig -connect HOST:5500`), writes its
 * screen as PNG and exits. `--timeout` bounds the wait and the snapshot each.
 */
export async function listenCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  if (argv.some((a) => a === '--repeater' || a.startsWith('--repeater='))) {
    throw new UsageError('--repeater is for connecting out; a listening viewer is reached directly')
  }
  const args = parseCommandArgs('listen', argv)
  const [file] = args.positional
  if (!file) throw new UsageError('missing OUT.png')
  checkWritable(file, 'picture')
  // Every option is checked before listening: a mistake must not wait for a server to show it.
  const options = {
    encodings: encodingsArg(args),
    ...tuningArgs(args),
    credentials: credentialsFrom(args, { host: '', port: 0 }),
    security: securityArg(args),
  }
  const timeoutMs = timeoutArg(args, 120)
  const listener = await listenForServers({ host: stringOption(args, 'host'), port: numberOption(args, 'port', 0, 65535) ?? DEFAULT_LISTEN_PORT })
  out(`listening on ${listener.host}:${listener.port}`)
  try {
    const transport = await listener.next(timeoutMs)
    const from = transport.description
    // The server's port is ephemeral: trust decisions are kept per host (port 0).
    const target = { host: from.slice(0, from.lastIndexOf(':')).replace(/^::ffff:/, ''), port: 0 }
    const snap = await takeSnapshot(target, {
      transport,
      ...options,
      timeoutMs,
    })
    const fb = snap.framebuffer
    writeLocalFile(file, encodePng(fb.width, fb.height, fb.data), 'picture')
    out(`${file}: ${fb.width}x${fb.height} from "${quotable(snap.info.init.name)}" (reverse connection from ${from})`)
    return 0
  } finally {
    await listener.close()
  }
}
