import type { HostReply } from './contract'

/**
 * The contract over Electron IPC: one `ipcMain.handle` channel per request (`tessera:<name>`),
 * answered with an IpcResult, and one channel for every event (`tessera:event`, name, payload).
 */
export const IPC_REQUEST_PREFIX = 'tessera:'
export const IPC_EVENT_CHANNEL = 'tessera:event'

/** What a request handler returns: IPC would flatten a thrown error to a message string. */
export type IpcResult = HostReply

/** The shell's requests over Electron IPC: one `ipcMain.handle` channel each (`tessera-shell:<name>`), answered with an IpcResult. */
export const SHELL_IPC_PREFIX = 'tessera-shell:'
