import type { Screen } from './client-messages'

/** What the reader counted in one FramebufferUpdate. */
export interface UpdateCounts {
  rects: number
  /** Wire bytes of the update, header included. */
  bytes: number
  /** Pixels covered by the update's pixel-encoded rects. */
  pixels: number
  /** Encodings that appeared in the update, in order of first appearance. */
  encodings: number[]
}

/**
 * What the server's messages mean, as calls (TigerVNC's CMsgHandler). The reader makes these
 * calls in wire order while it parses; everything with an effect beyond the draw ops (replies,
 * events, resizing the sink, pacing) happens behind them. Byte views passed in are valid only
 * during the call. A call may throw; the error ends the session like a parse error.
 */
export interface ServerMessageHandler {
  /** A FramebufferUpdate header was read; its rects follow. */
  framebufferUpdateStart(): void
  /**
   * The update's last rect is done (draw ops all issued). Return false to stop parsing after it
   * (the sink is busy); the owner resumes by stepping the reader again.
   */
  framebufferUpdateEnd(counts: UpdateCounts): boolean
  /**
   * The framebuffer has a new size (DesktopSize, or ExtendedDesktopSize with a size that differs),
   * already checked against the limits. The owner must call the reader's `setFramebuffer` with it.
   */
  setDesktopSize(width: number, height: number): void
  /** ExtendedDesktopSize: the server's screen layout (the extension is confirmed by it). */
  screenLayout(screens: Screen[]): void
  /** ExtendedDesktopSize with reason 1: the outcome of our SetDesktopSize (status 0 is success). */
  desktopSizeResult(status: number): void
  /** DesktopName pseudo-rect. */
  setDesktopName(name: string): void
  /** PointerPos pseudo-rect: where the server's pointer is. */
  pointerPosition(x: number, y: number): void
  /** The QEMUExtendedKeyEvent pseudo-rect: the server takes scancodes. */
  supportsQemuKeyEvents(): void
  /** The QEMU Audio pseudo-rect: the server acknowledged -259, so audio client messages may go out. */
  supportsQemuAudio(): void
  /** The ExtendedMouseButtons pseudo-rect: the server takes back/forward buttons. */
  supportsExtendedMouseButtons(): void
  /** QEMU or VMware LED state as QEMU's bits: scroll lock 1, num lock 2, caps lock 4. */
  ledState(bits: number): void
  /** SetColourMapEntries: `rgb` holds 3 16-bit values per entry from `first` on. */
  setColourMapEntries(first: number, rgb: Uint16Array): void
  bell(): void
  /** Plain ServerCutText, decoded from Latin-1 (possibly empty). */
  serverCutText(text: string): void
  /** Whether Extended Clipboard is active, which decides how large an extended message may be. */
  extendedClipboardActive(): boolean
  /** An Extended Clipboard message body (ServerCutText with a negative length); `at` is its offset. */
  extendedCutText(body: Uint8Array, at: number): void
  /** EndOfContinuousUpdates. */
  endOfContinuousUpdates(): void
  /** A Fence message; `payload` is a copy the handler may keep. */
  fence(flags: number, payload: Uint8Array): void
  /** An XVP message: code 1 (XVP_INIT) offers power actions, 0 (XVP_FAIL) says one failed. */
  xvp(version: number, code: number): void
}
