// Starts real VNC servers (Debian packages, see docs/servers.md) on 127.0.0.1 for interop tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export type ServerKind = 'tigervnc' | 'x11vnc' | 'tightvnc' | 'qemu'

export interface ServerOptions {
  /** Enables VNC auth (security type 2); servers use only the first 8 characters. */
  password?: string
  /** Default 800x600; QEMU ignores both (SeaBIOS text mode, 720x400). */
  width?: number
  height?: number
  /** X server depth, default 24. */
  depth?: 16 | 24
  /** 'static': weave root plus an xterm with fixed text, settled before startServer resolves. Default 'none'. */
  content?: 'static' | 'none'
  /** Appended to the VNC server's command line (x11vnc's, not Xvfb's). */
  extraArgs?: string[]
  /**
   * TLS certificate and key (PEM files, e.g. from {@link selfSignedCertificate}). TigerVNC gets
   * `-X509Cert/-X509Key`; x11vnc gets `-ssl` (TLS from the first byte, or VeNCrypt if the client speaks first).
   */
  tls?: { cert: string; key: string }
  /** TigerVNC `-SecurityTypes`, e.g. ['X509Vnc', 'TLSNone']; default None or VncAuth as before. */
  securityTypes?: string[]
  /** Listen on this port (e.g. to restart a server where clients know it); default a free one. Not for QEMU. */
  port?: number
  /**
   * QEMU only: the PC speaker plays into an audio backend ("none": nothing reaches a sound card)
   * whose output the VNC server captures for clients that ask for QEMU audio.
   */
  audio?: boolean
}

/**
 * A self-signed certificate for `cn` (RSA 2048, 10 years) made with the openssl CLI into `dir`;
 * its alternative names are `cn` and 127.0.0.1 unless `san` says otherwise (e.g. "DNS:otherhost").
 */
