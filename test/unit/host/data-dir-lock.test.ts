import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../../src/main/host/data-dir-lock'
import type { Host } from '../../../src/main/host/host'
import { newProfile } from '../../../src/shared/profile'

// One host per data directory: real hosts, real lock files, real processes (alive and dead).

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const REGISTER = join(ROOT, 'test', 'helpers', 'cli-register.mjs')
const RUN_CLI = join(ROOT, 'test', 'helpers', 'run-cli.ts')

let dir: string
const hosts: Host[] = []
const children: ChildProcess[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-lock-'))
})

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.shutdown()))
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

async function host(dataDir = dir): Promise<Host> {
  const h = (await createHost({ dataDir, decodeImage: null, log: () => {} })).host
  hosts.push(h)
  return h
}

/** The process id of a process that has just exited: nothing runs under it now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

const lockText = (pid: number): string => `${JSON.stringify({ pid, nonce: 'elsewhere' })}\n`
const lockPid = (dataDir = dir): number => (JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { pid: number }).pid

/** Output of a child process, and a promise for its exit code. */
function run(
  cmd: string,
  args: string[],
  cwd: string,
): { child: ChildProcess; out: () => string; exited: Promise<number | null>; saw: (re: RegExp) => Promise<void> } {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let text = ''
  const waiters: (() => void)[] = []
  const onData = (d: Buffer): void => {
    text += d.toString()
    for (const w of waiters.splice(0)) w()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
  const saw = async (re: RegExp): Promise<void> => {
    const deadline = Date.now() + 45_000
    while (!re.test(text)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`expected ${re} from the child; it printed:\n${text}`)
      await new Promise<void>((r) => {
        waiters.push(r)
        setTimeout(r, 200)
      })
    }
  }
  return { child, out: () => text, exited, saw }
}

/** `tessera web` from source in its own process, over a stand-in renderer in `cwd`/out/renderer. */
function tesseraWeb(dataDir: string): ReturnType<typeof run> {
  const cwd = join(dir, 'cwd')
  mkdirSync(join(cwd, 'out', 'renderer'), { recursive: true })
  writeFileSync(join(cwd, 'out', 'renderer', 'index.html'), '<!doctype html>')
  return run(process.execPath, ['--import', REGISTER, RUN_CLI, 'web', '--no-open', '--data-dir', dataDir], cwd)
}

describe('data directory lock', () => {
  it('refuses a second host on the same directory, naming the process; the first keeps working', async () => {
    const first = await host()
    const second = createHost({ dataDir: dir, decodeImage: null, log: () => {} })
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError)
    await expect(second).rejects.toMatchObject({
      code: 'DATA_DIR_LOCKED',
      message: expect.stringContaining(`another Tessera (process ${process.pid}) is already using the data folder ${dir}`),
    })
    expect(lockPid()).toBe(process.pid)
    await first.handle('profiles.save', newProfile({ id: '', host: 'kept' }))
    expect(((await first.handle('profiles.list', undefined)) as { host: string }[]).map((p) => p.host)).toEqual(['kept'])
  })

  it('is released by shutdown, so a later host opens the directory and sees what the first saved', async () => {
    const first = await host()
    await first.handle('profiles.save', newProfile({ id: '', host: 'saved-by-first' }))
    await first.shutdown()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    const later = await host()
    expect(((await later.handle('profiles.list', undefined)) as { host: string }[]).map((p) => p.host)).toEqual(['saved-by-first'])
  })

  it('hosts on different directories do not disturb each other', async () => {
    await host(join(dir, 'a'))
    await host(join(dir, 'b'))
    expect(existsSync(join(dir, 'a', LOCK_FILE)) && existsSync(join(dir, 'b', LOCK_FILE))).toBe(true)
  })

  it('takes over a lock left by a process that no longer runs', async () => {
    const pid = deadPid()
    writeFileSync(join(dir, LOCK_FILE), lockText(pid))
    await host()
    expect(lockPid()).toBe(process.pid)
  })

  it('refuses while another live process holds the lock, and takes over once it is gone', async () => {
    const other = run(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], dir)
    writeFileSync(join(dir, LOCK_FILE), lockText(other.child.pid!))
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED', pid: other.child.pid })
    other.child.kill('SIGKILL')
    await other.exited
    const lock = await lockDataDir(dir)
    expect(lockPid()).toBe(process.pid)
    await lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })

  it('treats a fresh unreadable lock as held (it may be being written) and an old one as stale', async () => {
    const file = join(dir, LOCK_FILE)
    writeFileSync(file, '')
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED', pid: null })
    const old = new Date(Date.now() - 60_000)
    utimesSync(file, old, old)
    const lock = await lockDataDir(dir)
    expect(lockPid()).toBe(process.pid)
    await lock.release()
  })

  it('release leaves alone a lock that is no longer ours', async () => {
    const lock = await lockDataDir(dir)
    writeFileSync(join(dir, LOCK_FILE), lockText(12345))
    await lock.release()
    expect(lockPid()).toBe(12345)
  })

  it('two `tessera web` processes on one folder: the second says why and exits non-zero; the lock goes with the first', async () => {
    const data = join(dir, 'data')
    const first = tesseraWeb(data)
    await first.saw(/Tessera is at http:\/\/127\.0\.0\.1:\d+\//)
    expect(lockPid(data)).toBe(first.child.pid)
    const second = tesseraWeb(data)
    expect(await second.exited).toBe(10) // busy: the data folder is in use (docs/cli.md)
    expect(second.out()).toContain(`tessera web: another Tessera (process ${first.child.pid}) is already using the data folder ${data}`)
    expect(second.out()).not.toMatch(/internal error|at .*\.ts:\d+/)
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(existsSync(join(data, LOCK_FILE))).toBe(false)
  })

  it('a process that exits without shutting down still lets go of its lock', async () => {
    const script = `import { lockDataDir } from ${JSON.stringify(join(ROOT, 'src', 'main', 'host', 'data-dir-lock.ts'))}
await lockDataDir(${JSON.stringify(dir)})
process.stdout.write('locked')
process.exit(3)`
    const child = run(process.execPath, ['--import', REGISTER, '--input-type=module', '-e', script], dir)
    expect(await child.exited).toBe(3)
    expect(child.out()).toBe('locked')
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })
})
