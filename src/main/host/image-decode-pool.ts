import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { RfbProtocolError } from '../rfb/errors'
import type { DecodedImage } from '../rfb/framebuffer'
import type { DecodeReply, DecodeRequest } from '../rfb/images/decode-worker'
import type { ImageKind } from '../rfb/sink'

/** Like ImageDecoder, but the decode runs elsewhere and the answer comes later. */
export type AsyncImageDecoder = (kind: ImageKind, data: Uint8Array, width: number, height: number) => Promise<DecodedImage>

/** A decode that takes longer than this is stopped, with its worker (measured worst cases: README). */
export const DECODE_TIMEOUT_MS = 2000

interface Pending {
  resolve(img: DecodedImage): void
  reject(err: Error): void
  width: number
  height: number
}

/**
 * Decodes JPEG/PNG rects in a worker thread, so no decode holds the host's event loop: a
 * 1920x1080 JPEG that fits its rect can still take hundreds of milliseconds (a 4 MB baseline
 * image, or a progressive one). One worker, requests in order; a decode that runs past
 * `timeoutMs` terminates the worker (and with it all its memory, WebAssembly's included), fails
 * every request in it with RFB_ERR_IMAGE, and the next request starts a fresh worker. The data is
 * copied, so callers may reuse their buffer at once. The worker never keeps the process alive.
 */
export class ImageDecodePool {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private timer: NodeJS.Timeout | null = null
  /** The worker has started running: its start-up (loading the decoders) is not a decode's time. */
  private online = false
  private closed = false

  constructor(
    private readonly script: string,
    private readonly timeoutMs = DECODE_TIMEOUT_MS,
  ) {}

  /** Decodes `data` for a `width` x `height` rect; rejects with the worker's RfbProtocolError. */
  readonly decode: AsyncImageDecoder = (kind, data, width, height) => {
    if (this.closed) return Promise.reject(new RfbProtocolError('the image decoder was closed', -1, 'RFB_ERR_IMAGE'))
    const worker = this.start()
    const id = this.nextId++
    const copy = data.slice()
    return new Promise<DecodedImage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, width, height })
      const req: DecodeRequest = { id, kind, data: copy, width, height }
      worker.postMessage(req, [copy.buffer])
      if (this.online) this.timer ??= setTimeout(() => this.stop(`an image decode took longer than ${this.timeoutMs} ms`), this.timeoutMs)
    })
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.pending.size
  }

  /** Stops the worker; pending and later decodes fail. */
  close(): void {
    this.closed = true
    this.stop('the image decoder was closed')
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(this.script)
    worker.unref()
    this.online = false
    worker.on('online', () => {
      if (this.worker !== worker) return
      this.online = true
      this.rearm()
    })
    worker.on('message', (reply: DecodeReply) => this.answer(reply))
    worker.on('error', (err) => this.stop(`the image decoder failed: ${err.message}`))
    worker.on('exit', () => {
      if (this.worker === worker) this.stop('the image decoder stopped')
    })
    this.worker = worker
    return worker
  }

  private answer(reply: DecodeReply): void {
    const p = this.pending.get(reply.id)
    if (!p) return
    this.pending.delete(reply.id)
    this.rearm()
    if ('error' in reply) p.reject(new RfbProtocolError(reply.error, -1, 'RFB_ERR_IMAGE'))
    else p.resolve({ width: p.width, height: p.height, rgba: reply.rgba })
  }

  // The deadline runs for the oldest unanswered request, restarting as each is answered.
  private rearm(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = this.pending.size ? setTimeout(() => this.stop(`an image decode took longer than ${this.timeoutMs} ms`), this.timeoutMs) : null
  }

  private stop(reason: string): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const worker = this.worker
    this.worker = null
    void worker?.terminate()
    const failed = [...this.pending.values()]
    this.pending.clear()
    for (const p of failed) p.reject(new RfbProtocolError(reason, -1, 'RFB_ERR_IMAGE'))
  }
}

/**
 * The pool for the built app and `tessera web`: the worker is bundled next to the host's code
 * (out/main/decode-worker.js, an entry in electron.vite.config.ts). Null when running from
 * source, where there is no compiled worker; callers then decode in-thread.
 */
export function bundledDecodePool(dir: string | null = typeof __dirname === 'string' ? __dirname : null): ImageDecodePool | null {
  if (!dir) return null
  // The host's code may sit in a shared chunk (out/main/chunks), one level below the entries.
  const script = [join(dir, 'decode-worker.js'), join(dir, '..', 'decode-worker.js')].find((f) => existsSync(f))
  return script ? new ImageDecodePool(script) : null
}
