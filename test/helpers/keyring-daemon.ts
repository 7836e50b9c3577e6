import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** Why a real Secret Service cannot be started here, or null when it can. */
export function keyringDaemonMissing(): string | null {
  for (const bin of ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon']) {
    if (spawnSync('which', [bin]).status !== 0) return `${bin} is not installed (Debian: apt-get install gnome-keyring dbus)`
  }
  return null
}

/** A private session bus with an unlocked gnome-keyring on it, in a throw-away home. */
export interface KeyringDaemon {
  /** The value for DBUS_SESSION_BUS_ADDRESS. */
  address: string
  /** The environment for child processes (secret-tool) that should see this keyring. */
  env: NodeJS.ProcessEnv
  stop(): Promise<void>
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', () => done()))
}

/**
 * Starts `dbus-daemon --session` on a socket in a temporary directory, then
 * `gnome-keyring-daemon --unlock` (password on stdin) on that bus, so it creates and unlocks a
 * login keyring without any prompt or display. Works as root with no X; nothing touches the
 * real home or session bus.
 */
export async function startKeyringDaemon(): Promise<KeyringDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-keyring-'))
  const runtime = join(dir, 'run')
  mkdirSync(runtime, { mode: 0o700 })
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address within 10 s')), 10_000)
    bus.once('error', reject)
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)))
    createInterface({ input: bus.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line.trim())
    })
  })
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DBUS_SESSION_BUS_ADDRESS: address,
    HOME: dir,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_RUNTIME_DIR: runtime,
    DISPLAY: '',
  }
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'ignore'] })
  keyring.stdin!.end('test-login-password')
  // The daemon is ready once it owns the Secret Service name on the bus.
  const deadline = Date.now() + 10_000
  for (;;) {
    const owned = spawnSync(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.freedesktop.secrets',
      ],
      { env, encoding: 'utf8' },
    )
    if (owned.stdout?.includes('boolean true')) break
    if (keyring.exitCode !== null || Date.now() > deadline) {
      keyring.kill()
      bus.kill()
      rmSync(dir, { recursive: true, force: true })
      throw new Error('gnome-keyring-daemon did not take the Secret Service name within 10 s')
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    address,
    env,
    async stop() {
      keyring.kill()
      bus.kill()
      await Promise.all([exited(keyring), exited(bus)])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