export function selfSignedCertificate(dir: string, cn = 'localhost', name = 'server', san = `DNS:${cn},IP:127.0.0.1`): { cert: string; key: string } {
  const cert = path.join(dir, `${name}-cert.pem`)
  const key = path.join(dir, `${name}-key.pem`)
  const res = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${san}`],
    { encoding: 'utf8' },
  )
  if (res.status !== 0) throw new Error(`openssl req failed (status ${res.status}): ${res.stderr}`)
  return { cert, key }
}

export interface RunningServer {
  kind: ServerKind
  host: '127.0.0.1'
  port: number
  /** X display number; undefined for QEMU. */
  display?: number
  /** Every process started for this server, including clients from spawnClient. */
  pids: number[]
  /** process.env with DISPLAY set for X servers. */
  env: NodeJS.ProcessEnv
  spawnClient(cmd: string, args: string[]): ChildProcess
  /** SIGTERM, SIGKILL after 2 s, temp files removed; idempotent. */
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 15_000
const KILL_GRACE_MS = 2_000
const START_ATTEMPTS = 3

const BINARIES: Record<ServerKind, string[]> = {
  tigervnc: ['Xtigervnc'],
  x11vnc: ['Xvfb', 'x11vnc'],
  tightvnc: ['Xtightvnc'],
  qemu: ['qemu-system-x86_64'],
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, bin)))
}

export function serverAvailable(kind: ServerKind): boolean {
  return BINARIES[kind].every(onPath)
}

function probePort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', () => resolve(null))
    srv.listen({ host: HOST, port, exclusive: true }, () => {
      const addr = srv.address()
      const got = typeof addr === 'object' && addr !== null ? addr.port : null
      srv.close(() => resolve(got))
    })
  })
}

export async function freePort(): Promise<number> {
  const port = await probePort(0)
  if (port === null) throw new Error('freePort: could not bind 127.0.0.1:0')
  return port
}

// QEMU only takes a display number (port 5900+D), so probe a port in a range above 5900.
async function freePortFrom(min: number, max: number): Promise<number> {
  const span = max - min
  const start = Math.floor(Math.random() * span)
  for (let i = 0; i < span; i++) {
    const port = min + ((start + i) % span)
    if ((await probePort(port)) !== null) return port
  }
  throw new Error(`no free port in ${min}-${max}`)
}

function displayInUse(n: number): boolean {
  return existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)
}

// Random start so parallel test workers rarely collide; a collision makes the X server exit and we retry.
function freeDisplay(): number {
  const start = 40 + Math.floor(Math.random() * 400)
  for (let n = start; n < start + 400; n++) if (!displayInUse(n)) return n
  throw new Error('no free X display number')
}

// Every process started by any server, so the exit handler can clean up whatever a test leaked.
const live = new Map<number, { display?: number; tmp: string }>()
let exitHooked = false

function killAllSync(): void {
  for (const [pid, rec] of live) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
    removeStaleXFiles(rec.display, pid)
    rmSync(rec.tmp, { recursive: true, force: true })
  }
  live.clear()
}

function hookExit(): void {
  if (exitHooked) return
  exitHooked = true
  process.on('exit', killAllSync)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllSync()
      process.removeListener(sig, handler)
      // Only re-raise when nobody else handles the signal, so default termination still happens.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig)
    }
    process.on(sig, handler)
  }
}

// An X server killed with SIGKILL leaves its lock and socket behind; remove them only if they are its own.
function removeStaleXFiles(display: number | undefined, pid: number): void {
  if (display === undefined) return
  const lock = `/tmp/.X${display}-lock`
  try {
    if (Number(readFileSync(lock, 'utf8').trim()) !== pid) return
  } catch {
    return
  }
  rmSync(lock, { force: true })
  rmSync(`/tmp/.X11-unix/X${display}`, { force: true })
}

function tail(file: string, bytes = 2000): string {
  try {
    const text = readFileSync(file, 'utf8')
    return text.length > bytes ? text.slice(-bytes) : text
  } catch {
    return ''
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

class EarlyExit extends Error {}

interface Session {
  tmp: string
  children: ChildProcess[]
  logs: Map<ChildProcess, string>
  server?: ChildProcess
  x11vnc?: ChildProcess
  display?: number
}

function launch(s: Session, cmd: string, args: string[], env: NodeJS.ProcessEnv, logName: string): ChildProcess {
  const log = path.join(s.tmp, logName)
  const fd = openSync(log, 'a')
  // Output goes to a file, not a pipe: nothing to drain, and no SIGPIPE if the test process dies first.
  const child = spawn(cmd, args, { env, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  child.on('error', (e) => appendFileSync(log, `spawn failed: ${e.message}\n`))
  s.children.push(child)
  s.logs.set(child, log)
  if (child.pid !== undefined) live.set(child.pid, { display: s.display, tmp: s.tmp })
  child.once('exit', () => {
    if (child.pid !== undefined) live.delete(child.pid)
  })
  return child
}

function exitInfo(child: ChildProcess, what: string, log: string): EarlyExit {
  const how = child.pid === undefined ? 'could not spawn' : child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`
  return new EarlyExit(`${what} exited early (${how}); output tail:\n${tail(log)}`)
}

// Polls `probe` until it yields a value; rejects if any watched process dies or the deadline passes.
async function waitFor<T>(what: string, deadline: number, watch: ChildProcess[], s: Session, probe: () => Promise<T | null>): Promise<T> {
  for (;;) {
    for (const c of watch) {
      // No pid: spawn itself failed (launch logs the error).
      if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) throw exitInfo(c, c.spawnfile, s.logs.get(c) ?? '')
    }
    const got = await probe()
    if (got !== null) return got
    if (Date.now() > deadline) {
      const logs = watch.map((c) => `--- ${c.spawnfile}:\n${tail(s.logs.get(c) ?? '')}`).join('\n')
      throw new Error(`timed out after ${READY_TIMEOUT_MS} ms waiting for ${what}\n${logs}`)
    }
    await sleep(50)
  }
}

// One attempt: connect and read the 12-byte ProtocolVersion; null means "not yet".
function readGreeting(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port })
    let buf = Buffer.alloc(0)
    const done = (v: string | null): void => {
      clearTimeout(timer)
      sock.destroy()
      resolve(v)
    }
    // x11vnc takes up to ~260 ms (2 s with -ssl) before it speaks.
    const timer = setTimeout(() => done(null), 4000)
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      if (buf.length >= 12) done(buf.subarray(0, 12).toString('latin1'))
    })
    sock.on('error', () => done(null))
    sock.on('close', () => done(null))
  })
}

