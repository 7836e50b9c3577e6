// The image decoding worker (image-decode.ts starts it): JPEG or PNG bytes in, a picture out,
// transferred. Where there is ImageDecoder, a JPEG comes back as RGBA bytes: its YUV frame is
// converted here (VideoFrame.copyTo), so the page only puts the bytes, as it does Tight's pixels;
// a PNG (already RGB) comes back as the VideoFrame for the page to draw. Without ImageDecoder,
// createImageBitmap(Blob)'s bitmap. Why: docs/performance.md.

/**
 * A request: decode `bytes` of MIME type `type`; the answer carries the same id. `buffer`, when
 * sent, is the page's memory to reuse for the RGBA bytes if it is large enough (it comes back in
 * the answer), so 8 MB per 1080p screen are not allocated anew.
 */
export interface ImageJob {
  id: number
  type: string
  bytes: Uint8Array<ArrayBuffer>
  buffer?: ArrayBuffer
}

/** RGBA bytes of an opaque picture: `width` x `height` x 4 bytes at the start of `rgba`. */
export interface RgbaPicture {
  rgba: ArrayBuffer
  width: number
  height: number
}

/** The answer: the picture, or why there is none. */
export type ImageJobResult = { id: number; picture: ImageBitmap | VideoFrame } | ({ id: number } & RgbaPicture) | { id: number; error: string }

// The DOM lib is what the renderer is typed with; of a worker's scope only these two are used.
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ImageJob>) => void) | null
  postMessage(message: ImageJobResult, transfer?: Transferable[]): void
}

scope.onmessage = (e) => {
  const { id, type, bytes, buffer } = e.data
  decode(type, bytes, buffer).then(
    (picture) => {
      if ('rgba' in picture) return scope.postMessage({ id, ...picture }, [picture.rgba])
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
async function decode(type: string, bytes: Uint8Array<ArrayBuffer>, buffer?: ArrayBuffer): Promise<ImageBitmap | VideoFrame | RgbaPicture> {
  if (typeof ImageDecoder !== 'function') return createImageBitmap(new Blob([bytes], { type }))
  const decoder = new ImageDecoder({ data: bytes, type, preferAnimation: false })
  let frame: VideoFrame
  try {
    frame = (await decoder.decode({ frameIndex: 0 })).image
  } finally {
    decoder.close()
  }
  if (type !== 'image/jpeg') return frame
  try {
    return await toRgba(frame, buffer)
  } catch {
    // A frame this browser cannot convert (an unusual subsampling): the page draws it instead.
    return frame
  }
}

/** The frame's pixels as RGBA (libyuv on this thread); the frame is closed once they are copied. */
async function toRgba(frame: VideoFrame, buffer?: ArrayBuffer): Promise<RgbaPicture> {
  const width = frame.displayWidth
  const height = frame.displayHeight
  const size = width * height * 4
  const rgba = buffer && buffer.byteLength >= size ? buffer : new ArrayBuffer(size)
  await frame.copyTo(new Uint8Array(rgba, 0, size), { format: 'RGBA', colorSpace: 'srgb' })
  frame.close()
  return { rgba, width, height }
}
