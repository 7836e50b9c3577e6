import type { FileAnswer } from '@shared/file-transfer'
import type { DownloadSink, RemoteEntry } from '../../rfb/file-transfer/remote-files'
import { type JobContext, WALK_LIMITS, checkSize, filesError } from './job-context'
import { LocalFolder, LocalFolderError } from './local-folder'
import { PART_SUFFIX, PartialDownload } from './partial-download'
import { remoteJoin } from '@shared/remote-path'
import { checkName, numberedName } from './safe-name'

/** One thing to make locally: a folder, or a file to download; `names` is its path below the chosen folder, each name checked. */
export interface PlannedEntry {
  names: string[]
  remotePath: string
  kind: 'file' | 'folder'
  size: number
}

/**
 * Lists what downloading `names` of remote `folder` means, folders walked entry by entry
 * (breadth first, at most WALK_LIMITS deep and long). Every name is checked here, before
 * anything touches the disk: one unsafe name fails the transfer with nothing written.
 */
export async function planDownload(ctx: JobContext, folder: string, names: readonly string[]): Promise<PlannedEntry[]> {
  const { remote, signal } = ctx
  const listing = await remote.list(folder, signal)
  const planned: PlannedEntry[] = []
  const queue: { entry: PlannedEntry; depth: number }[] = []
  for (const name of names) {
    const found = listing.find((e) => e.name === name)
    if (!found) throw filesError('FILES_NOT_FOUND', `"${name}" is not in ${folder} on the server`)
    queue.push({ entry: planned1([], found, folder, remote.separator), depth: 0 })
  }
  while (queue.length > 0) {
    const { entry, depth } = queue.shift()!
    planned.push(entry)
    if (entry.kind !== 'folder') continue
    if (depth >= WALK_LIMITS.depth) throw filesError('FILES_LIMIT', `"${entry.names.join('/')}" is more than ${WALK_LIMITS.depth} folders deep`)
    for (const child of await remote.list(entry.remotePath, signal)) {
      if (planned.length + queue.length >= WALK_LIMITS.entries) throw filesError('FILES_LIMIT', `more than ${WALK_LIMITS.entries} files and folders`)
      queue.push({ entry: planned1(entry.names, child, entry.remotePath, remote.separator), depth: depth + 1 })
    }
  }
  return planned
}

function planned1(parent: string[], e: RemoteEntry, folder: string, sep: '/' | '\\'): PlannedEntry {
  const name = checkName(e.name)
  return { names: [...parent, name], remotePath: remoteJoin(folder, e.name, sep), kind: e.kind, size: e.kind === 'file' ? checkSize(e.size, e.name) : 0 }
}

/** Downloads what `planDownload` listed into `localFolder`, one file after another. */
export async function runDownload(ctx: JobContext, plan: readonly PlannedEntry[], localFolder: string): Promise<void> {
  const root = await LocalFolder.chosen(localFolder)
  ctx.tally.filesTotal = plan.filter((e) => e.kind === 'file').length
  ctx.tally.bytesTotal = plan.reduce((sum, e) => sum + e.size, 0)
  // Folders made (or merged into) so far, by their path below the root.
  const folders = new Map<string, LocalFolder>([['', root]])
  const folderOf = async (names: readonly string[]): Promise<LocalFolder> => {
    let at = root
    for (let i = 1; i <= names.length; i++) {
      const key = names.slice(0, i).join('/')
      let next = folders.get(key)
      if (!next) {
        next = await at.child(names[i - 1])
        folders.set(key, next)
      }
      at = next
    }
    return at
  }
  for (const entry of plan) {
    ctx.signal.throwIfAborted()
    if (entry.kind === 'folder') {
      await folderOf(entry.names)
      continue
    }
    ctx.tally.current = entry.names.join('/')
    const folder = await folderOf(entry.names.slice(0, -1))
    const done = await downloadFile(ctx, folder, entry)
    ctx.tally.fileEnded(!done, entry.size)
  }
  ctx.tally.current = undefined
}

