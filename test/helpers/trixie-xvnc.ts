// TigerVNC 1.15's Xvnc, run in the Debian 13 chroot test/helpers/trixie-chroot.sh builds, for the
// RSA-AES interop tests (Debian 12's TigerVNC predates RSA-AES). Needs root (chroot).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { freePort } from './vnc-servers'

const ROOT = path.resolve(import.meta.dirname, '../..')
/** Where the chroot is cached (covered by .gitignore; docs/testing.md). */
export const TRIXIE_DIR = process.env.TESSERA_TRIXIE_CHROOT ?? path.join(ROOT, '.cache/trixie-chroot')

/** The chroot needs root; the tests skip without it. */
export const isRoot = process.getuid?.() === 0

/** The user name and system password the chroot's PAM knows (RSA-AES with a user name checks them). */
export const TRIXIE_USER = 'tessera'
export const TRIXIE_USER_PASSWORD = 'tessera-unix-pw'

/** Builds the chroot unless it is cached (a few minutes the first time); throws with the script's output when it fails. */
export function ensureTrixieChroot(): string {
  const r = spawnSync(path.join(ROOT, 'test/helpers/trixie-chroot.sh'), [TRIXIE_DIR], { encoding: 'utf8', timeout: 600_000 })
  if (r.status !== 0) throw new Error(`building the trixie chroot failed (status ${r.status}): ${r.stdout}${r.stderr}`)
  addUser()
  return TRIXIE_DIR
}

/** Writes the test user into the chroot's passwd, group and shadow files (idempotent). */
function addUser(): void {
  const hash = spawnSync('openssl', ['passwd', '-6', '-salt', 'tesserasalt', TRIXIE_USER_PASSWORD], { encoding: 'utf8' }).stdout.trim()
  const lines: Record<string, string> = {
    passwd: `${TRIXIE_USER}:x:4242:4242::/nonexistent:/usr/sbin/nologin`,
    group: `${TRIXIE_USER}:x:4242:`,
    shadow: `${TRIXIE_USER}:${hash}:20000:0:99999:7:::`,
  }
  for (const [file, line] of Object.entries(lines)) {
    const p = path.join(TRIXIE_DIR, 'etc', file)
    // The chroot has no shadow file (no `passwd` package): ours is the first.
    const kept = (existsSync(p) ? readFileSync(p, 'utf8') : '').split('\n').filter((l) => l !== '' && !l.startsWith(`${TRIXIE_USER}:`))
    const text = [...kept, line, ''].join('\n')
    if (existsSync(p) && readFileSync(p, 'utf8') === text) continue
    // Test files run in parallel: replace the file whole, so PAM never reads half of one.
    const tmp = `${p}.tessera-${process.pid}`
    writeFileSync(tmp, text, { mode: file === 'shadow' ? 0o640 : 0o644 })
    renameSync(tmp, p)
  }
}

export interface TrixieXvncOptions {
  /** `-SecurityTypes`, e.g. ['RA2'] or ['RA2ne_256']. */
  securityTypes: string[]
  /** The VNC password (password-only subtype); servers use its first 8 characters. */
  password: string
  /** `-RequireUsername`: the RSA-AES types then ask for a user name, checked by PAM. */
  requireUsername?: boolean
  /** The server's RSA key (PEM); default a fixed one per `keyName`. */
  keyName?: string
  /** Listen on this port (a restart with another key where the client knows the server); default a free one. */
  port?: number
  /** `-geometry`; default 320x240. */
  geometry?: string
}

export interface TrixieXvnc {
  host: '127.0.0.1'
  port: number
  pid: number
  /** The X display number: X clients of this machine reach it as `:N` (the X server's abstract socket is outside the chroot). */
  display: number
  /** SIGTERM, SIGKILL after 2 s; idempotent. */
  stop(): Promise<void>
}

