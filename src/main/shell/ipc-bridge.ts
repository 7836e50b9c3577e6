import type { IpcMainInvokeEvent } from 'electron'
import type { SessionError } from '@shared/contract'
import type { FrameBatch } from '@shared/ops'
import { IPC_EVENT_CHANNEL, IPC_REQUEST_PREFIX, type IpcResult } from '@shared/ipc-channels'
import { REQUEST_NAMES } from '@shared/schemas'
import type { ClientLink, HostClient } from '../host/endpoint'
import type { Host } from '../host/host'
import { BatchCopier } from './batch-copier'

/** The part of `ipcMain` the bridge uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, arg: unknown) => Promise<IpcResult>): void
  removeHandler(channel: string): void
}

export interface IpcBridgeOptions {
  host: Host
  ipcMain: IpcMainLike
  /** Whether the frame that sent a request is our renderer (see window-options). */
  isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean
  /**
   * Sends on `channel` to the renderer whose webContents has this id, if it still exists. Must be
   * done with `args` when it returns (webContents.send clones them at once): frame copies are reused.
   */
  send(webContentsId: number, channel: string, ...args: unknown[]): void
}

/** The bridge's hold on the renderers: one host client per webContents. */
export interface IpcBridge {
  /** The host client of the renderer with this webContents id, attached on first use. */
  clientOf(webContentsId: number): HostClient
  /** Detaches that renderer's client, ending its sessions and listener (its window closed or reloads). */
  release(webContentsId: number): void
  /** Removes every handler and detaches every client. */
  dispose(): void
}

const UNTRUSTED: SessionError = { kind: 'refused', code: 'HOST_UNTRUSTED_SENDER', message: 'request refused: it did not come from the Tessera window' }

/**
 * Electron's transport for the host: it only moves messages. One `ipcMain.handle` per request
 * name checks the sender frame, then hands the request to the host endpoint as the client of
 * the sending webContents; events the endpoint routes to a client go to its webContents on one
 * channel. Frame batches are sent as exact-size copies (structured clone would otherwise send
 * the sink's whole reusable buffers), in memory reused from batch to batch (batch-copier.ts).
 */
export function bridgeHostToIpc(options: IpcBridgeOptions): IpcBridge {
  const { host, ipcMain } = options
  const links = new Map<number, { client: HostClient; link: ClientLink }>()

  const attached = (id: number): { client: HostClient; link: ClientLink } => {
    let entry = links.get(id)
    if (!entry) {
      // send() clones its arguments before it returns: one window's frame copies can reuse memory.
      const copier = new BatchCopier()
      const client: HostClient = {
        deliver: (name, payload) => options.send(id, IPC_EVENT_CHANNEL, name, name === 'session.frame' ? copier.copy(payload as FrameBatch) : payload),
      }
      entry = { client, link: host.attach(client) }
      links.set(id, entry)
    }
    return entry
  }
  const release = (id: number): void => {
    links.get(id)?.link.detach()
    links.delete(id)
  }

  for (const name of REQUEST_NAMES) {
    ipcMain.handle(IPC_REQUEST_PREFIX + name, async (event, arg): Promise<IpcResult> => {
      const frame = event.senderFrame
      if (!options.isTrustedSender(frame?.url, !!frame && frame.parent === null)) return { ok: false, error: UNTRUSTED }
      return attached(event.sender.id).link.request(name, arg)
    })
  }
  return {
    clientOf: (id) => attached(id).client,
    release,
    dispose() {
      for (const name of REQUEST_NAMES) ipcMain.removeHandler(IPC_REQUEST_PREFIX + name)
      for (const id of [...links.keys()]) release(id)
    },
  }
}
