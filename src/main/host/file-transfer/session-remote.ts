import { homedir } from 'node:os'
import { join } from 'node:path'
import { existsSync } from 'node:fs'
import type { RemoteFiles } from '../../rfb/file-transfer/remote-files'
import { openRemoteFiles } from '../../rfb/file-transfer'
import type { RfbClient } from '../../rfb/session'
import { hostError } from '../errors'
import type { FilesEvents } from '@shared/file-transfer'
import type { SessionHost } from '../session-host'
import { filesError } from './job-context'
import { SessionFiles } from './session-files'

/** A session's file transfer, on whatever connection `live` returns when it is opened. */
export function sessionFiles(sessionId: string, host: SessionHost, live: () => RfbClient | null, watch: boolean): SessionFiles {
  // The host's events include the files ones: this only narrows the emitter to them.
  const emit = host.emit as <K extends keyof FilesEvents>(name: K, payload: FilesEvents[K]) => void
  return new SessionFiles({
    sessionId,
    open: () => openSessionFiles(live(), watch),
    emit: (name, payload) => emit(name, payload),
    downloadsFolder: () => host.downloadsFolder?.() ?? defaultDownloadsFolder(),
  })
}

/** Opens the file transfer of a session's connection, or says in words why there is none. */
export async function openSessionFiles(client: RfbClient | null, watch: boolean): Promise<RemoteFiles> {
  if (watch) throw filesError('FILES_UNSUPPORTED', 'a wall tile has no file transfer')
  if (!client) throw hostError('closed', 'HOST_NOT_CONNECTED', 'the session is not connected')
  const files = await openRemoteFiles(client)
  if (!files) throw filesError('FILES_UNSUPPORTED', 'this server offers no file transfer')
  return files
}

/** The user's Downloads folder ($XDG_DOWNLOAD_DIR, ~/Downloads), or the home folder when there is none. */
export function defaultDownloadsFolder(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DOWNLOAD_DIR
  if (xdg && xdg.startsWith('/') && existsSync(xdg)) return xdg
  const downloads = join(homedir(), 'Downloads')
  return existsSync(downloads) ? downloads : homedir()
}
