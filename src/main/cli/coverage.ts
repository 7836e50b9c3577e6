import type { DrawSink } from '../rfb/sink'

/**
 * Wraps a sink and tracks which pixels some op has painted since the last resize, so a
 * snapshot can wait until the whole screen has arrived (servers may split the first update).
 */
export class CoverageSink implements DrawSink {
  private covered = new Uint8Array(0)
  private width = 0
  private left = 0

  constructor(private readonly inner: DrawSink) {}

  /** True once every pixel has been painted. */
  get complete(): boolean {
    return this.left === 0 && this.width > 0
  }

  private mark(x: number, y: number, w: number, h: number): void {
    const height = this.covered.length / Math.max(1, this.width)
    for (let r = y; r < Math.min(y + h, height); r++) {
      const row = r * this.width
      for (let c = x; c < Math.min(x + w, this.width); c++) {
        if (!this.covered[row + c]) {
          this.covered[row + c] = 1
          this.left--
        }
      }
    }
  }

  resize(width: number, height: number): void {
    this.width = width
    this.covered = new Uint8Array(width * height)
    this.left = width * height
    this.inner.resize(width, height)
  }

  fill(x: number, y: number, w: number, h: number, colour: number): void {
    this.mark(x, y, w, h)
    this.inner.fill(x, y, w, h, colour)
  }

  copy(sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    this.mark(x, y, w, h)
    this.inner.copy(sx, sy, x, y, w, h)
  }

  pixels(x: number, y: number, w: number, h: number, rgba: Uint32Array): void {
    this.mark(x, y, w, h)
    this.inner.pixels(x, y, w, h, rgba)
  }

  image(x: number, y: number, w: number, h: number, kind: 'jpeg' | 'png', data: Uint8Array): void {
    this.mark(x, y, w, h)
    this.inner.image(x, y, w, h, kind, data)
  }

  cursor(shape: Parameters<DrawSink['cursor']>[0]): void {
    this.inner.cursor(shape)
  }

  endUpdate(): void | Promise<void> {
    return this.inner.endUpdate()
  }
}