async function waitRfb(s: Session, port: number, deadline: number, watch: ChildProcess[]): Promise<void> {
  const greeting = await waitFor(`RFB greeting on ${HOST}:${port}`, deadline, watch, s, () => readGreeting(port))
  if (!/^RFB \d{3}\.\d{3}\n$/.test(greeting)) throw new Error(`unexpected greeting ${JSON.stringify(greeting)} on port ${port}`)
}

function canConnectUnix(p: string): Promise<true | null> {
  if (!existsSync(p)) return Promise.resolve(null)
  return new Promise((resolve) => {
    const sock = net.connect(p)
    sock.once('connect', () => {
      sock.destroy()
      resolve(true)
    })
    sock.once('error', () => resolve(null))
  })
}

function makePasswordFile(s: Session, password: string): string {
  const tool = ['tigervncpasswd', 'vncpasswd', 'tightvncpasswd'].find(onPath)
  if (!tool) throw new Error('VNC auth needs tigervncpasswd (tigervnc-tools) or vncpasswd')
  const res = spawnSync(tool, ['-f'], { input: `${password}\n`, env: { ...process.env, HOME: s.tmp } })
  if (res.status !== 0 || res.stdout.length !== 8) {
    throw new Error(`${tool} -f failed (status ${res.status}): ${res.stderr.toString()}`)
  }
  const file = path.join(s.tmp, 'passwd')
  writeFileSync(file, res.stdout, { mode: 0o600 })
  return file
}

const STATIC_TITLE = 'tessera-static'

// A hidden cursor (DECTCEM off) and -hold keep the xterm unchanging once drawn; colours exercise pixel formats.
const STATIC_TEXT =
  '\\033[?25lTessera interop test screen\\n' +
  'The quick brown fox jumps over the lazy dog 0123456789\\n' +
  '\\033[41m red \\033[42m green \\033[44m blue \\033[43m yellow \\033[45m magenta \\033[46m cyan \\033[47m white \\033[0m\\n'

function windowViewable(env: NodeJS.ProcessEnv): boolean {
  const res = spawnSync('xwininfo', ['-name', STATIC_TITLE], { env, encoding: 'utf8' })
  return res.status === 0 && /Map State:\s+IsViewable/.test(res.stdout)
}

function rootSnapshot(env: NodeJS.ProcessEnv): Buffer | null {
  const res = spawnSync('xwd', ['-root', '-silent'], { env, maxBuffer: 64 << 20 })
  return res.status === 0 ? res.stdout : null
}

async function putStaticContent(s: Session, env: NodeJS.ProcessEnv, deadline: number): Promise<void> {
  const missing = ['xterm', 'xwininfo'].filter((b) => !onPath(b))
  if (missing.length) throw new Error(`content 'static' needs ${missing.join(', ')} (xterm, x11-utils)`)
  const xterm = launch(
    s,
    'xterm',
    [
      '-geometry',
      '60x12+40+40',
      '-bg',
      '#203040',
      '-fg',
      '#e0e0a0',
      '-xrm',
      'XTerm*cursorBlink: false',
      '-title',
      STATIC_TITLE,
      '-hold',
      '-e',
      'sh',
      '-c',
      `printf '${STATIC_TEXT}'`,
    ],
    env,
    'xterm.log',
  )
  await waitFor('xterm window to map', deadline, [s.server!, xterm], s, async () => (windowViewable(env) ? true : null))
  // Settled = two identical root snapshots in a row; without xwd fall back to a fixed pause.
  if (!onPath('xwd')) return sleep(1000)
  let prev = rootSnapshot(env)
  for (;;) {
    await sleep(200)
    const cur = rootSnapshot(env)
    if (prev && cur && prev.equals(cur)) return
    if (Date.now() > deadline) throw new Error('timed out waiting for static content to settle')
    prev = cur
  }
}

/**
 * Lets SeaBIOS print its screen, then pauses the VM through the monitor: the text cursor blinks on
 * the guest's virtual clock, so a stopped VM shows a screen that never changes.
 */
async function freezeQemu(monitorPath: string): Promise<void> {
  await sleep(1500)
  await new Promise<void>((resolve, reject) => {
    const sock = net.createConnection(monitorPath)
    sock.once('error', reject)
    sock.once('connect', () => sock.write('stop\n'))
    let out = ''
    sock.on('data', (d) => {
      out += d.toString('latin1')
      // The monitor echoes the command and prints a new prompt once it has run.
      if (/stop[\s\S]*\(qemu\)/.test(out)) {
        sock.destroy()
        resolve()
      }
    })
  })
  await sleep(300)
}

