import type { InflateStream } from './inflate-stream'
import { nativeInflateAvailable, NativeInflateStream } from './native-inflate-stream'
import { NodeInflateStream } from './node-inflate-stream'
import { PakoInflateStream } from './pako-inflate-stream'

/**
 * The implementation the decoders use, chosen by bench/zlib-streams.run.ts: Node's native zlib
 * inflated 1000-1700 MB/s on desktop-like rects of 16 KiB and more, pako 190-360 and fflate
 * 70-540. One persistent native inflater ({@link NativeInflateStream}) is faster still, most of
 * all on small rects; where Node lacks the handle it drives, a fresh native inflate per call.
 */
export function createInflateStream(): InflateStream {
  if (nativeInflateAvailable()) return new NativeInflateStream()
  return new NodeInflateStream((dictionary) => new PakoInflateStream({ raw: true, dictionary }))
}
