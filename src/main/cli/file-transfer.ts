import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { FileAnswer } from '@shared/file-transfer'
import { remoteBaseName, remoteParent } from '@shared/remote-path'
import { connectRfb } from '../rfb/connect'
import { openRemoteFiles } from '../rfb/file-transfer'
import type { RemoteFiles } from '../rfb/file-transfer/remote-files'
import { FramebufferSink } from '../rfb/framebuffer'
import { planDownload, runDownload } from '../host/file-transfer/download-job'
import { type ConflictQuestion, type JobContext, Tally, transferError } from '../host/file-transfer/job-context'
import { localUploadList } from '../host/file-transfer/local-source'
import { printable } from '../host/file-transfer/safe-name'
import { runUpload } from '../host/file-transfer/upload-job'
import { UsageError } from './args'
import { parseCommandArgs } from './command-specs'
import { CliError, EXIT, type ExitCode } from './exit-codes'
import { FileError } from './files'
import { credentialsFrom, encodingsArg, securityArg, sshArg, targetArg, timeoutArg } from './session-options'

const VERBS = ['ls', 'get', 'put'] as const

/**
 * `tessera files TARGET ls [PATH] | get REMOTE [LOCALDIR] | put LOCAL [REMOTEDIR]`: the server's
 * file transfer from the command line, with the app's own checks (names, bounds, `name.part`
 * files); an existing file is never overwritten without `--overwrite`.
 */
export async function filesCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('files', argv)
  const [targetText, verb, first, second] = args.positional
  const target = targetArg(targetText, args)
  if (!VERBS.includes(verb as (typeof VERBS)[number])) throw new UsageError('after TARGET say ls, get or put')
  if (verb !== 'ls' && !first)
    throw new UsageError(verb === 'get' ? 'missing REMOTE (the file or folder to download)' : 'missing LOCAL (the file or folder to upload)')
  // Local paths are checked before any connection is made.
  const localDir = verb === 'get' ? await existingFolder(second ?? '.') : null
  const uploads = verb === 'put' ? await localUploadList(first!).catch((e: unknown) => rethrow(e)) : null
  const timeoutMs = timeoutArg(args, 30)
  const { client } = await connectRfb(target, {
    sink: new FramebufferSink(),
    encodings: encodingsArg(args),
    autoUpdate: false,
    credentials: credentialsFrom(args, target),
    connectTimeoutMs: timeoutMs,
    handshakeTimeoutMs: timeoutMs,
    security: securityArg(args),
    ssh: sshArg(args),
  })
  let remote: RemoteFiles | null = null
  try {
    remote = await openRemoteFiles(client)
    if (!remote) throw new CliError(EXIT.UNSUPPORTED, 'the server offers no file transfer (x11vnc offers it with -ultrafilexfer)')
    const overwrite = args.options.has('overwrite')
    const tally = new Tally(() => undefined)
    const ctx: JobContext = { remote, tally, signal: new AbortController().signal, ask: (q) => Promise.resolve(answerFor(q, overwrite)) }
    if (verb === 'ls') {
      const path = first ?? (await remote.roots())[0] ?? remote.separator
      for (const e of await remote.list(path)) {
        const when = e.modified === null ? '-'.padEnd(16) : new Date(e.modified).toISOString().slice(0, 16).replace('T', ' ')
        out(`${e.kind === 'folder' ? 'd' : '-'} ${String(e.size).padStart(12)}  ${when}  ${printable(e.name)}`)
      }
    } else if (verb === 'get') {
      const folder = remoteParent(first!, remote.separator)
      if (folder === null) throw new UsageError(`${first} is a root: name a file or folder in it`)
      await runDownload(ctx, await planDownload(ctx, folder, [remoteBaseName(first!, remote.separator)]), localDir!)
      out(`${localDir}: ${tally.filesDone} files, ${tally.bytesDone} bytes${tally.filesSkipped ? `, ${tally.filesSkipped} left as they were` : ''}`)
    } else {
      const into = second ?? (await remote.roots())[0] ?? remote.separator
      await runUpload(ctx, into, uploads!)
      out(`${into}: ${tally.filesDone} files, ${tally.bytesDone} bytes${tally.filesSkipped ? `, ${tally.filesSkipped} left as they were` : ''}`)
    }
    return EXIT.OK
  } catch (e) {
    return rethrow(e)
  } finally {
    for (const u of uploads ?? []) await u.source.close()
    remote?.close()
    client.close()
  }
}

/** What the command does when a file is in the way: replace it with --overwrite, otherwise stop and say so. */
function answerFor(q: ConflictQuestion, overwrite: boolean): FileAnswer {
  if (overwrite) return 'replace'
  throw new FileError(`${printable(q.name)} exists already (${q.existingSize} bytes): nothing was overwritten (--overwrite replaces it)`)
}

async function existingFolder(path: string): Promise<string> {
  try {
    if ((await stat(path)).isDirectory()) return resolve(path)
  } catch {
    // Said below.
  }
  throw new FileError(`the folder ${path} does not exist`)
}

/** The transfer's own errors as CLI failures with their exit code; the engine's and the CLI's pass through. */
function rethrow(e: unknown): never {
  if (e instanceof CliError) throw e
  const err = transferError(e)
  const codes: Partial<Record<string, ExitCode>> = {
    FILES_BAD_NAME: EXIT.PROTOCOL,
    FILES_LIMIT: EXIT.PROTOCOL,
    FILES_LOCAL: EXIT.FILE,
    FILES_NOT_FOUND: EXIT.FILE,
    FILES_UNSUPPORTED: EXIT.UNSUPPORTED,
  }
  const exit = codes[err.code]
  if (exit !== undefined) throw new CliError(exit, err.message, { cause: e })
  throw e
}
