import type { IpcMainInvokeEvent } from 'electron'
import type { SessionError, ShellRequestName, ShellRequests } from '@shared/contract'
import { type IpcResult, SHELL_IPC_PREFIX } from '@shared/ipc-channels'
import { SHELL_REQUEST_NAMES, shellRequestSchemas } from '@shared/shell-schemas'
import { ValidationError } from '@shared/validate'
import { HostError } from '../host/errors'

/** What carries out each shell request for the window whose webContents id is `senderId`. */
export type ShellHandlers = {
  [K in ShellRequestName]: (arg: ShellRequests[K][0], senderId: number) => Promise<ShellRequests[K][1]> | ShellRequests[K][1]
}

/** The part of `ipcMain` the shell's requests use. */
export interface ShellIpcMain {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, arg: unknown) => Promise<IpcResult>): void
  removeHandler(channel: string): void
}

/** A refusal the window is shown (an unknown display, say); anything else thrown is logged and reported as an internal error. */
export class ShellRefusal extends Error {
  override name = 'ShellRefusal'
}

const UNTRUSTED: SessionError = { kind: 'refused', code: 'HOST_UNTRUSTED_SENDER', message: 'request refused: it did not come from the Tessera window' }
const INTERNAL: SessionError = { kind: 'protocol', code: 'HOST_INTERNAL', message: 'internal error' }

/**
 * Registers one `ipcMain.handle` per shell request (`tessera-shell:<name>`): the sender frame
 * is checked as the host bridge checks it, then the argument against its schema, and only
 * then is the handler called. Returns a function that removes the handlers.
 */
export function bridgeShellToIpc(options: {
  ipcMain: ShellIpcMain
  /** Whether the frame that sent a request is our renderer's main frame (see window-options). */
  isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean
  handlers: ShellHandlers
  log?: (message: string) => void
}): () => void {
  const log = options.log ?? ((m) => process.stderr.write(`tessera shell: ${m}\n`))
  for (const name of SHELL_REQUEST_NAMES) {
    options.ipcMain.handle(SHELL_IPC_PREFIX + name, async (event, arg): Promise<IpcResult> => {
      const frame = event.senderFrame
      if (!options.isTrustedSender(frame?.url, !!frame && frame.parent === null)) return { ok: false, error: UNTRUSTED }
      try {
        const parsed = shellRequestSchemas[name].parse(arg, 'argument')
        const handler = options.handlers[name] as (a: unknown, id: number) => unknown
        return { ok: true, result: await handler(parsed, event.sender.id) }
      } catch (e) {
        if (e instanceof ValidationError) return { ok: false, error: { kind: 'protocol', code: 'HOST_INVALID_REQUEST', message: e.message } }
        if (e instanceof ShellRefusal) return { ok: false, error: { kind: 'refused', code: 'HOST_INVALID_REQUEST', message: e.message } }
        // The host's own refusal (a recording it cannot play, say) is already in words for the window.
        if (e instanceof HostError) return { ok: false, error: e.error }
        log(`request ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
        return { ok: false, error: INTERNAL }
      }
    })
  }
  return () => {
    for (const name of SHELL_REQUEST_NAMES) options.ipcMain.removeHandler(SHELL_IPC_PREFIX + name)
  }
}
