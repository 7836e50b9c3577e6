import type { IpcMainInvokeEvent } from 'electron'
import type { EventName, HostEvents, SessionError } from '@shared/contract'
import type { FrameBatch } from '@shared/ops'
import { IPC_EVENT_CHANNEL, IPC_REQUEST_PREFIX, type IpcResult } from '@shared/ipc-channels'
import { EVENT_NAMES, REQUEST_NAMES } from '@shared/schemas'
import { detachBatch } from '../host/batch-sink'
import { HostError } from '../host/errors'
import type { Host } from '../host/host'

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
  /** Sends on `channel` to the renderer whose webContents has this id, if it still exists. */
  send(webContentsId: number, channel: string, ...args: unknown[]): void
  /** Ids of every renderer, for events that concern all of them. */
  renderers(): number[]
}

const UNTRUSTED: SessionError = { kind: 'refused', code: 'HOST_UNTRUSTED_SENDER', message: 'request refused: it did not come from the Tessera window' }

/**
 * Electron's transport for the host: one `ipcMain.handle` per request name, each checking the
 * sender frame before the host validates and runs the request (the webContents id is the
 * session owner), and host events sent to the renderer that owns the session. Frame batches
 * are sent as exact-size copies: structured clone would otherwise send the sink's whole
 * reusable buffers. Returns a function that removes everything it installed.
 */
export function bridgeHostToIpc(options: IpcBridgeOptions): () => void {
  const { host, ipcMain } = options
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(IPC_REQUEST_PREFIX + name, async (event, arg): Promise<IpcResult> => {
      const frame = event.senderFrame
      if (!options.isTrustedSender(frame?.url, !!frame && frame.parent === null)) return { ok: false, error: UNTRUSTED }
      try {
        return { ok: true, result: await host.handle(name, arg, event.sender.id) }
      } catch (e) {
        return { ok: false, error: e instanceof HostError ? e.error : { kind: 'protocol', code: 'HOST_INTERNAL', message: 'internal error' } }
      }
    })
  }
  const offs = EVENT_NAMES.map((name) => {
    const listener = (payload: HostEvents[EventName]): void => {
      if (name === 'listen.incoming' || name === 'listen.timedOut') {
        // Only the window that started listening is asked about servers connecting.
        const owner = host.listenOwner()
        if (typeof owner === 'number') options.send(owner, IPC_EVENT_CHANNEL, name, payload)
        return
      }
      const sessionId = (payload as { sessionId?: string }).sessionId
      if (sessionId === undefined) {
        for (const id of options.renderers()) options.send(id, IPC_EVENT_CHANNEL, name, payload)
        return
      }
      const owner = host.ownerOf(sessionId)
      if (typeof owner !== 'number') return
      options.send(owner, IPC_EVENT_CHANNEL, name, name === 'session.frame' ? detachBatch(payload as FrameBatch) : payload)
    }
    host.on(name, listener)
    return () => host.off(name, listener)
  })
  return () => {
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(IPC_REQUEST_PREFIX + name)
    for (const off of offs) off()
  }
}