async function startOnce(kind: ServerKind, opts: ServerOptions, s: Session, deadline: number): Promise<{ port: number; env: NodeJS.ProcessEnv }> {
  const width = opts.width ?? 800
  const height = opts.height ?? 600
  const depth = opts.depth ?? 24
  const extra = opts.extraArgs ?? []
  // HOME in the temp dir: nothing writes ~/.vnc or reads a user's rc files.
  const serverEnv: NodeJS.ProcessEnv = { ...process.env, HOME: s.tmp }
  const passwd = opts.password !== undefined ? makePasswordFile(s, opts.password) : undefined

  if (kind === 'qemu') {
    const port = await freePortFrom(6000, 9000)
    const args = ['-machine', 'pc', '-accel', 'tcg', '-m', '64', '-nodefaults', '-vga', 'std', '-nic', 'none', '-display', 'none']
    let vnc = `${HOST}:${port - 5900}`
    if (opts.password !== undefined) {
      // Secret from a file keeps the password out of the process list.
      const secret = path.join(s.tmp, 'qemu-secret')
      writeFileSync(secret, opts.password, { mode: 0o600 })
      args.push('-object', `secret,id=vncpw,file=${secret}`)
      vnc += ',password-secret=vncpw'
    }
    if (opts.audio) {
      args[1] = 'pc,pcspk-audiodev=snd0'
      args.push('-audiodev', 'none,id=snd0')
      vnc += ',audiodev=snd0'
    }
    const monitor = path.join(s.tmp, 'monitor.sock')
    if (opts.content === 'static') args.push('-monitor', `unix:${monitor},server=on,wait=off`)
    args.push('-vnc', vnc, ...extra)
    s.server = launch(s, 'qemu-system-x86_64', args, serverEnv, 'qemu.log')
    await waitRfb(s, port, deadline, [s.server])
    if (opts.content === 'static') await freezeQemu(monitor)
    return { port, env: { ...process.env } }
  }

  s.display = freeDisplay()
  const port = opts.port ?? (await freePort())
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: `:${s.display}` }
  delete env.XAUTHORITY
  const dpy = `:${s.display}`

  if (kind === 'tigervnc') {
    const args = [
      dpy,
      '-geometry',
      `${width}x${height}`,
      '-depth',
      String(depth),
      '-interface',
      HOST,
      '-nolisten',
      'tcp',
      '-AlwaysShared',
      '-UseBlacklist=0',
      '-rfbport',
      String(port),
      '-desktop',
      'tessera-test',
      '-retro',
    ]
    const types = opts.securityTypes ?? [passwd ? 'VncAuth' : 'None']
    args.push('-SecurityTypes', types.join(','), ...(passwd ? ['-PasswordFile', passwd] : []))
    if (opts.tls) args.push('-X509Cert', opts.tls.cert, '-X509Key', opts.tls.key)
    s.server = launch(s, 'Xtigervnc', [...args, ...extra], serverEnv, 'server.log')
    await waitRfb(s, port, deadline, [s.server])
  } else if (kind === 'tightvnc') {
    // Its default root is already the classic weave; no -retro flag exists. Type1 dir may be absent, it only warns.
    const args = [
      dpy,
      '-geometry',
      `${width}x${height}`,
      '-depth',
      String(depth),
      '-localhost',
      '-interface',
      HOST,
      '-nolisten',
      'tcp',
      '-alwaysshared',
      '-fp',
      '/usr/share/fonts/X11/misc/,/usr/share/fonts/X11/Type1/',
      '-rfbport',
      String(port),
      '-desktop',
      'tessera-test',
    ]
    if (passwd) args.push('-rfbauth', passwd)
    s.server = launch(s, 'Xtightvnc', [...args, ...extra], serverEnv, 'server.log')
    await waitRfb(s, port, deadline, [s.server])
  } else {
    s.server = launch(s, 'Xvfb', [dpy, '-screen', '0', `${width}x${height}x${depth}`, '-nolisten', 'tcp', '-retro'], serverEnv, 'xvfb.log')
    await waitFor(`Xvfb socket for ${dpy}`, deadline, [s.server], s, () => canConnectUnix(`/tmp/.X11-unix/X${s.display}`))
    // x11vnc 0.9.16's -localhost also turns away -unixsock clients ("denying client: localhost does
    // not match 127.0.0.1"); -listen alone keeps TCP on loopback.
    const localhost = extra.includes('-unixsock') ? [] : ['-localhost']
    const args = ['-display', dpy, ...localhost, '-listen', HOST, '-forever', '-shared', '-noipv6', '-nocmds', '-norc', '-rfbport', String(port)]
    args.push(...(passwd ? ['-rfbauth', passwd] : ['-nopw']))
    if (opts.tls) {
      // x11vnc -ssl wants key and certificate in one file.
      const pem = path.join(s.tmp, 'x11vnc.pem')
      writeFileSync(pem, readFileSync(opts.tls.key, 'utf8') + readFileSync(opts.tls.cert, 'utf8'), { mode: 0o600 })
      args.push('-ssl', pem)
    }
    s.x11vnc = launch(s, 'x11vnc', [...args, ...extra], serverEnv, 'server.log')
    await waitRfb(s, port, deadline, [s.server, s.x11vnc])
  }

  if (opts.content === 'static') await putStaticContent(s, env, deadline)
  return { port, env }
}

