import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { RfbError } from '../../src/main/rfb/errors'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import { replayRecording } from '../../src/main/rfb/record/replay'

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
}

// Collections between cases, so the memory measured after one is mostly its own.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Replays a recording (FBS bytes) through the engine into a framebuffer and classifies what happened. */
export async function runCase(fbs: Uint8Array, chunkSize: number): Promise<CaseOutcome> {
  // Collecting costs more than most cases: only when earlier cases left much behind, which
  // bounds what the measurement below can wrongly count to that much.
  if (process.memoryUsage().arrayBuffers > 64 << 20) gc()
  const before = process.memoryUsage()
  const sink = new FramebufferSink(decodeImageNode)
  const started = performance.now()
  let kind: CaseKind = 'ok'
  let code = 'OK'
  let message = ''
  let stack: string | undefined
  let updates = 0
  try {
    updates = (await replayRecording(fbs, sink, { chunkSize })).updates
  } catch (e) {
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
  void sink.data.length
  return {
    kind, code, message, stack, updates, ms: performance.now() - started,
    arrayBuffers: Math.max(0, mem.arrayBuffers - before.arrayBuffers), heapUsed: Math.max(0, mem.heapUsed - before.heapUsed),
  }
}
