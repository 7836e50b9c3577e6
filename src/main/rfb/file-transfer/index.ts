import type { RfbClient } from '../session'
import { NetworkError } from '../errors'
import type { RemoteFiles } from './remote-files'
import { UltraFiles, type UltraFilesOptions, announcesUltraFileTransfer } from './ultra-files'

export type { RemoteFiles } from './remote-files'

export type OpenRemoteFilesOptions = UltraFilesOptions

/**
 * The file transfer the server of `client` offers, opened (permission asked and granted), or
 * null when it offers none. Closing the session closes it; close it yourself when done, so
 * its message types stop being read.
 */
export async function openRemoteFiles(client: RfbClient, options: OpenRemoteFilesOptions = {}): Promise<RemoteFiles | null> {
  if (client.state !== 'connected' || !client.info) throw new NetworkError('the session is not connected')
  if (!announcesUltraFileTransfer(client.info.serverVersion)) return null
  const files = await UltraFiles.open(client, options)
  client.once('close', () => files.close())
  return files
}
