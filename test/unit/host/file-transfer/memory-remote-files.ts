import type {
  DownloadSink,
  RemoteEntry,
  RemoteFileCapabilities,
  RemoteFiles,
  TransferOptions,
  UploadSource,
} from '../../../../src/main/rfb/file-transfer/remote-files'

/** A remote file tree in memory: a folder maps names to folders or file bytes. */
export type Tree = { [name: string]: Tree | Uint8Array }

/**
 * RemoteFiles over an in-memory tree, for the manager's edge cases (the real protocols are proven
 * against x11vnc in test/interop). `listing` may replace what a folder lists (a hostile server),
 * `chunk` is how many bytes each sink write carries, `gate` holds a download after its first chunk.
 */
export class MemoryRemoteFiles implements RemoteFiles {
  readonly protocol = 'ultravnc' as const
  readonly separator = '/' as const
  capabilities: RemoteFileCapabilities = { createFolder: true, delete: true, rename: true, resumeDownload: true, resumeUpload: false }
  listing: ((folder: string) => RemoteEntry[] | undefined) | null = null
  chunk = 4
  /** Bytes a download sends past the file's end (a server lying about its size). */
  extra = 0
  gate: Promise<void> | null = null
  downloads: { path: string; offset: number }[] = []
  closed = false

  constructor(readonly root: Tree) {}

  async roots(): Promise<string[]> {
    return ['/']
  }

  private at(path: string): Tree | Uint8Array {
    let node: Tree | Uint8Array = this.root
    for (const part of path.split('/').filter(Boolean)) {
      if (node instanceof Uint8Array || !(part in node)) throw new Error(`no such path ${path}`)
      node = node[part]
    }
    return node
  }

  async list(folder: string): Promise<RemoteEntry[]> {
    const custom = this.listing?.(folder)
    if (custom) return custom
    const node = this.at(folder)
    if (node instanceof Uint8Array) throw new Error('not a folder')
    return Object.entries(node).map(([name, v]) => ({
      name,
      kind: v instanceof Uint8Array ? 'file' : 'folder',
      size: v instanceof Uint8Array ? v.length : 0,
      modified: 0,
    }))
  }

  async download(path: string, sink: DownloadSink, options: TransferOptions = {}): Promise<number> {
    const node = this.at(path)
    if (!(node instanceof Uint8Array)) throw new Error('not a file')
    const offset = options.offset ?? 0
    this.downloads.push({ path, offset })
    const length = node.length - offset + this.extra
    const filler = new Uint8Array(this.chunk).fill(0x58)
    let sent = 0
    for (let at = 0; at < length; at += this.chunk) {
      options.signal?.throwIfAborted()
      const real = node.subarray(offset + at, offset + at + this.chunk)
      const want = Math.min(this.chunk, length - at)
      const chunk =
        real.length === want
          ? real
          : real.length === 0
            ? filler.subarray(0, want)
            : new Uint8Array([...real, ...filler.subarray(0, Math.min(this.chunk, length - at) - real.length)])
      await sink.write(chunk)
      sent += chunk.length
      if (at === 0 && this.gate) await this.gate
      options.signal?.throwIfAborted()
    }
    return sent
  }

  async upload(path: string, source: UploadSource, options: TransferOptions = {}): Promise<void> {
    const parts: Uint8Array[] = []
    let offset = options.offset ?? 0
    for (;;) {
      options.signal?.throwIfAborted()
      const b = await source.read(offset, 3)
      if (b.length === 0) break
      parts.push(b.slice())
      offset += b.length
    }
    const folder = this.at(path.slice(0, path.lastIndexOf('/')) || '/') as Tree
    const name = path.slice(path.lastIndexOf('/') + 1)
    const before = options.offset ? (folder[name] as Uint8Array).subarray(0, options.offset) : new Uint8Array(0)
    folder[name] = new Uint8Array([...before, ...parts.flatMap((p) => [...p])])
  }

  async createFolder(path: string): Promise<void> {
    const folder = this.at(path.slice(0, path.lastIndexOf('/')) || '/') as Tree
    folder[path.slice(path.lastIndexOf('/') + 1)] = {}
  }

  async delete(path: string): Promise<void> {
    const folder = this.at(path.slice(0, path.lastIndexOf('/')) || '/') as Tree
    delete folder[path.slice(path.lastIndexOf('/') + 1)]
  }

  async rename(from: string, to: string): Promise<void> {
    const folder = this.at(from.slice(0, from.lastIndexOf('/')) || '/') as Tree
    folder[to.slice(to.lastIndexOf('/') + 1)] = folder[from.slice(from.lastIndexOf('/') + 1)]
    delete folder[from.slice(from.lastIndexOf('/') + 1)]
  }

  close(): void {
    this.closed = true
  }
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
