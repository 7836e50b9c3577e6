import type { ByteQueue } from '../byte-queue'
import type { PixelConverter } from '../pixel-converter'
import type { DrawSink } from '../sink'

/** One rectangle header of a FramebufferUpdate (RFC 6143 §7.6.1). */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
  encoding: number
}

/** What a decoder may use besides the bytes: conversion, output, limits and shared scratch space. */
export interface DecodeContext {
  readonly pixels: PixelConverter
  readonly sink: DrawSink
  readonly fbWidth: number
  readonly fbHeight: number
  /** A reusable RGBA buffer of at least `n` words; valid until the next call. */
  scratch(n: number): Uint32Array
  /** Reusable bytes of at least `n` (a second pool, so a decoder can hold both at once). */
  scratchBytes(n: number): Uint8Array
  /** Stream offset for error messages. */
  readonly position: number
  /**
   * Pixels a decoder that holds a whole rect's data may paint in one call before it stops to let
   * the event loop run (absent: no limit). See {@link yielded}.
   */
  readonly slicePixels?: number
  /**
   * Set by a decoder that returned false with its rect's bytes already in hand (it stopped after
   * `slicePixels`): the caller calls `decode` again soon, without waiting for more bytes.
   */
  yielded?: boolean
}

/**
 * One encoding. `decode` consumes only whole units (a row, a tile, a zlib block) and keeps its
 * progress in the decoder, returning false when it needs more bytes and true when the rect is
 * finished. A rect begins with `begin`, so per-rect state is reset there.
 */
export interface RectDecoder {
  begin(rect: Rect, ctx: DecodeContext): void
  decode(q: ByteQueue, ctx: DecodeContext): boolean
  /** A new connection (or a replay restart): drop persistent state such as zlib streams. */
  reset?(): void
  /**
   * Every SetEncodings list the client sends, pseudo-encodings included, for decoders whose
   * wire format depends on them (ZYWRLE's wavelet depth follows the quality level).
   */
  encodingsSent?(encodings: readonly number[]): void
}
