import type { FileAnswer } from '@shared/file-transfer'
import type { RemoteEntry, UploadSource } from '../../rfb/file-transfer/remote-files'
import { type JobContext, WALK_LIMITS, filesError } from './job-context'
import { remoteJoin } from '@shared/remote-path'
import { checkName, checkRelativePath, numberedName } from './safe-name'

/** One local file to upload: its path below the remote folder ("a/b.txt"), and where its bytes come from. */
export interface UploadFile {
  path: string
  source: UploadSource
}

/** A remote folder's entries by name, listed once per transfer and kept up to date as it adds to them. */
type Listing = Map<string, RemoteEntry>

/**
 * Uploads `files` into remote `folder`, making the folders their paths name (the server must be
 * able to create folders for that), asking before it would overwrite a remote file.
 */
export async function runUpload(ctx: JobContext, folder: string, files: readonly UploadFile[]): Promise<void> {
  if (files.length > WALK_LIMITS.entries) throw filesError('FILES_LIMIT', `more than ${WALK_LIMITS.entries} files`)
  // Every path is checked before the first byte goes out.
  const planned = files.map((f) => ({ names: checkRelativePath(f.path, WALK_LIMITS.depth), source: f.source }))
  ctx.tally.filesTotal = planned.length
  ctx.tally.bytesTotal = planned.reduce((sum, f) => sum + f.source.size, 0)
  const listings = new Map<string, Listing>()
  const listingOf = async (path: string): Promise<Listing> => {
    let listing = listings.get(path)
    if (!listing) {
      listing = new Map((await ctx.remote.list(path, ctx.signal)).map((e) => [e.name, e]))
      listings.set(path, listing)
    }
    return listing
  }
  const sep = ctx.remote.separator
  const folderFor = async (names: readonly string[]): Promise<string> => {
    let at = folder
    for (const name of names) {
      const listing = await listingOf(at)
      const next = remoteJoin(at, name, sep)
      const there = listing.get(name)
      if (there?.kind === 'file') throw filesError('FILES_LOCAL', `the server has a file "${name}" where the folder should go`)
      if (!there) {
        if (!ctx.remote.capabilities.createFolder) throw filesError('FILES_UNSUPPORTED', 'this server cannot make folders')
        await ctx.remote.createFolder(next)
        listing.set(name, { name, kind: 'folder', size: 0, modified: null })
        listings.set(next, new Map())
      }
      at = next
    }
    return at
  }
  for (const file of planned) {
    ctx.signal.throwIfAborted()
    ctx.tally.current = file.names.join('/')
    const remoteFolder = await folderFor(file.names.slice(0, -1))
    const done = await uploadFile(ctx, remoteFolder, await listingOf(remoteFolder), file.names, file.source)
    ctx.tally.fileEnded(!done, file.source.size)
  }
  ctx.tally.current = undefined
}

/** Uploads one file into `remoteFolder`; false when the user said skip. */
async function uploadFile(ctx: JobContext, remoteFolder: string, listing: Listing, names: string[], source: UploadSource): Promise<boolean> {
  let name = names[names.length - 1]
  let offset = 0
  const existing = listing.get(name)
  if (existing) {
    const canResume = ctx.remote.capabilities.resumeUpload && existing.kind === 'file' && existing.size < source.size
    let answer: FileAnswer = await ctx.ask({ kind: 'exists', name: names.join('/'), existingSize: existing.size, incomingSize: source.size, canResume })
    if (answer === 'resume' && !canResume) answer = 'replace'
    if (answer === 'skip') return false
    if (answer === 'replace' && existing.kind === 'folder') throw filesError('FILES_LOCAL', `the server has a folder "${name}": it is not replaced by a file`)
    if (answer === 'keep-both') name = freeRemoteName(listing, name)
    if (answer === 'resume') offset = existing.size
  }
  if (offset > 0) ctx.tally.addBytes(offset)
  // Progress counts the bytes handed to the protocol, whatever its own progress reports count.
  const counted: UploadSource = {
    size: source.size,
    modified: source.modified,
    read: async (at, max) => {
      const bytes = await source.read(at, max)
      ctx.tally.addBytes(bytes.length)
      return bytes
    },
  }
  await ctx.remote.upload(remoteJoin(remoteFolder, name, ctx.remote.separator), counted, { offset, signal: ctx.signal })
  listing.set(name, { name, kind: 'file', size: source.size, modified: source.modified })
  return true
}

function freeRemoteName(listing: Listing, name: string): string {
  for (let n = 2; n <= WALK_LIMITS.copies; n++) {
    const candidate = checkName(numberedName(name, n))
    if (!listing.has(candidate)) return candidate
  }
  throw filesError('FILES_LIMIT', `there are ${WALK_LIMITS.copies} copies of "${name}" already`)
}
