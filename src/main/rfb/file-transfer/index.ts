import type { RfbClient } from '../session'
import { NetworkError } from '../errors'
import type { RemoteFiles } from './remote-files'
import { tightFileTransferSupport } from './tight-messages'
import { type TightFilesOptions, TightRemoteFiles } from './tight-remote-files'
import { UltraFiles, type UltraFilesOptions, announcesUltraFileTransfer } from './ultra-files'

export type { RemoteFiles } from './remote-files'
export { RemoteFileRefusedError } from './outcome'
export { isPlainRemoteName } from './remote-names'

/** Per-request silence timeout and tracing; the session's end is followed by the factory itself. */
export type OpenRemoteFilesOptions = Omit<UltraFilesOptions, 'sessionEnded'> & TightFilesOptions

/**
 * Which file-transfer protocol the server of `client` announces, or null: known once connected,
 * without asking the server anything (a server announcing UltraVNC's RFB 3.6 may still refuse
 * permission when the user asks).
 */
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
 * done, so its message types stop being read. Call it when the user asks for file transfer, not
 * on every connection: a libvncserver announcing RFB 3.6 without permitting file transfer drops
 * the client at the permission request (see docs/file-transfer.md).
 */
export async function openRemoteFiles(client: RfbClient, options: OpenRemoteFilesOptions = {}): Promise<RemoteFiles | null> {
  if (client.state !== 'connected' || !client.info) throw new NetworkError('the session is not connected')
  const tight = tightFileTransferSupport(client.info.tightCapabilities)
  if (tight) {
    const files = new TightRemoteFiles(client, tight, options)
    client.once('close', () => files.close())
    return files
  }
  if (!announcesUltraFileTransfer(client.info.serverVersion)) return null
  const sessionEnded = (listener: () => void): (() => void) => {
    client.once('close', listener)
    return () => client.off('close', listener)
  }
  return UltraFiles.open(client, { ...options, sessionEnded })
}
