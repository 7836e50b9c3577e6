import type { FileAnswer, FileQuestion, FilesInfo, TransferView } from '@shared/file-transfer'
import { onScopeDispose, reactive, ref, shallowRef } from 'vue'
import { useHost } from '../host'

/** A local file to upload and its path below the remote folder ("photos/a.jpg" for a dropped folder). */
export interface PickedFile {
  file: File
  path: string
}

/**
 * One session's file transfer in the page: the transfers and their questions (from the host's
 * events), and the bytes of uploads, read from the File objects a drop or the file picker gave,
 * one chunk at a time when the host asks (`files.need`). Lives as long as the session view, so
 * transfers go on while the Files panel is closed.
 */
export function useSessionFiles(sessionId: () => string) {
  const { api } = useHost()
  const info = shallowRef<FilesInfo | null>(null)
  /** Transfers by id, newest last; ended ones stay listed until the view goes. */
  const transfers = reactive(new Map<string, TransferView>())
  /** Questions waiting for the user, oldest first (one per transfer at most). */
  const questions = ref<FileQuestion[]>([])
  /** The folder the Files panel shows: where drops upload to. */
  const folder = ref<string | null>(null)
  /** The local folder downloads go to (the host's default until the user types another). */
  const localFolder = ref('')
  const held = new Map<string, File[]>()

  const mine = (p: { sessionId: string }): boolean => p.sessionId === sessionId()
  const offs = [
    api.on('files.transfer', (p) => {
      if (!mine(p)) return
      transfers.set(p.transfer.transferId, p.transfer)
      if (['done', 'failed', 'cancelled'].includes(p.transfer.state)) {
        held.delete(p.transfer.transferId)
        questions.value = questions.value.filter((q) => q.transferId !== p.transfer.transferId)
      }
    }),
    api.on('files.question', (p) => {
      if (mine(p)) questions.value = [...questions.value, p.question]
    }),
    api.on('files.need', (p) => {
      if (mine(p)) void supply(p.transferId, p.file, p.offset, p.length)
    }),
  ]
  onScopeDispose(() => offs.forEach((off) => off()))

  /** Reads the asked-for slice of a held file and hands it to the host; an unreadable file sends nothing more (the host ends the transfer). */
  async function supply(transferId: string, index: number, offset: number, length: number): Promise<void> {
    const file = held.get(transferId)?.[index]
    if (!file) return
    let data: Uint8Array
    try {
      data = new Uint8Array(await file.slice(offset, offset + length).arrayBuffer())
    } catch {
      data = new Uint8Array(0)
    }
    await api.request('files.data', { sessionId: sessionId(), transferId, file: index, offset, data }).catch(() => undefined)
  }

  async function open(): Promise<FilesInfo> {
    const opened = await api.request('files.open', { sessionId: sessionId() })
    info.value = opened
    if (!localFolder.value) localFolder.value = opened.localFolder
    return opened
  }

  const list = (path: string) => api.request('files.list', { sessionId: sessionId(), path })

  async function download(from: string, names: string[]): Promise<void> {
    const local = localFolder.value.trim()
    await api.request('files.download', { sessionId: sessionId(), folder: from, names, ...(local ? { localFolder: local } : {}) })
  }

  async function upload(into: string, picked: PickedFile[]): Promise<void> {
    if (picked.length === 0) return
    const files = picked.map((p) => ({ path: p.path, size: p.file.size, modified: Math.max(0, Math.floor(p.file.lastModified)) }))
    const { transferId } = await api.request('files.upload', { sessionId: sessionId(), folder: into, files })
    held.set(
      transferId,
      picked.map((p) => p.file),
    )
  }

  const cancel = (transferId: string) => api.request('files.cancel', { sessionId: sessionId(), transferId })

  async function answer(question: FileQuestion, reply: FileAnswer, all: boolean): Promise<void> {
    questions.value = questions.value.filter((q) => q.questionId !== question.questionId)
    await api.request('files.answer', { sessionId: sessionId(), questionId: question.questionId, answer: reply, all })
  }

  return {
    info,
    transfers,
    questions,
    folder,
    localFolder,
    open,
    list,
    download,
    upload,
    cancel,
    answer,
    /** The Files panel shows `path` now: drops upload there. */
    showFolder: (path: string) => void (folder.value = path),
    setLocalFolder: (path: string) => void (localFolder.value = path),
    mkdir: (path: string) => api.request('files.mkdir', { sessionId: sessionId(), path }),
    remove: (path: string) => api.request('files.delete', { sessionId: sessionId(), path }),
    rename: (from: string, to: string) => api.request('files.rename', { sessionId: sessionId(), from, to }),
  }
}

export type SessionFilesState = ReturnType<typeof useSessionFiles>

/** The files a drop carries, folders walked (webkitGetAsEntry) into paths relative to the drop; at most `max`. */
export async function droppedFiles(transfer: DataTransfer, max = 10_000): Promise<PickedFile[]> {
  const out: PickedFile[] = []
  const entries = [...transfer.items].map((i) => (i.kind === 'file' ? i.webkitGetAsEntry?.() : null))
  if (entries.every((e) => !e)) return [...transfer.files].slice(0, max).map((file) => ({ file, path: file.name }))
  const walk = async (entry: FileSystemEntry, prefix: string, depth: number): Promise<void> => {
    if (out.length >= max || depth > 32) return
    const path = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))
      out.push({ file, path })
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader()
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
        if (batch.length === 0) break
        for (const child of batch) await walk(child, path, depth + 1)
      }
    }
  }
  for (const e of entries) if (e) await walk(e, '', 0)
  return out
}
