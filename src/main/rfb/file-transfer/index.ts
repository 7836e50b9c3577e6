import type { RfbClient } from '../session'
import { NetworkError } from '../errors'
import type { RemoteFiles } from './remote-files'
import { UltraFiles, type UltraFilesOptions, announcesUltraFileTransfer } from './ultra-files'

export type { RemoteFiles } from './remote-files'
export { RemoteFileRefusedError } from './outcome'
export { isPlainRemoteName } from './remote-names'

/** Per-request silence timeout and tracing; the session's end is followed by the factory itself. */
export type OpenRemoteFilesOptions = Omit<UltraFilesOptions, 'sessionEnded'>

/**
 * The file transfer the server of `client` offers, opened (permission asked and granted), or
 * null when it offers none. Closing the session closes it; close it yourself when done, so
 * its message types stop being read. Call it when the user asks for file transfer, not on every
 * connection: a libvncserver announcing RFB 3.6 without permitting file transfer drops the client
 * at the permission request (see docs/file-transfer.md).
 */
export async function openRemoteFiles(client: RfbClient, options: OpenRemoteFilesOptions = {}): Promise<RemoteFiles | null> {
  if (client.state !== 'connected' || !client.info) throw new NetworkError('the session is not connected')
  if (!announcesUltraFileTransfer(client.info.serverVersion)) return null
  const sessionEnded = (listener: () => void): (() => void) => {
    client.once('close', listener)
    return () => client.off('close', listener)
  }
  return UltraFiles.open(client, { ...options, sessionEnded })
}