async function terminate(children: ChildProcess[], graceMs = KILL_GRACE_MS): Promise<void> {
  // No pid means it never spawned, so no 'exit' will come.
  const running = children.filter((c) => c.pid !== undefined && c.exitCode === null && c.signalCode === null)
  const all = Promise.all(running.map((c) => new Promise<void>((r) => c.once('exit', () => r()))))
  for (const c of running) c.kill('SIGTERM')
  const timedOut = await Promise.race([all.then(() => false), sleep(graceMs).then(() => true)])
  if (!timedOut) return
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  await all
}

async function stopSession(s: Session): Promise<void> {
  // X clients, then x11vnc, then the X server, so none of them is left talking to a vanished display.
  await terminate(s.children.filter((c) => c !== s.server && c !== s.x11vnc))
  // x11vnc's SIGTERM handler deadlocks now and then (seen: stuck in a futex after "caught signal: 15");
  // its clean-up normally takes ~250 ms and only restores X state of a display we are discarding anyway.
  if (s.x11vnc) await terminate([s.x11vnc], 500)
  if (s.server) await terminate([s.server])
  for (const c of s.children) if (c.pid !== undefined) live.delete(c.pid)
  if (s.server?.pid !== undefined) removeStaleXFiles(s.display, s.server.pid)
  rmSync(s.tmp, { recursive: true, force: true })
}

export async function startServer(kind: ServerKind, opts: ServerOptions = {}): Promise<RunningServer> {
  if (!serverAvailable(kind)) throw new Error(`${kind}: ${BINARIES[kind].join(', ')} not found on PATH`)
  hookExit()
  for (let attempt = 1; ; attempt++) {
    const s: Session = { tmp: mkdtempSync(path.join(os.tmpdir(), `tessera-${kind}-`)), children: [], logs: new Map() }
    try {
      const { port, env } = await startOnce(kind, opts, s, Date.now() + READY_TIMEOUT_MS)
      let stopping: Promise<void> | undefined
      return {
        kind,
        host: HOST,
        port,
        display: s.display,
        // A live view: clients spawned later show up too.
        get pids(): number[] {
          return s.children.map((c) => c.pid).filter((p): p is number => p !== undefined)
        },
        env,
        spawnClient(cmd: string, args: string[]): ChildProcess {
          if (stopping) throw new Error('server already stopped')
          const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
          s.children.push(child)
          if (child.pid !== undefined) live.set(child.pid, { tmp: s.tmp })
          child.once('exit', () => {
            if (child.pid !== undefined) live.delete(child.pid)
          })
          return child
        },
        stop(): Promise<void> {
          stopping ??= stopSession(s)
          return stopping
        },
      }
    } catch (err) {
      await stopSession(s)
      // A lost race for a display or port shows as an early exit; anything else (timeouts) is not retried.
      if (!(err instanceof EarlyExit) || attempt >= START_ATTEMPTS) {
        throw new Error(`${kind} failed to start: ${(err as Error).message}`)
      }
    }
  }
}
