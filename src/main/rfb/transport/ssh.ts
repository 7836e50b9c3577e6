import { connect as tcpConnect } from 'node:net'
import { type ClientChannel, Client, type ServerHostKeyAlgorithm, utils } from 'ssh2'
import { AuthFailedError, NetworkError, RfbError, TimeoutError } from '../errors'
import { HANDSHAKE_READ_AHEAD } from '../read-gate'
import { type HostKeyOptions, type HostKeyVerdict, preferredHostKeyAlgorithms, verifyHostKey } from '../trust/host-key'
import { describeSocketError } from './tcp'
import { type Transport, type TransportHandlers, WRITE_OVERHEAD } from './transport'

/** How to log in to the SSH server; every method given is tried, in ssh2's order (password, key, agent). */
export interface SshAuth {
  /** Path of an ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string
  /** An OpenSSH or PEM private key, and its passphrase when it is encrypted. */
  privateKey?: Buffer
  passphrase?: string
  password?: string
}

/** An SSH tunnel to the VNC server: connect to `sshHost`, then have it open a TCP channel to the target. */
export interface SshOptions {
  sshHost: string
  /** Default 22. */
  sshPort?: number
  username: string
  auth: SshAuth
  hostKey: HostKeyOptions
}

export interface SshConnectOptions extends SshOptions {
  /**
   * The VNC server as the SSH server sees it: localhost:5901 (a `direct-tcpip` channel), or a
   * Unix socket on the SSH server's machine (OpenSSH's `direct-streamlocal@openssh.com`, which
   * sshd allows unless `AllowStreamLocalForwarding no`).
   */
  target: { host: string; port: number } | { path: string }
  /** From TCP connect to an open channel, not counting time spent waiting for the user's answer. */
  timeoutMs?: number
}

/** What the UI and `probe` show about the tunnel. */
export interface SshSessionInfo {
  /** "user@host:port". */
  server: string
  hostKey: HostKeyVerdict
}

/** RFB over an ssh2 `direct-tcpip` or `direct-streamlocal` channel; closing it ends the channel and the SSH connection. */
export class SshTransport implements Transport {
  private handlers: TransportHandlers | null = null
  private closed = false
  private closeError: Error | undefined
  /** Writes not yet handed to the SSH connection. */
  private unsent = 0
  private readonly written = (): void => void this.unsent--

  constructor(
    private readonly client: Client,
    private readonly channel: ClientChannel,
    readonly description: string,
    readonly info: SshSessionInfo,
  ) {
    channel.pause()
    // Listen from the start: an error before start() must be reported, not thrown unhandled.
    channel.on('close', () => this.finish())
    channel.on('error', (err: Error) => this.finish(new NetworkError(`SSH channel to ${description} failed: ${err.message}`)))
    client.on('error', (err) => this.finish(describeSshError(err, description)))
    client.on('close', () => this.finish())
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
    if (this.closed) {
      handlers.close(this.closeError)
      return
    }
    this.channel.on('data', (chunk: Buffer) => this.handlers?.data(chunk))
    this.channel.on('drain', () => this.handlers?.drain?.())
    this.channel.resume()
  }

  private finish(error?: Error): void {
    if (this.closed) return
    this.closed = true
    this.closeError = error
    this.client.end()
    this.handlers?.close(error)
  }

  write(data: Uint8Array): void {
    if (this.closed) return
    this.unsent++
    this.channel.write(data, this.written)
  }

  get writeBacklog(): number {
    return this.channel.writableLength + this.unsent * WRITE_OVERHEAD
  }

  pause(): void {
    this.channel.pause()
  }

  resume(): void {
    this.channel.resume()
  }

  close(): void {
    this.channel.close()
    this.finish()
  }
}

/** Maps ssh2's errors (they carry a `level`, socket ones a `code`) to presentable ones. */
export function describeSshError(err: Error & { level?: string; code?: string | number }, where: string): RfbError {
  if (err instanceof RfbError) return err
  if (err.level === 'client-authentication') return new AuthFailedError(`the SSH server ${where} accepted none of the offered credentials`)
  if (err.level === 'client-timeout') return new TimeoutError(`the SSH server ${where} stopped answering`)
  if (err.level === 'client-socket' && typeof err.code === 'string') return describeSocketError(err as NodeJS.ErrnoException, where)
  return new NetworkError(`SSH error with ${where}: ${err.message}`, 'RFB_ERR_SSH')
}

/**
 * Connects to the SSH server, judges its host key (trust/host-key.ts) before any credential is
 * sent, logs in and opens a channel to `target`. Fails with a HostKeyError, AuthFailedError,
 * NetworkError or TimeoutError.
 */
