import type { SessionError } from './contract'

/**
 * The contract over Electron IPC: one `ipcMain.handle` channel per request (`tessera:<name>`),
 * answered with an IpcResult, and one channel for every event (`tessera:event`, name, payload).
 */
export const IPC_REQUEST_PREFIX = 'tessera:'
export const IPC_EVENT_CHANNEL = 'tessera:event'

/** What a request handler returns: IPC would flatten a thrown error to a message string. */
export type IpcResult = { ok: true; result: unknown } | { ok: false; error: SessionError }

/**
 * Menu commands the renderer carries out (it knows which session is in front). Sent on the
 * event channel under this name; not yet part of HostEvents, so browser mode never sends it.
 */
export const APP_COMMAND_EVENT = 'app.command'
export type AppCommand = 'new-connection' | 'disconnect'
