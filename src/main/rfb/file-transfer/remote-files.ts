/**
 * What the app needs from a server's file transfer, whatever protocol carries it (UltraVNC's
 * FileTransfer message, TightVNC's file-transfer messages). One implementation per protocol, in
 * this folder; the host's transfer manager (local folders, asking before overwriting, folders
 * copied entry by entry, partial files) works only through this interface.
 *
 * Everything here comes from the server and is hostile: names may hold separators, `..`, NULs or
 * control characters, sizes may lie. Implementations bound what they buffer and check each length
 * before use; the host checks names before they touch the local disk.
 */

/** One entry of a remote folder's listing. */
export interface RemoteEntry {
  /** The entry's name as the server gave it (decoded), never a path. */
  name: string
  kind: 'file' | 'folder'
  /** Bytes (0 for a folder); at most Number.MAX_SAFE_INTEGER. */
  size: number
  /** Last modified, ms since the epoch, or null when the server does not say. */
  modified: number | null
}

/** Bytes done of a transfer's total, reported as it goes (the total may grow if the server lied). */
export interface TransferProgress {
  done: number
  total: number
}

/** Where a download's bytes go, in order. `write` resolves once they are written (backpressure). */
export interface DownloadSink {
  write(chunk: Uint8Array): Promise<void>
}

/** Where an upload's bytes come from. `read` returns at most `max` bytes from `offset`; empty at the end. */
export interface UploadSource {
  readonly size: number
  /** Last modified, ms since the epoch, for protocols that send it. */
  readonly modified: number
  read(offset: number, max: number): Promise<Uint8Array>
}

export interface TransferOptions {
  /** Start this many bytes in (resume); 0 or absent for the whole file. */
  offset?: number
  onProgress?: (progress: TransferProgress) => void
  /** Aborting cancels the transfer on the wire; the promise then rejects with an AbortError. */
  signal?: AbortSignal
}

/** What a server's file transfer can do beyond listing, downloading and uploading. */
export interface RemoteFileCapabilities {
  createFolder: boolean
  delete: boolean
  rename: boolean
  /** Downloads can start at an offset. */
  resumeDownload: boolean
  /** Uploads can start at an offset (append to a partial remote file). */
  resumeUpload: boolean
}

export interface RemoteFiles {
  /** Which protocol carries it, for the UI's details and the logs. */
  readonly protocol: 'ultravnc' | 'tightvnc'
  /** The server's path separator: '/' for Unix servers, '\\' for Windows ones. */
  readonly separator: '/' | '\\'
  readonly capabilities: RemoteFileCapabilities
  /** Where browsing starts: the server's home or root folders (drives on Windows). */
  roots(signal?: AbortSignal): Promise<string[]>
  /** The entries of a remote folder (not `.` or `..`). */
  list(folder: string, signal?: AbortSignal): Promise<RemoteEntry[]>
  /** Copies a remote file into `sink`; resolves with the bytes written. */
  download(path: string, sink: DownloadSink, options?: TransferOptions): Promise<number>
  /** Copies `source` to a remote file; the caller has already asked before overwriting. */
  upload(path: string, source: UploadSource, options?: TransferOptions): Promise<void>
  createFolder(path: string): Promise<void>
  delete(path: string): Promise<void>
  rename(from: string, to: string): Promise<void>
  /** Ends every outstanding request (rejected) and stops reading the protocol's messages. */
  close(): void
}