export function connectSsh(options: SshConnectOptions): Promise<SshTransport> {
  const sshPort = options.sshPort ?? 22
  const where = `${options.sshHost}:${sshPort}`
  const timeoutMs = options.timeoutMs ?? 20_000
  const { auth } = options
  // Reading the key first turns a wrong passphrase into a clear message rather than ssh2's throw.
  if (auth.privateKey) {
    const parsed = utils.parseKey(auth.privateKey, auth.passphrase)
    if (parsed instanceof Error) {
      return Promise.reject(
        new AuthFailedError(
          `cannot use the SSH private key: ${parsed.message}${auth.passphrase === undefined ? ' (is it encrypted? give its passphrase)' : ''}`,
        ),
      )
    }
  }
  return new Promise((resolve, reject) => {
    const client = new Client()
    let failure: RfbError | undefined
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const fail = (err: RfbError): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      client.end()
      reject(err)
    }
    // Our own deadline, paused while the user looks at a host key prompt.
    const arm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => fail(new TimeoutError(`no SSH connection to ${where} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
    }
    let verdict: HostKeyVerdict | undefined
    /** True while the user looks at the host key. */
    let asking = false
    client.on('error', (err) => fail(failure ?? describeSshError(err, where)))
    client.on('close', () =>
      fail(
        failure ??
          (asking
            ? new NetworkError(`the SSH server ${where} closed the connection while waiting for your answer`, 'RFB_ERR_CLOSED_WHILE_ASKING')
            : new NetworkError(`the SSH server ${where} closed the connection`, 'RFB_ERR_CONNECTION_RESET')),
      ),
    )
    client.on('ready', () => {
      arm()
      const t = options.target
      const target = 'path' in t ? `unix:${t.path}` : `${t.host}:${t.port}`
      const opened = (err: Error | undefined, channel: ClientChannel): void => {
        if (settled) {
          channel?.close()
          return
        }
        if (err) {
          fail(new NetworkError(`the SSH server ${where} could not open a tunnel to ${target}: ${err.message}`, 'RFB_ERR_SSH_FORWARD'))
          return
        }
        settled = true
        clearTimeout(timer)
        client.removeAllListeners('error')
        client.removeAllListeners('close')
        const info: SshSessionInfo = { server: `${options.username}@${where}`, hostKey: verdict! }
        resolve(new SshTransport(client, channel, `${target} via ssh ${info.server}`, info))
      }
      if ('path' in t) client.openssh_forwardOutStreamLocal(t.path, opened)
      else client.forwardOut('127.0.0.1', 0, t.host, t.port, opened)
    })
    arm()
    // The names come from a fixed table of algorithms ssh2 implements.
    const preferred = preferredHostKeyAlgorithms(options.sshHost, sshPort, options.hostKey) as ServerHostKeyAlgorithm[]
    // Our own socket, so the host key question can bound what it reads (see hostVerifier).
    const sock = tcpConnect({ host: options.sshHost, port: sshPort })
    client.connect({
      sock,
      username: options.username,
      agent: auth.agent,
      privateKey: auth.privateKey,
      passphrase: auth.passphrase,
      password: auth.password,
      // The deadline is ours (see arm); ssh2's would also run while the user is asked.
      readyTimeout: 2 ** 31 - 1,
      keepaliveInterval: 15_000,
      // Known key types first (remove, then prepend: ssh2 applies the operations in this order).
      ...(preferred.length > 0 ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } } : {}),
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        clearTimeout(timer)
        // While a person looks at the key, read on only HANDSHAKE_READ_AHEAD bytes, then leave the
        // rest in the kernel (TCP holds the server back): a server that hangs up meanwhile is
        // noticed and the question closed, and one that floods costs no more than that.
        // (ssh2's keepalive starts only after login, so a long pause cannot trip it.)
        asking = true
        let taken = 0
        const count = (chunk: Buffer): void => {
          taken += chunk.length
          if (taken >= HANDSHAKE_READ_AHEAD) sock.pause()
        }
        sock.on('data', count)
        const answered = (): void => {
          asking = false
          sock.off('data', count)
          sock.resume()
        }
        verifyHostKey(key, options.sshHost, sshPort, options.hostKey).then(
          (v) => {
            verdict = v
            arm()
            answered()
            verify(true)
          },
          (e: unknown) => {
            failure = e instanceof RfbError ? e : new NetworkError(`cannot check the SSH host key of ${where}: ${(e as Error).message}`)
            answered()
            verify(false)
          },
        )
      },
    })
  })
}
