import type { RfbClient } from '../session'
import { NetworkError } from '../errors'
import type { RemoteFiles } from './remote-files'
import { tightFileTransferSupport } from './tight-messages'
import { type TightFilesOptions, TightRemoteFiles } from './tight-remote-files'
import { UltraFiles, type UltraFilesOptions, announcesUltraFileTransfer } from './ultra-files'

export type { RemoteFiles } from './remote-files'

export type OpenRemoteFilesOptions = UltraFilesOptions & TightFilesOptions

/** Which file-transfer protocol the server of `client` offers, or null: known once connected, without asking the server anything. */
export function offeredFileTransfer(client: RfbClient): RemoteFiles['protocol'] | null {
  if (!client.info) return null
  // TightVNC 1.3 (libvncserver -tightfilexfer): advertised in the Tight capabilities after ServerInit.
  if (tightFileTransferSupport(client.info.tightCapabilities)) return 'tightvnc'
  if (announcesUltraFileTransfer(client.info.serverVersion)) return 'ultravnc'
  return null
}

/**
 * The file transfer the server of `client` offers, opened (for UltraVNC: permission asked and
 * granted), or null when it offers none. Closing the session closes it; close it yourself when
 * done, so its message types stop being read.
 */
export async function openRemoteFiles(client: RfbClient, options: OpenRemoteFilesOptions = {}): Promise<RemoteFiles | null> {
  if (client.state !== 'connected' || !client.info) throw new NetworkError('the session is not connected')
  const tight = tightFileTransferSupport(client.info.tightCapabilities)
  let files: RemoteFiles
  if (tight) files = new TightRemoteFiles(client, tight, options)
  else if (announcesUltraFileTransfer(client.info.serverVersion)) files = await UltraFiles.open(client, options)
  else return null
  client.once('close', () => files.close())
  return files
}
