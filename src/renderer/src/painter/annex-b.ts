/** H.264 NAL unit types that matter here (ITU-T H.264 Table 7-1). */
export const enum NalType {
  Slice = 1,
  Idr = 5,
  Sps = 7,
  Pps = 8,
}

/** What an Annex B access unit holds, as far as choosing and feeding a decoder needs. */
export interface AnnexBSummary {
  /** The WebCodecs codec string of its first SPS (`avc1.PPCCLL`), or null when it has none. */
  codec: string | null
  /** It holds an IDR slice: a decoder may start here. */
  key: boolean
  /** It holds any coded slice (types 1-5); without one it only carries parameter sets or SEI. */
  slices: boolean
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0')

/**
 * Walks the start codes (00 00 01, or 00 00 00 01) of Annex B bytes and reads each NAL unit's
 * type. The SPS's first three payload bytes (profile_idc, constraint flags, level_idc) are the
 * codec string's, as RFC 6381 §3.3 defines it; they cannot hold emulation prevention bytes since
 * profile_idc is never 0.
 */
export function summarizeAnnexB(data: Uint8Array): AnnexBSummary {
  const out: AnnexBSummary = { codec: null, key: false, slices: false }
  const n = data.length
  let i = 0
  while (i + 3 < n) {
    if (data[i] !== 0 || data[i + 1] !== 0 || data[i + 2] !== 1) {
      // Skip ahead: a start code needs two zeros, so a non-zero byte at i+2 rules out i, i+1, i+2.
      i += data[i + 2] > 1 ? 3 : 1
      continue
    }
    const at = i + 3
    const type = data[at] & 0x1f
    if (type >= NalType.Slice && type <= NalType.Idr) out.slices = true
    if (type === NalType.Idr) out.key = true
    if (type === NalType.Sps && out.codec === null && at + 3 < n) out.codec = `avc1.${hex2(data[at + 1])}${hex2(data[at + 2])}${hex2(data[at + 3])}`
    i = at + 1
  }
  return out
}