/** Where one file goes: which name, and from which byte; null when the user said skip. */
async function decide(ctx: JobContext, folder: LocalFolder, entry: PlannedEntry): Promise<{ name: string; resumeAt: number | null } | null> {
  const name = entry.names[entry.names.length - 1]
  const relative = entry.names.join('/')
  const final = await folder.probe(name)
  const part = await folder.probe(`${name}${PART_SUFFIX}`)
  let answer: FileAnswer
  if (final.kind !== 'none') {
    answer = await ctx.ask({ kind: 'exists', name: relative, existingSize: final.kind === 'file' ? final.size : 0, incomingSize: entry.size, canResume: false })
    if (answer === 'replace' && final.kind !== 'file') throw new LocalFolderError(`${folder.pathOf(name)} is a folder or a link: it is not replaced`)
    if (answer === 'resume') answer = 'replace'
  } else if (part.kind !== 'none') {
    if (part.kind !== 'file') throw new LocalFolderError(`${folder.pathOf(`${name}${PART_SUFFIX}`)} is in the way: it is not a file`)
    const canResume = ctx.remote.capabilities.resumeDownload && part.size < entry.size
    answer = await ctx.ask({ kind: 'partial', name: relative, existingSize: part.size, incomingSize: entry.size, canResume })
    if (answer === 'resume' && !canResume) answer = 'replace'
    if (answer === 'resume') return { name, resumeAt: part.size }
  } else return { name, resumeAt: null }
  if (answer === 'skip') return null
  if (answer === 'keep-both') return { name: await freeName(folder, name), resumeAt: null }
  return { name, resumeAt: null }
}

/** The first "name (n).ext" with neither it nor its partial file there. */
async function freeName(folder: LocalFolder, name: string): Promise<string> {
  for (let n = 2; n <= WALK_LIMITS.copies; n++) {
    const candidate = checkName(numberedName(name, n))
    if ((await folder.probe(candidate)).kind === 'none' && (await folder.probe(`${candidate}${PART_SUFFIX}`)).kind === 'none') return candidate
  }
  throw filesError('FILES_LIMIT', `there are ${WALK_LIMITS.copies} copies of "${name}" already`)
}

/** Downloads one file; false when skipped. A cancel or failure leaves a resumable partial file or nothing. */
async function downloadFile(ctx: JobContext, folder: LocalFolder, entry: PlannedEntry): Promise<boolean> {
  const where = await decide(ctx, folder, entry)
  if (!where) return false
  const partial = await PartialDownload.open(folder, where.name, where.resumeAt)
  if (partial.startAt > 0) ctx.tally.addBytes(partial.startAt)
  // The server's bytes are bounded by the size it listed: one that keeps sending is stopped.
  const stop = new AbortController()
  const signal = AbortSignal.any([ctx.signal, stop.signal])
  const limit = entry.size + WALK_LIMITS.overrun
  const sink: DownloadSink = {
    write: async (chunk) => {
      if (partial.size + chunk.length > limit) {
        stop.abort(filesError('FILES_LIMIT', `the server sent more of "${entry.names.join('/')}" than its size (${entry.size} bytes)`))
        throw stop.signal.reason
      }
      await partial.write(chunk)
      ctx.tally.addBytes(chunk.length)
    },
  }
  try {
    await ctx.remote.download(entry.remotePath, sink, { offset: partial.startAt, signal })
    if (stop.signal.aborted) throw stop.signal.reason
    await partial.complete()
    return true
  } catch (e) {
    // What a server sent past the file's size is not worth keeping; a cancelled or broken download is, if it can resume.
    await partial.abandon(ctx.remote.capabilities.resumeDownload && !stop.signal.aborted)
    throw stop.signal.aborted ? stop.signal.reason : e
  }
}
