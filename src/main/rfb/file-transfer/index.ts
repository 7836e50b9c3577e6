import type { RfbClient } from '../session'
import type { RemoteFiles } from './remote-files'
import { tightFileTransferSupport } from './tight-messages'
import { type TightFilesOptions, TightRemoteFiles } from './tight-remote-files'

export type { RemoteFiles } from './remote-files'

/**
 * The server's file transfer over `client`, in whichever protocol it offered, or null when it
 * offered none. Its message readers are registered from now until `close()`.
 */
export function openRemoteFiles(client: RfbClient, options: TightFilesOptions = {}): RemoteFiles | null {
  // TightVNC 1.3 (libvncserver -tightfilexfer): advertised in the Tight capabilities after ServerInit.
  const tight = tightFileTransferSupport(client.info?.tightCapabilities)
  if (tight) return new TightRemoteFiles(client, tight, options)
  return null
}
