import { type Target, isRepeaterId, trustName } from '@shared/target'
import { NetworkError, UnsupportedError } from './errors'
import type { SecurityOptions } from './security/policy'
import type { TrustOptions } from './trust/verify'
import { verifyTlsTransport } from './security/vncs'
import { type ConnectionInfo, RfbClient, type RfbClientOptions } from './session'
import { type TcpTransport, connectTcp } from './transport/tcp'
import { type SshConnectOptions, type SshOptions, type SshSessionInfo, connectSsh } from './transport/ssh'
import { startRepeater } from './transport/repeater'
import { connectTls } from './transport/tls'
import { connectUnixSocket } from './transport/unix-socket'
import type { Transport } from './transport/transport'

export interface ConnectOptions extends RfbClientOptions {
  connectTimeoutMs?: number
  /** Policy and trust for this connection; host and port are filled in from the target. */
  security?: SecurityOptions
  /** Reach the target through this SSH server; the target's host is then resolved by that server. */
  ssh?: SshOptions
  /**
   * Called with the client before its handshake starts. Listeners attached here see every event;
   * ones attached after the connect resolves miss what came in the same chunk as ServerInit
   * (an update, a bell, cut text, the server's hang-up), which is parsed before it resolves.
   */
  onClient?: (client: RfbClient) => void
}

/**
 * Opens a TCP connection to `target` (TLS from the first byte for `vncs://`, its certificate
 * judged before any RFB byte is read) and runs the handshake; the client is live once this resolves.
 */
export async function connectRfb(target: Target, options: ConnectOptions): Promise<{ client: RfbClient; info: ConnectionInfo }> {
  const { transport, security } = await openTransport(target, options.security ?? {}, { timeoutMs: options.connectTimeoutMs, ssh: options.ssh })
  return startRfb(transport, target, { ...options, security })
}

export interface OpenTransportOptions {
  timeoutMs?: number
  /** Opens the plain TCP connection (tests inject fakes); default connectTcp. */
  tcp?: (target: Target, timeoutMs: number | undefined) => Promise<Transport>
  ssh?: SshOptions
  /** Opens the SSH tunnel (tests inject fakes); default connectSsh. */
  connectSsh?: (options: SshConnectOptions) => Promise<Transport & { info: SshSessionInfo }>
}

/**
 * Connects to `target`: its first hop (the server, its Unix socket, or the UltraVNC repeater in
 * front of it) through an SSH tunnel when `opts.ssh` is set (host key judged before any
 * credential is sent), else directly; then the repeater handshake (transport/repeater.ts) when
 * there is one; for `vncs://` TLS from the first RFB byte, the certificate judged (and the user
 * asked, through `security.trust.ask`) before any RFB byte is read. Returns the security options
 * for the handshake: the target's trust name filled in (shared/target.ts `trustName`), and the
 * TLS or SSH protection.
 */
export async function openTransport(
  target: Target,
  security: SecurityOptions,
  opts: OpenTransportOptions = {},
): Promise<{ transport: Transport; security: SecurityOptions }> {
  const out: SecurityOptions = { ...security, ...trustName(target) }
  const hop = target.repeater ?? target
  if (target.tls && (target.unixPath !== undefined || target.repeater)) {
    throw new UnsupportedError(
      `vncs:// is not supported ${target.repeater ? 'through a repeater' : 'over a Unix socket'}: use vnc:// (VeNCrypt still encrypts)`,
    )
  }
  if (isRepeaterId(target.host) && !target.repeater) {
    throw new UnsupportedError(`${target.host} names a server at an UltraVNC repeater, but no repeater is given`)
  }
  if (opts.ssh) {
    if (target.tls) throw new UnsupportedError('vncs:// through an SSH tunnel is not supported: the tunnel already encrypts, use vnc://')
    const sshTarget = target.unixPath !== undefined ? { path: target.unixPath } : { host: hop.host, port: hop.port }
    const ssh = await (opts.connectSsh ?? connectSsh)({ ...opts.ssh, target: sshTarget, timeoutMs: opts.timeoutMs })
    // Like vncs://: the handshake counts the stream as encrypted, and as verified since SSH has no unverified mode.
    const key = ssh.info.hostKey.how
    const how = key === 'known-hosts' || key === 'store' ? 'pinned' : key === 'user-once' ? 'once' : 'accepted'
    out.transport = { ssh: ssh.info, verified: true, verification: how }
    const transport = target.repeater ? await startRepeater(ssh, target, opts.timeoutMs) : ssh
    return { transport, security: out }
  }
  if (!target.tls) {
    let transport: Transport
    if (target.unixPath !== undefined) transport = await connectUnixSocket(target.unixPath, opts.timeoutMs)
    else if (opts.tcp) transport = await opts.tcp({ host: hop.host, port: hop.port }, opts.timeoutMs)
    else transport = await connectTcp(hop.host, hop.port, opts.timeoutMs)
    if (target.repeater) transport = await startRepeater(transport, target, opts.timeoutMs)
    return { transport, security: out }
  }
  const transport: TcpTransport = await connectTls(target.host, target.port, { timeoutMs: opts.timeoutMs, ca: out.trust?.ca })
  try {
    out.transport = await untilHangUp(transport, (trust) => verifyTlsTransport(transport.tls!, { ...out, trust }), out.trust)
  } catch (e) {
    transport.close()
    throw e
  }
  return { transport, security: out }
}

/**
 * Runs the handshake over a transport that is already connected: a server that connected to a
 * listening viewer (transport/listen.ts). `target` names it for trust decisions; reverse
 * connections come from an ephemeral port, so callers pass port 0 and certificates are
 * remembered per host.
 */
export async function startRfb(transport: Transport, target: Target, options: ConnectOptions): Promise<{ client: RfbClient; info: ConnectionInfo }> {
  const clientOptions: ConnectOptions = { ...options, security: { ...options.security, ...trustName(target) } }
  const client = new RfbClient(clientOptions)
  options.onClient?.(client)
  const info = await client.start(transport)
  return { client, info }
}

/**
 * Runs `verify` with `trust`'s question to the user watched: should the server hang up while it
 * is open, this rejects at once (RFB_ERR_CLOSED_WHILE_ASKING) instead of after the answer, so the
 * question can be closed. A hang-up while nobody is asked is left to the RFB handshake to report.
 */
async function untilHangUp<T>(transport: TcpTransport, verify: (trust: TrustOptions | undefined) => Promise<T>, trust: TrustOptions | undefined): Promise<T> {
  const ask = trust?.ask
  if (!ask) return verify(trust)
  let asking = false
  const watched: TrustOptions = {
    ...trust,
    ask: async (prompt) => {
      asking = true
      try {
        return await ask(prompt)
      } finally {
        asking = false
      }
    },
  }
  const hungUp = new Promise<never>((_, reject) => {
    void transport.ended.then(() => {
      if (asking) reject(new NetworkError(`${transport.description} closed the connection while waiting for your answer`, 'RFB_ERR_CLOSED_WHILE_ASKING'))
    })
  })
  hungUp.catch(() => undefined)
  return Promise.race([verify(watched), hungUp])
}
