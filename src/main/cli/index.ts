import { StoreError } from '../host/connection-store'
import { RfbError } from '../rfb/errors'
import { UsageError } from './args'
import { benchCommand } from './bench'
import { listenCommand } from './listen'
import { probeCommand } from './probe'
import { proxyCommand } from './proxy'
import { recordCommand } from './record'
import { replayCommand } from './replay'
import { snapshotCommand } from './snapshot'
import { webCommand } from './web'

const USAGE = `usage: tessera COMMAND ...
  snapshot TARGET OUT.png [--encodings LIST] [--pixel-format F] [--password-file F] [--timeout S]
  record   TARGET OUT.fbs [--seconds N] [--encodings LIST] [--pixel-format F] [--password-file F]
  replay   IN.fbs [--png OUT.png] [--updates N] [--quality Q]
  probe    TARGET [--trace] [--password-file F]
  bench    IN.fbs... [--json] [--runs N]
  web      [--port N] [--data-dir D] [--no-open]   serve the viewer to a local browser
  listen   OUT.png [--port N] [--host H]   wait for a server to connect (reverse connection, port 5500)
  proxy    LISTEN TARGET [--buffer MB] [--trace]   a buffering proxy for any viewer: LISTEN is [host:]port
           (127.0.0.1 unless given) or unix:/path; reads the server at full speed into at most MB
           (default 64) held for a slow viewer, then pauses; passes on only None/VNC auth and the
           encodings it can parse (and says what it stripped); --trace prints every message
TARGET: host, host:display, host::port, vnc://[user@]host[:port], vncs://... (TLS from the first byte),
  unix:/path (a Unix socket), REPEATER[:PORT]/ID:n or REPEATER[:PORT]/host:display (UltraVNC repeater, port 5901)
The password comes from --password-file or the TESSERA_PASSWORD environment variable.
snapshot, record, probe and listen also take:
  --encodings tight,zrle,...   --depth 24|16|8   --quality 0-9|auto   --compress 0-9
  --fine-quality 0-100   JPEG quality in fine steps; turns JPEG on and overrides --quality's level
  --subsampling none|2x|4x|8x|16x|gray   JPEG chroma subsampling (with --quality or --fine-quality)
  --security require-server-auth|require-encryption|allow-unencrypted   (default allow-unencrypted)
  --trust-store DIR   remember accepted certificates per host:port; a changed one is refused
  --accept-fingerprint SHA256[,...]   trust the certificate with this fingerprint (stored with --trust-store)
  --ca-file PEM   extra certificate authorities
  --repeater HOST[:PORT]   reach TARGET (ID:n, or host:display) through this UltraVNC repeater (port 5901)
  --ssh user@host[:port]   through an SSH tunnel (--ssh-key F, --ssh-password-file F, or the agent); unix:/path is then on the SSH server
  --allow-plain-password   let VeNCrypt Plain send the password without TLS (anyone on the network can read it)`

type Command = (argv: readonly string[], out: (line: string) => void) => Promise<number>

const COMMANDS: Record<string, Command> = {
  snapshot: snapshotCommand,
  record: recordCommand,
  replay: replayCommand,
  probe: probeCommand,
  bench: benchCommand,
  web: webCommand,
  listen: listenCommand,
  proxy: proxyCommand,
}

/** Exit codes by error kind, so scripts can tell a wrong password from a dead server. */
const EXIT_CODES: Record<RfbError['kind'], number> = {
  network: 3,
  timeout: 4,
  auth: 5,
  refused: 5,
  protocol: 6,
  unsupported: 7,
  closed: 3,
}

/** Runs the CLI; returns the exit code. Expected failures print one line, never a stack. */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(USAGE)
    return name ? 0 : 2
  }
  const command = COMMANDS[name]
  if (!command) {
    err(`tessera: unknown command "${name}"\n${USAGE}`)
    return 2
  }
  try {
    return await command(rest, out)
  } catch (e) {
    if (e instanceof UsageError) {
      err(`tessera ${name}: ${e.message}`)
      return 2
    }
    if (e instanceof RfbError) {
      err(`tessera ${name}: ${e.message}`)
      return EXIT_CODES[e.kind]
    }
    // The data directory is in use by another Tessera, or cannot be used: the message says what to do.
    if (e instanceof StoreError) {
      err(`tessera ${name}: ${e.message}`)
      return 1
    }
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      err(`tessera ${name}: ${(e as Error).message}`)
      return 1
    }
    err(`tessera ${name}: internal error: ${(e as Error).stack ?? String(e)}`)
    return 1
  }
}
