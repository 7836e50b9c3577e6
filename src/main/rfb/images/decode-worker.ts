import { parentPort } from 'node:worker_threads'
import type { ImageKind } from '../sink'
import { decodeImage } from './node-image-decoder'

/** A decode request from {@link ImageDecodePool} (src/main/host/image-decode-pool.ts). */
export interface DecodeRequest {
  id: number
  kind: ImageKind
  data: Uint8Array
  width: number
  height: number
}

/** The answer: the RGBA bytes (transferred), or why the image was refused. */
export type DecodeReply = { id: number; rgba: Uint8Array } | { id: number; error: string }

// A worker thread's entry: decodes images off the host's event loop, one at a time.
parentPort?.on('message', (req: DecodeRequest) => {
  let reply: DecodeReply
  try {
    reply = { id: req.id, rgba: decodeImage(req.kind, req.data, req.width, req.height).rgba }
  } catch (err) {
    // The pool reports every refusal as RFB_ERR_IMAGE: only the words travel back.
    reply = { id: req.id, error: (err as Error).message }
  }
  parentPort?.postMessage(reply, 'rgba' in reply ? [reply.rgba.buffer as ArrayBuffer] : [])
})
