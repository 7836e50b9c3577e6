// The image decoding worker (image-decode.ts starts it): JPEG or PNG bytes in, an ImageBitmap out,
// transferred. Decoding and the colour conversion both happen on this thread, so the page's main
// thread only draws finished bitmaps.

/** A request: decode `bytes` of MIME type `type`; the answer carries the same id. */
export interface ImageJob {
  id: number
  type: string
  bytes: Uint8Array<ArrayBuffer>
}

/** The answer: the picture, or why there is none. */
export type ImageJobResult = { id: number; bitmap: ImageBitmap } | { id: number; error: string }

// The DOM lib is what the renderer is typed with; of a worker's scope only these two are used.
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ImageJob>) => void) | null
  postMessage(message: ImageJobResult, transfer?: Transferable[]): void
}

scope.onmessage = (e) => {
  const { id, type, bytes } = e.data
  decode(type, bytes).then(
    (bitmap) => scope.postMessage({ id, bitmap }, [bitmap]),
    (err: unknown) => scope.postMessage({ id, error: (err instanceof Error ? err.message : String(err)) || 'decoding failed' }),
  )
}

// WebCodecs' ImageDecoder needs no Blob (each Blob is a trip through the browser process) and
// used a third less CPU than createImageBitmap(Blob) on TigerVNC's JPEGs (docs/performance.md);
// it exists only in secure contexts, so the Blob path stays for plain-http browser mode.
async function decode(type: string, bytes: Uint8Array<ArrayBuffer>): Promise<ImageBitmap> {
  if (typeof ImageDecoder !== 'function') return createImageBitmap(new Blob([bytes], { type }))
  const decoder = new ImageDecoder({ data: bytes, type, preferAnimation: false })
  try {
    const { image } = await decoder.decode({ frameIndex: 0 })
    try {
      return await createImageBitmap(image)
    } finally {
      image.close()
    }
  } finally {
    decoder.close()
  }
}
