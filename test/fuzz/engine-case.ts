import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { RfbError } from '../../src/main/rfb/errors'
import { ThumbnailSink, teeSink } from '../../src/main/host/thumbnail'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { jpegDecoderMemory } from '../../src/main/rfb/images/jpeg-decoder'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import { replayRecording } from '../../src/main/rfb/record/replay'
import type { DrawSink } from '../../src/main/rfb/sink'

/** How one case ended. `crash` is any failure that is not a deliberate RfbError. */
export type CaseKind = 'ok' | 'rfb-error' | 'crash'

export interface CaseOutcome {
  kind: CaseKind
  /** RfbError code, or the thrown value's class for a crash. */
  code: string
  message: string
  stack?: string
  updates: number
  ms: number
  /** ArrayBuffer memory the case added (framebuffer, inflated data, images), in bytes. */
  arrayBuffers: number
  /** V8 heap the case added, in bytes. */
  heapUsed: number
  /**
   * Resident memory of the whole process the case added, in bytes: unlike `arrayBuffers` it
   * counts WebAssembly memory (the JPEG decoder's instance) and native allocations.
   */
  rss: number
  /** Bytes of WebAssembly memory the JPEG decoder holds after the case. */
  wasm: number
}

/** How a case is run, beyond its bytes. */
export interface CaseOptions {
  /** Tee the host's thumbnail mirror in, as a host session does, so its image decodes run too. */
  thumbnail?: boolean
  /**
   * Test-only: after the case, grow a WebAssembly memory by this many bytes and keep it alive,
   * so the runner's resident-memory check can be shown to fire (see fuzz.test.ts).
   */
  bloatBytes?: number
}

/** Held on purpose by `bloatBytes` cases: only recycling the worker frees it. */
const bloated: WebAssembly.Memory[] = []

// Collections between cases, so the memory measured after one is mostly its own.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Replays a recording (FBS bytes) through the engine into a framebuffer and classifies what happened. */
export async function runCase(fbs: Uint8Array, chunkSize: number, opts: CaseOptions = {}): Promise<CaseOutcome> {
  // Collecting costs more than most cases: only when earlier cases left much behind, which
  // bounds what the measurement below can wrongly count to that much.
  if (process.memoryUsage().arrayBuffers > 64 << 20) gc()
  const before = process.memoryUsage()
  const fb = new FramebufferSink(decodeImageNode)
  // A clock that never moves keeps the mirror inside its decode budget: every image is decoded.
  const thumb = opts.thumbnail ? new ThumbnailSink(decodeImageNode, () => 0) : null
  const sink: DrawSink = thumb ? teeSink(fb, thumb) : fb
  const started = performance.now()
  let kind: CaseKind = 'ok'
  let code = 'OK'
  let message = ''
  let stack: string | undefined
  let updates = 0
  try {
    updates = (await replayRecording(fbs, sink, { chunkSize })).updates
  } catch (e) {
    classify(e)
  }
  // The host saves a thumbnail when a session ends, however it ended.
  try {
    thumb?.png()
  } catch (e) {
    if ((kind as CaseKind) !== 'crash') classify(e)
  }
  if (opts.bloatBytes) bloated.push(bloat(opts.bloatBytes))
  function classify(e: unknown): void {
    if (e instanceof RfbError && e.code !== 'RFB_ERR_INTERNAL') {
      kind = 'rfb-error'
      code = e.code
      message = e.message
    } else {
      // The engine turns any non-RfbError thrown while parsing into RFB_ERR_INTERNAL, which keeps
      // it alive but hides the bug: the original rides along as the error's cause.
      const original = e instanceof RfbError && e.cause !== undefined ? e.cause : e
      kind = 'crash'
      code = original instanceof Error ? original.constructor.name : typeof original
      message = original instanceof Error ? original.message : String(original)
      stack = original instanceof Error ? original.stack : undefined
    }
  }
  // Measured before anything is collected: the framebuffer and what decoding left behind is
  // about what a hostile stream made the viewer hold at once.
  const mem = process.memoryUsage()
  void fb.data.length
  return {
    kind,
    code,
    message,
    stack,
    updates,
    ms: performance.now() - started,
    arrayBuffers: Math.max(0, mem.arrayBuffers - before.arrayBuffers),
    heapUsed: Math.max(0, mem.heapUsed - before.heapUsed),
    rss: Math.max(0, mem.rss - before.rss),
    wasm: jpegDecoderMemory(),
  }
}

/** A WebAssembly memory of about `bytes`, every page written so it is resident. */
function bloat(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / 65536)
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages })
  new Uint8Array(memory.buffer).fill(1)
  return memory
}
