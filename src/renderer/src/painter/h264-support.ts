/**
 * Codec strings a server may pick for Open H.264: constrained baseline 3.0, main 3.1, high 4.0
 * (what neatvnc, QEMU and the x264/OpenH264 presets produce). H.264 is announced only when the
 * browser decodes all three, so the server's choice of profile never leaves a black screen.
 */
export const H264_CODECS = ['avc1.42E01E', 'avc1.4D401F', 'avc1.640028'] as const

let cached: Promise<boolean> | null = null

/**
 * Whether this renderer decodes Open H.264 (WebCodecs VideoDecoder, Annex B input), asked once.
 * False without WebCodecs (an insecure origin, an old browser) or when a codec is unsupported.
 */
export function h264Supported(): Promise<boolean> {
  cached ??= (async () => {
    if (typeof VideoDecoder === 'undefined' || typeof EncodedVideoChunk === 'undefined') return false
    try {
      for (const codec of H264_CODECS) {
        const r = await VideoDecoder.isConfigSupported({ codec, optimizeForLatency: true })
        if (!r.supported) return false
      }
      return true
    } catch {
      return false
    }
  })()
  return cached
}