/** A 2048-bit RSA key per name, made once by openssl inside the chroot's /tmp (PKCS#1 PEM, what Xvnc and wayvnc read); its path inside the chroot. */
export function trixieKeyFile(name: string): string {
  const rel = `/tmp/tessera-keys/${name}.pem`
  const abs = path.join(TRIXIE_DIR, rel)
  if (!existsSync(abs)) {
    mkdirSync(path.dirname(abs), { recursive: true })
    const tmp = `${abs}.${process.pid}.tmp`
    const r = spawnSync('openssl', ['genrsa', '-traditional', '-out', tmp, '2048'], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`openssl genrsa failed: ${r.stderr}`)
    renameSync(tmp, abs)
  }
  return rel
}

/** The VNC password file (DES of the password under the fixed VNC key), as vncpasswd -f writes it. */
function passwordFile(dir: string, password: string): string {
  const r = spawnSync('vncpasswd', ['-f'], { input: `${password}\n` })
  if (r.status !== 0 || r.stdout.length < 8) throw new Error(`vncpasswd -f failed: ${r.stderr?.toString()}`)
  writeFileSync(path.join(TRIXIE_DIR, dir, 'passwd'), r.stdout.subarray(0, 8))
  return `${dir}/passwd`
}

function displayFree(n: number): boolean {
  return !['/tmp/.X11-unix/X', '/tmp/.X'].some(
    (p) =>
      existsSync(`${p}${n}`) ||
      existsSync(`${p}${n}-lock`) ||
      existsSync(path.join(TRIXIE_DIR, `${p}${n}`)) ||
      existsSync(path.join(TRIXIE_DIR, `${p}${n}-lock`)),
  )
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy()
      resolve(true)
    })
    s.on('error', () => resolve(false))
  })
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Starts `Xvnc` inside the chroot on 127.0.0.1 (a weave root window, 320x240); retries on a display clash. */
export async function startTrixieXvnc(opts: TrixieXvncOptions): Promise<TrixieXvnc> {
  const tag = createHash('sha1').update(`${process.pid}-${Date.now()}-${Math.random()}`).digest('hex').slice(0, 10)
  const dir = `/tmp/tessera-${tag}`
  mkdirSync(path.join(TRIXIE_DIR, dir), { recursive: true })
  const auth = passwordFile(dir, opts.password)
  const key = trixieKeyFile(opts.keyName ?? 'default')
  const port = opts.port ?? (await freePort())
  for (let attempt = 0; attempt < 3; attempt++) {
    let display = 600 + Math.floor(Math.random() * 300)
    while (!displayFree(display)) display++
    const log = path.join(TRIXIE_DIR, dir, 'xvnc.log')
    const fd = openSync(log, 'a')
    const args = [
      TRIXIE_DIR,
      'Xvnc',
      `:${display}`,
      '-rfbport',
      String(port),
      '-localhost',
      '-interface',
      '127.0.0.1',
      '-UseBlacklist=0',
      '-retro',
      '-geometry',
      opts.geometry ?? '320x240',
      '-depth',
      '24',
    ]
    args.push('-SecurityTypes', opts.securityTypes.join(','), '-rfbauth', auth, '-RSAKey', key, '-PlainUsers', TRIXIE_USER)
    if (opts.requireUsername) args.push('-RequireUsername')
    const child: ChildProcess = spawn('chroot', args, { stdio: ['ignore', fd, fd] })
    closeSync(fd)
    let exited = false
    child.on('exit', () => (exited = true))
    const deadline = Date.now() + 15_000
    while (!exited && Date.now() < deadline && !(await canConnect(port))) await sleep(100)
    if (!exited && (await canConnect(port))) {
      let stopped: Promise<void> | null = null
      return {
        host: '127.0.0.1',
        port,
        pid: child.pid!,
        display,
        stop: () =>
          (stopped ??= new Promise<void>((resolve) => {
            if (exited) return resolve()
            const kill = setTimeout(() => child.kill('SIGKILL'), 2_000)
            child.once('exit', () => {
              clearTimeout(kill)
              rmSync(path.join(TRIXIE_DIR, dir), { recursive: true, force: true })
              resolve()
            })
            child.kill('SIGTERM')
          })),
      }
    }
    child.kill('SIGKILL')
    if (attempt === 2) throw new Error(`Xvnc in the trixie chroot did not start: ${readFileSync(log, 'utf8').slice(-2000)}`)
  }
  throw new Error('unreachable')
}
