import { contextBridge } from 'electron'

// The typed host contract is exposed here as window.tessera; only versions for now.
contextBridge.exposeInMainWorld('tessera', { versions: { ...process.versions } })
