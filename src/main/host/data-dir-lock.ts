import { randomBytes } from 'node:crypto'
import { promises as fs, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { StoreError } from './connection-store'

/**
 * One host per data directory. Each host keeps the address book and saved passwords in memory
 * and writes its whole copy back, so a second host on the same directory would silently undo
 * the first one's changes. Merging under a lock would need every write to re-read and merge
 * three files (connections, passwords, trusted certificates) with rules for deletions; refusing
 * the second host is simple, and it is told exactly why and what to do instead.
 *
 * The lock is a file created with O_EXCL holding the owner's process id. A lock whose process
 * is gone (a crash, a kill) is taken over; a lock is released by `release()` (the host's
 * shutdown) or, failing that, when the process exits.
 */

/** The lock file inside a data directory. */
export const LOCK_FILE = 'tessera.lock'

/** A lock file this young without a readable owner may be one being written right now. */
const UNREADABLE_GRACE_MS = 10_000
const TAKEOVER_ATTEMPTS = 5

/** A held data directory lock. */
export interface DataDirLock {
  readonly file: string
  /** Removes the lock file if it is still ours; safe to call more than once. */
  release(): Promise<void>
}

/** Another host (this process or another) is using the directory. The message is for the user. */
export class DataDirLockedError extends StoreError {
  constructor(
    readonly dir: string,
    readonly pid: number | null,
  ) {
    super(
      'DATA_DIR_LOCKED',
      `another Tessera${pid === null ? '' : ` (process ${pid})`} is already using the data folder ${dir}. ` +
        'Close it first, or start this one with another folder (tessera web --data-dir FOLDER). ' +
        `If no other Tessera is running, delete ${join(dir, LOCK_FILE)}.`,
    )
  }
}

export interface LockOptions {
  /** The process id written into the lock; default this process. */
  pid?: number
  /** Whether a process is still running; default asks the OS (signal 0). */
  isAlive?: (pid: number) => boolean
}

interface LockContent {
  pid: number
  nonce: string
}

/**
 * Takes the lock of `dir` (created if missing) or throws DataDirLockedError naming the process
 * that holds it. A lock left by a process that no longer runs is taken over.
 */
export async function lockDataDir(dir: string, options: LockOptions = {}): Promise<DataDirLock> {
  const pid = options.pid ?? process.pid
  const isAlive = options.isAlive ?? processIsAlive
  const file = join(dir, LOCK_FILE)
  const mine: LockContent = { pid, nonce: randomBytes(12).toString('hex') }
  const text = `${JSON.stringify(mine)}\n`
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    if (await createExclusive(file, text)) return held(file, text)
    const existing = await readLock(file)
    if (existing === 'gone') continue
    if (existing.owner && isAlive(existing.owner.pid)) throw new DataDirLockedError(dir, existing.owner.pid)
    if (!existing.owner && Date.now() - existing.mtimeMs < UNREADABLE_GRACE_MS) throw new DataDirLockedError(dir, null)
    await removeIfUnchanged(file, existing.text)
  }
  throw new DataDirLockedError(dir, null)
}

async function createExclusive(file: string, text: string): Promise<boolean> {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(file, 'wx', 0o600)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw e
  }
  try {
    await handle.writeFile(text)
  } finally {
    await handle.close()
  }
  return true
}

type ReadLock = 'gone' | { text: string; owner: LockContent | null; mtimeMs: number }

async function readLock(file: string): Promise<ReadLock> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)])
    return { text, owner: parseLock(text), mtimeMs: stat.mtimeMs }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
    throw e
  }
}

function parseLock(text: string): LockContent | null {
  try {
    const o = JSON.parse(text) as Partial<LockContent>
    return Number.isSafeInteger(o.pid) && (o.pid as number) > 0 && typeof o.nonce === 'string' ? { pid: o.pid as number, nonce: o.nonce } : null
  } catch {
    return null
  }
}

/**
 * Removes a stale lock, unless another host replaced it since we read it: the file is first
 * moved to a name of our own, and put back if it turns out not to be the stale one.
 */
async function removeIfUnchanged(file: string, staleText: string): Promise<void> {
  const aside = `${file}.stale-${randomBytes(6).toString('hex')}`
  try {
    await fs.rename(file, aside)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw e
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => staleText)
  if (moved !== staleText) {
    // A live host's fresh lock: restore it without overwriting anything created meanwhile.
    await fs.link(aside, file).catch(() => undefined)
  }
  await fs.rm(aside, { force: true })
}

function held(file: string, text: string): DataDirLock {
  let released = false
  // A process that exits without shutting the host down (process.exit, an uncaught error) still lets go.
  const onExit = (): void => {
    try {
      if (readFileSync(file, 'utf8') === text) rmSync(file, { force: true })
    } catch {
      // Already gone.
    }
  }
  process.once('exit', onExit)
  return {
    file,
    async release() {
      if (released) return
      released = true
      process.off('exit', onExit)
      const now = await fs.readFile(file, 'utf8').catch(() => null)
      if (now === text) await fs.rm(file, { force: true })
    },
  }
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists as another user. */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
