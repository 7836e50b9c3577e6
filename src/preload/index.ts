import { contextBridge, ipcRenderer } from 'electron'
import {
  type ClientEventName,
  type ClientEvents,
  type HostApi,
  type HostRequests,
  type RequestName,
  type SessionError,
  type ShellApi,
  type ShellRequestName,
  type ShellRequests,
  isShellEventName,
} from '@shared/contract'
import { readSessionError } from '@shared/error-codes'
import { IPC_EVENT_CHANNEL, IPC_REQUEST_PREFIX, type IpcResult, SHELL_IPC_PREFIX } from '@shared/ipc-channels'
import { isEventName, isRequestName } from '@shared/schemas'
import { isShellRequestName } from '@shared/shell-schemas'

// Exposes the host contract as window.tessera and the shell's requests as window.tesseraShell,
// and nothing else: no ipcRenderer, no Node.

const listeners = new Map<string, Set<(payload: unknown) => void>>()

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  for (const listener of listeners.get(String(name)) ?? []) {
    try {
      listener(payload)
    } catch {
      // One failing listener must not starve the others.
    }
  }
})

const refused = (message: string): SessionError => ({ kind: 'protocol', code: 'HOST_INVALID_REQUEST', message })

const api: HostApi = {
  async request<K extends RequestName>(name: K, arg: HostRequests[K][0]): Promise<HostRequests[K][1]> {
    if (!isRequestName(name)) throw refused('unknown request')
    const r = (await ipcRenderer.invoke(IPC_REQUEST_PREFIX + name, arg)) as IpcResult
    if (r.ok) return r.result as HostRequests[K][1]
    throw readSessionError(r.error)
  },
  on<K extends ClientEventName>(name: K, listener: (payload: ClientEvents[K]) => void): () => void {
    if (!isEventName(name) && !isShellEventName(name)) throw new Error(`unknown event "${String(name)}"`)
    if (typeof listener !== 'function') throw new Error('listener must be a function')
    let set = listeners.get(name)
    if (!set) listeners.set(name, (set = new Set()))
    const l = listener as (payload: unknown) => void
    set.add(l)
    return () => {
      set.delete(l)
    }
  },
}

const shell: ShellApi = {
  async request<K extends ShellRequestName>(name: K, arg: ShellRequests[K][0]): Promise<ShellRequests[K][1]> {
    if (!isShellRequestName(name)) throw refused('unknown request')
    const r = (await ipcRenderer.invoke(SHELL_IPC_PREFIX + name, arg)) as IpcResult
    if (r.ok) return r.result as ShellRequests[K][1]
    throw readSessionError(r.error)
  },
}

contextBridge.exposeInMainWorld('tessera', api)
contextBridge.exposeInMainWorld('tesseraShell', shell)
