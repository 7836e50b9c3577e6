/** The public shapes of an RFB session: its options, what it reports, and its events. */
import type { Subsampling } from '@shared/encodings'
import type { Screen } from './client-messages'
import type { RfbError } from './errors'
import type { HandshakeResult } from './handshake'
import type { PixelFormat, PixelFormatName } from './pixel-format'
import type { SecurityOptions } from './security/policy'
import type { CredentialKind, Credentials, LinkSecurity } from './security/security-handler'
import type { DrawSink } from './sink'

/** Extensions the server has confirmed; each starts false and flips when the server shows it. */
export interface ServerFeatures {
  extendedDesktopSize: boolean
  qemuKeyEvents: boolean
  fence: boolean
  continuousUpdates: boolean
  xvp: boolean
  extendedMouseButtons: boolean
  /** The server acknowledged the QEMU Audio pseudo-encoding (announced only when audio is wanted). */
  qemuAudio: boolean
  /** The screen layout from the last ExtendedDesktopSize rect. */
  screens: Screen[]
}

/** A server's features before it has shown any. */
export function noFeatures(): ServerFeatures {
  return {
    extendedDesktopSize: false,
    qemuKeyEvents: false,
    fence: false,
    continuousUpdates: false,
    xvp: false,
    extendedMouseButtons: false,
    qemuAudio: false,
    screens: [],
  }
}

/** Keyboard LEDs as the server reports them (QEMU or VMware LED state). */
export interface LedState {
  scrollLock: boolean
  numLock: boolean
  capsLock: boolean
}

/** Where a session is: reading the handshake, parsing messages, or over. */
export type SessionState = 'handshake' | 'connected' | 'closed'

/** How an `RfbClient` connects, negotiates and reports. */
export interface RfbClientOptions {
  /** Where draw ops go. */
  sink: DrawSink
  /** Ask other viewers to stay connected (ClientInit shared flag); default true. */
  shared?: boolean
  /** Pixel encodings in preference order; pseudo-encodings are added by the engine. */
  encodings?: readonly number[]
  /** Extra pseudo-encodings (fine quality, subsampling, ...), sent after the pixel encodings. */
  extraEncodings?: readonly number[]
  /**
   * Announce Extended Clipboard (UTF-8 text); default true. Servers without it (or a profile that
   * turns it off) get plain Latin-1 cut text; see sendClipboard for libvncserver servers.
   */
  extendedClipboard?: boolean
  /** JPEG quality 0-9; unset (and no `fineQuality`) means lossless. */
  quality?: number
  /**
   * JPEG quality 0-100 (TurboVNC/TigerVNC fine quality): switches JPEG on by itself and overrides
   * `quality` and the level auto-select picks; the nearest level goes out with it for servers
   * that only know levels. A RangeError for anything but a whole number 0-100.
   */
  fineQuality?: number
  /**
   * JPEG chroma subsampling, announced only while JPEG is on (a level or a fine quality): alone
   * it would switch TigerVNC to JPEG. Auto-select never changes it. Unset: the server's choice
   * (TigerVNC derives it from the level).
   */
  subsampling?: Subsampling
  /**
   * Choose JPEG quality level and colour depth from the measured link (overrides `quality`, not
   * `fineQuality`; leaves `subsampling` alone, as TigerVNC's AutoSelect does).
   */
  autoSelect?: boolean
  /** zlib compression level 0-9; unset leaves it to the server. */
  compression?: number
  /** 'server' keeps the server's own format (replay of recordings); default rgb888. */
  pixelFormat?: PixelFormatName | 'server'
  /** Supplies a password (and user name) when the security type needs one; null cancels. */
  credentials?: (kind: CredentialKind, link?: LinkSecurity) => Promise<Credentials | null>
  /**
   * Security policy, certificate trust (store, accepted fingerprints, the trust prompt) and the
   * server's name for TLS; see security/policy.ts. Default: allow unencrypted, trust nothing new.
   */
  security?: SecurityOptions
  /** Keep asking for incremental updates after each one is consumed; default true. */
  autoUpdate?: boolean
  /**
   * Where the server offers ContinuousUpdates and Fence, let it push changes without a request
   * per update (one round trip less per frame); default true. The sink still paces it: while the
   * sink is busy the socket is paused, so the server's congestion control sees a slow reader.
   */
  continuousUpdates?: boolean
  handshakeTimeoutMs?: number
  /**
   * A server that stops in the middle of a message for this long is treated as gone (half-open
   * connections, hung servers); default 30 s. Idle time between messages is normal and not timed.
   */
  stallTimeoutMs?: number
  /**
   * Pixels of one rect decoded per turn of the event loop before the rest waits for the next
   * turn (ZRLE and ZYWRLE, whose whole rect is in hand at once): one huge but legal update then
   * cannot hold the process for its whole decode. Default {@link DEFAULT_SLICE_PIXELS};
   * Infinity decodes every rect in one go (offline replay).
   */
  slicePixels?: number
  /** One human-readable line per message in each direction. */
  trace?: (direction: 'in' | 'out', line: string) => void
  /** Every byte the server sends, in order (recording). */
  tap?: (chunk: Uint8Array) => void
}

/** What the handshake settled, once ServerInit is in. */
export interface ConnectionInfo extends HandshakeResult {
  /** The pixel format in use after SetPixelFormat. */
  pixelFormat: PixelFormat
  /** Server bytes up to the end of ServerInit; everything after is messages. */
  handshakeBytes: number
}

/** One FramebufferUpdate as measured, emitted with `update` after its draw ops. */
export interface UpdateStats {
  rects: number
  /** Wire bytes of this FramebufferUpdate, header included. */
  bytes: number
  /** Pixels covered by the update's pixel-encoded rects. */
  pixels: number
  /** Encodings that appeared in this update. */
  encodings: number[]
  /** From the update's first byte to its last, in ms. */
  transferMs: number
  /** From our latest update request to the update's first byte, in ms (0 if none was pending). */
  latencyMs: number
}

/** The events an `RfbClient` emits, with their arguments. */
export interface RfbClientEvents {
  state: [SessionState]
  connected: [ConnectionInfo]
  resize: [width: number, height: number]
  name: [string]
  bell: []
  clipboard: [string]
  update: [UpdateStats]
  /** The server confirmed another extension (see `features`). */
  features: [ServerFeatures]
  leds: [LedState]
  /** Where the server's pointer is (PointerPos pseudo-encoding). */
  pointer: [x: number, y: number]
  /** The outcome of our SetDesktopSize: null on success, else the reason. */
  desktopSizeResult: [error: string | null]
  /** XVP_FAIL: the server could not carry out a power action (the message does not say which). */
  xvpFailed: []
  /** The session ended; `error` is null for a clean close by us. */
  close: [error: RfbError | null]
}

/**
 * Default {@link RfbClientOptions.slicePixels}: a 4K screen's full update (8.3 Mpixel) is never
 * sliced; a slice of raw ZRLE tiles took about 0.2-0.3 s on a loaded 2-core machine (docs/security.md).
 */
export const DEFAULT_SLICE_PIXELS = 8 * 2 ** 20
