import type { SessionError } from './contract'

/**
 * File transfer as the renderer sees it (the `files.*` requests and events): a session's remote
 * folders, transfers to and from a local folder the user picked, and the questions a transfer
 * asks before it would overwrite anything. The host carries it out (src/main/host/file-transfer/),
 * whatever protocol the server speaks (UltraVNC's or TightVNC's).
 */

/** One entry of a remote folder, as `files.list` returns it. */
export interface FileEntry {
  name: string
  kind: 'file' | 'folder'
  size: number
  /** Last modified, ms since the epoch, or null when the server does not say. */
  modified: number | null
}

/** What the server's file transfer can do beyond listing, downloading and uploading. */
export interface FileCapabilities {
  createFolder: boolean
  delete: boolean
  rename: boolean
  resumeDownload: boolean
  resumeUpload: boolean
}

/** What `files.open` tells: the protocol, where browsing starts, and the default local folder. */
export interface FilesInfo {
  protocol: 'ultravnc' | 'tightvnc'
  /** The server's path separator. */
  separator: '/' | '\\'
  capabilities: FileCapabilities
  /** Where browsing starts (home or root folders; drives on Windows). */
  roots: string[]
  /** Where downloads go unless the user picks another folder: the OS Downloads folder. */
  localFolder: string
}

export type TransferDirection = 'download' | 'upload'

/** Queued, running, waiting for the user's answer, then one of the last three. */
export type TransferState = 'queued' | 'running' | 'asking' | 'done' | 'failed' | 'cancelled'

/** One transfer (a file or a whole folder) as the transfers list shows it. */
export interface TransferView {
  transferId: string
  direction: TransferDirection
  /** What was asked for: the remote file or folder's name, or the first local file's. */
  name: string
  state: TransferState
  /** Bytes done and known so far over every file. */
  bytesDone: number
  bytesTotal: number
  filesDone: number
  filesTotal: number
  /** Files left alone because the user said skip. */
  filesSkipped: number
  /** The file being copied now (a path relative to what was asked for). */
  current?: string
  /** Where a download went: the local folder. */
  localFolder?: string
  /** Why it failed. */
  error?: SessionError
}

/**
 * What a transfer asks before it would overwrite: a file of that name exists already (`exists`),
 * or a partial download of it is there (`partial`, resumable when `canResume`).
 */
export interface FileQuestion {
  questionId: string
  transferId: string
  direction: TransferDirection
  kind: 'exists' | 'partial'
  /** The name in conflict, relative to the transfer's folder. */
  name: string
  existingSize: number
  incomingSize: number
  /** Whether `resume` is an answer (the protocol can start at an offset and the partial is smaller). */
  canResume: boolean
}

/** Replace it, leave it and skip this file, keep both (the new one as "name (2).ext"), or go on from the partial file. */
export type FileAnswer = 'replace' | 'skip' | 'keep-both' | 'resume'

/** A file of an upload, as the renderer announces it; its bytes come through `files.data` when the host asks. */
export interface UploadItem {
  /** A relative path with '/' between folders ("photos/2026/a.jpg"); checked like any name. */
  path: string
  size: number
  /** Last modified, ms since the epoch. */
  modified: number
}

/** The `files.*` requests: name → [argument, result] (part of HostRequests). */
export interface FilesRequests {
  /** Opens the server's file transfer (once per connection): what it can do, where to start, the default local folder. */
  'files.open': [{ sessionId: string }, FilesInfo]
  /** The entries of a remote folder. */
  'files.list': [{ sessionId: string; path: string }, FileEntry[]]
  /**
   * Queues a download of `names` in remote `folder` (files, or folders walked whole) into
   * `localFolder` (default the Downloads folder). Never overwrites without a `files.question`.
   */
  'files.download': [{ sessionId: string; folder: string; names: string[]; localFolder?: string }, { transferId: string }]
  /** Queues an upload into remote `folder` of files the renderer holds; the host asks for their bytes with `files.need`. */
  'files.upload': [{ sessionId: string; folder: string; files: UploadItem[] }, { transferId: string }]
  /** The bytes a `files.need` asked for (at most FILE_LIMITS.chunk); empty when the file cannot be read. */
  'files.data': [{ sessionId: string; transferId: string; file: number; offset: number; data: Uint8Array }, void]
  /** Stops a transfer; a partial download stays only where the server can resume it. */
  'files.cancel': [{ sessionId: string; transferId: string }, void]
  /** Answers a `files.question`, once; `all` gives the same answer to that question for the rest of the transfer. */
  'files.answer': [{ sessionId: string; questionId: string; answer: FileAnswer; all?: boolean }, void]
  'files.mkdir': [{ sessionId: string; path: string }, void]
  'files.delete': [{ sessionId: string; path: string }, void]
  'files.rename': [{ sessionId: string; from: string; to: string }, void]
}

/** What the renderer learns about a session's transfers (sent to the session's owner only). */
export interface FilesEvents {
  /** A transfer was queued, started, asked, moved on (at most every 100 ms) or ended. */
  'files.transfer': { sessionId: string; transfer: TransferView }
  /** A transfer waits for the answer to this question (`files.answer`). */
  'files.question': { sessionId: string; question: FileQuestion }
  /** An upload wants `length` bytes of its file number `file` from `offset`: answer with `files.data`. */
  'files.need': { sessionId: string; transferId: string; file: number; offset: number; length: number }
}

/** Limits both ends hold to. */
export const FILE_LIMITS = {
  /** Bytes of one `files.data` chunk. */
  chunk: 256 * 1024,
  /** Files in one upload request. */
  uploadFiles: 10_000,
  /** Transfers a session may have queued or running. */
  transfers: 64,
  /** Remote paths in one download request. */
  downloadPaths: 1_000,
  /** Characters of a remote path. */
  path: 4096,
  /** Characters of one name. */
  name: 255,
} as const
