import { DEFAULT_PROXY_BUFFER } from '../proxy/proxy-session'
import { type ProxyListen, startProxyServer } from '../proxy/proxy-server'
import { UsageError, numberOption } from './args'
import { parseCommandArgs } from './command-specs'
import { sshArg, targetArg, timeoutArg } from './session-options'

/** `[host:]port` (host 127.0.0.1 unless given) or `unix:/path`. */
export function listenArg(text: string | undefined): ProxyListen {
  if (!text) throw new UsageError('missing LISTEN ([host:]port or unix:/path)')
  if (/^unix:\//i.test(text)) return { path: text.slice(5) }
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(text)
  if (!m || Number(m[2]) > 65535) throw new UsageError(`cannot read LISTEN "${text}" as [host:]port or unix:/path`)
  return { host: m[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1', port: Number(m[2]) }
}

/**
 * `tessera proxy LISTEN TARGET [--buffer MB] [--trace]`: a buffering proxy between any viewer
 * and a server (proxy/proxy-session.ts). Runs until interrupted; notes and the trace go to `out`.
 */
export async function proxyCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('proxy', argv)
  const [listenText, targetText] = args.positional
  const listen = listenArg(listenText)
  const target = targetArg(targetText, args)
  const bufferMb = numberOption(args, 'buffer', 1, 4096)
  const proxy = await startProxyServer(listen, {
    target,
    ssh: sshArg(args),
    connectTimeoutMs: timeoutArg(args, 15),
    handshakeTimeoutMs: timeoutArg(args, 30),
    bufferBytes: bufferMb !== undefined ? Math.round(bufferMb * 1024 * 1024) : DEFAULT_PROXY_BUFFER,
    trace: args.options.has('trace') ? out : undefined,
    note: (line) => out(`proxy: ${line}`),
    onSession: (s) =>
      out(
        `proxy: ${(s.serverBytes / 1e6).toFixed(1)} MB from the server, ${(s.viewerBytes / 1e6).toFixed(1)} MB to the viewer, ${s.updates} updates; ` +
          `at most ${(s.peakBuffered / 1e6).toFixed(1)} MB held; reading paused ${s.pauses} times`,
      ),
  })
  const a = proxy.address
  out(`proxy: listening on ${'path' in a ? `unix:${a.path}` : `${a.host}:${a.port}`}, forwarding to ${targetText}`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await proxy.close()
  return 0
}
