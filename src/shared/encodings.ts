/** RFB encoding numbers (RFC 6143 §7.7 and the community rfbproto registry), named as in the spec. */
export const enum Encoding {
  Raw = 0,
  CopyRect = 1,
  RRE = 2,
  CoRRE = 4,
  Hextile = 5,
  Zlib = 6,
  Tight = 7,
  ZlibHex = 8,
  ZRLE = 16,
  ZYWRLE = 17,
  JPEG = 21,
  /** Open H.264 (community rfbproto): Annex B data per rect, decoded by the renderer. */
  OpenH264 = 50,
  TightPNG = -260,

  DesktopSize = -223,
  LastRect = -224,
  PointerPos = -232,
  Cursor = -239,
  XCursor = -240,
  QEMUExtendedKeyEvent = -258,
  QEMUAudio = -259,
  QEMULedState = -261,
  DesktopName = -307,
  ExtendedDesktopSize = -308,
  XVP = -309,
  Fence = -312,
  ContinuousUpdates = -313,
  ExtendedMouseButtons = -316,
  VMwareLedState = 0x574d5668,
  ExtendedClipboard = 0xc0a1e5ce | 0,

  CompressLevel0 = -256,
  CompressLevel9 = -247,
  QualityLevel0 = -32,
  QualityLevel9 = -23,
  FineQualityLevel0 = -512,
  FineQualityLevel100 = -412,
  // JPEG chroma subsampling (TurboVNC; TigerVNC common/rfb/encodings.h). Not in numeric order of the factor.
  Subsample1X = -768,
  Subsample4X = -767,
  Subsample2X = -766,
  SubsampleGray = -765,
  Subsample8X = -764,
  Subsample16X = -763,
}

const NAMES: Record<number, string> = {
  0: 'Raw',
  1: 'CopyRect',
  2: 'RRE',
  4: 'CoRRE',
  5: 'Hextile',
  6: 'Zlib',
  7: 'Tight',
  8: 'ZlibHex',
  16: 'ZRLE',
  17: 'ZYWRLE',
  21: 'JPEG',
  50: 'OpenH264',
  [-260]: 'TightPNG',
  [-223]: 'DesktopSize',
  [-224]: 'LastRect',
  [-232]: 'PointerPos',
  [-239]: 'Cursor',
  [-240]: 'XCursor',
  [-258]: 'QEMUExtendedKeyEvent',
  [-259]: 'QEMUAudio',
  [-261]: 'QEMULedState',
  [-307]: 'DesktopName',
  [-308]: 'ExtendedDesktopSize',
  [-309]: 'XVP',
  [-312]: 'Fence',
  [-313]: 'ContinuousUpdates',
  [-316]: 'ExtendedMouseButtons',
  [0x574d5668]: 'VMwareLedState',
  [0xc0a1e5ce | 0]: 'ExtendedClipboard',
  [-768]: 'Subsample1X',
  [-767]: 'Subsample4X',
  [-766]: 'Subsample2X',
  [-765]: 'SubsampleGray',
  [-764]: 'Subsample8X',
  [-763]: 'Subsample16X',
}

/** A human name for an encoding number, for traces, stats and errors. */
export function encodingName(n: number): string {
  if (NAMES[n] !== undefined) return NAMES[n]
  if (n >= -256 && n <= -247) return `CompressLevel${n + 256}`
  if (n >= -32 && n <= -23) return `QualityLevel${n + 32}`
  if (n >= -512 && n <= -412) return `FineQuality${n + 512}`
  return `encoding ${n}`
}

/** Encoding names accepted by `--encodings` and profiles, mapped to numbers. */
export const PIXEL_ENCODINGS: Record<string, number> = {
  raw: 0,
  copyrect: 1,
  rre: 2,
  corre: 4,
  hextile: 5,
  zlib: 6,
  tight: 7,
  zlibhex: 8,
  zrle: 16,
  zywrle: 17,
  jpeg: 21,
  tightpng: -260,
  /** Open H.264: a profile may list it, but it is announced only to a renderer that decodes it (encodingsOf); the CLI refuses it where it draws. */
  h264: 50,
}

/**
 * JPEG chroma subsampling, as `--subsampling` and profiles name it: 'none' keeps full colour
 * resolution (4:4:4), '2x' halves it horizontally (4:2:2), '4x' in both directions (4:2:0),
 * '8x' and '16x' go further, 'gray' drops colour altogether.
 */
export type Subsampling = 'none' | '2x' | '4x' | '8x' | '16x' | 'gray'

/** Every subsampling name, finest first (for menus, usage text and validation). */
export const SUBSAMPLINGS = ['none', '2x', '4x', '8x', '16x', 'gray'] as const satisfies readonly Subsampling[]

/** Subsampling names to their pseudo-encodings (TurboVNC numbering, which TigerVNC's server follows). */
export const SUBSAMPLING_ENCODINGS: Record<Subsampling, number> = {
  none: Encoding.Subsample1X,
  '2x': Encoding.Subsample2X,
  '4x': Encoding.Subsample4X,
  '8x': Encoding.Subsample8X,
  '16x': Encoding.Subsample16X,
  gray: Encoding.SubsampleGray,
}

/** Fine JPEG quality runs 0-100 (FineQualityLevel0 + quality). */
export const FINE_QUALITY_MAX = 100
