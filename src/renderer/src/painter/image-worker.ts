// The image decoding worker (image-decode.ts starts it): JPEG or PNG bytes in, a picture out,
// transferred: ImageDecoder's VideoFrame where there is ImageDecoder, else an ImageBitmap. The page
// draws either; the colour conversion of a frame happens in that drawImage (libyuv, fast), which
// costs the page less than createImageBitmap(VideoFrame) here cost this thread (docs/performance.md).

/** A request: decode `bytes` of MIME type `type`; the answer carries the same id. */
export interface ImageJob {
  id: number
  type: string
  bytes: Uint8Array<ArrayBuffer>
}

/** The answer: the picture, or why there is none. */
export type ImageJobResult = { id: number; picture: ImageBitmap | VideoFrame } | { id: number; error: string }

// The DOM lib is what the renderer is typed with; of a worker's scope only these two are used.
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ImageJob>) => void) | null
  postMessage(message: ImageJobResult, transfer?: Transferable[]): void
}

scope.onmessage = (e) => {
  const { id, type, bytes } = e.data
  decode(type, bytes).then(
    (picture) => {
      try {
        scope.postMessage({ id, picture }, [picture])
      } catch (err) {
        // Not transferred (a picture this browser cannot send): freed here, and the job still answered.
        picture.close()
        fail(id, err)
      }
    },
    (err: unknown) => fail(id, err),
  )
}

function fail(id: number, err: unknown): void {
  scope.postMessage({ id, error: (err instanceof Error ? err.message : String(err)) || 'decoding failed' })
}

// WebCodecs' ImageDecoder needs no Blob (each Blob is a trip through the browser process) and
// used less than half the CPU of createImageBitmap(Blob) on 1080p Tight JPEG (docs/performance.md);
// it exists only in secure contexts, so the Blob path stays for plain-http browser mode.
async function decode(type: string, bytes: Uint8Array<ArrayBuffer>): Promise<ImageBitmap | VideoFrame> {
  if (typeof ImageDecoder !== 'function') return createImageBitmap(new Blob([bytes], { type }))
  const decoder = new ImageDecoder({ data: bytes, type, preferAnimation: false })
  try {
    return (await decoder.decode({ frameIndex: 0 })).image
  } finally {
    decoder.close()
  }
}
