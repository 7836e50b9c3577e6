/** A small seeded PRNG (mulberry32), so generated data is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Desktop-like RGBX8888 pixels (R,G,B,X bytes): a gradient wallpaper, windows with title bars
 * and borders, anti-aliased "text" in a few colours, and a noisy photo. `variant` moves and
 * rewrites things, as successive frames of a session would.
 */
export function desktopFrame(width: number, height: number, variant = 0): Uint8Array {
  const px = new Uint32Array(width * height)
  const rnd = prng(1234 + variant * 7919)
  const rgb = (r: number, g: number, b: number): number => (r | (g << 8) | (b << 16) | 0xff000000) >>> 0
  for (let y = 0; y < height; y++) {
    const c = rgb((40 + (y * 60) / height) | 0, (70 + (y * 40) / height) | 0, (120 + (y * 80) / height) | 0)
    px.fill(c, y * width, (y + 1) * width)
  }
  const fill = (x: number, y: number, w: number, h: number, c: number): void => {
    for (let r = Math.max(0, y); r < Math.min(height, y + h); r++) {
      px.fill(c, r * width + Math.max(0, x), r * width + Math.min(width, x + w))
    }
  }
  const ink = [rgb(0, 0, 0), rgb(30, 30, 30), rgb(0, 0, 160), rgb(140, 0, 0)]
  const windows = 3 + (variant % 3)
  for (let i = 0; i < windows; i++) {
    const w = Math.floor(width * (0.3 + rnd() * 0.4))
    const h = Math.floor(height * (0.3 + rnd() * 0.4))
    const x = Math.floor(rnd() * (width - w))
    const y = Math.floor(rnd() * (height - h))
    fill(x - 1, y - 1, w + 2, h + 2, rgb(90, 90, 90))
    fill(x, y, w, h, rgb(246, 246, 244))
    for (let r = 0; r < 22; r++) fill(x, y + r, w, 1, rgb(60 + r * 3, 90 + r * 3, 150 + r * 2))
    // Text: 7x13 cells with glyph-like strokes and grey anti-aliasing at their edges.
    const colour = ink[i % ink.length]
    for (let ty = y + 30; ty + 13 < y + h - 4; ty += 16) {
      const lineLen = Math.floor(((w - 16) / 7) * (0.4 + rnd() * 0.6))
      for (let k = 0; k < lineLen; k++) {
        if (rnd() < 0.15) continue
        const gx = x + 8 + k * 7
        for (let s = 0; s < 4; s++) {
          const sx = gx + Math.floor(rnd() * 5)
          const sy = ty + Math.floor(rnd() * 9)
          const vertical = rnd() < 0.5
          fill(sx, sy, vertical ? 1 : 3, vertical ? 4 : 1, colour)
          fill(sx + (vertical ? 1 : 0), sy + (vertical ? 0 : 1), 1, 1, rgb(150, 150, 150))
        }
      }
    }
  }
  // A photo: smooth colour fields plus sensor noise, which compresses poorly.
  const pw = Math.floor(width / 4)
  const ph = Math.floor(height / 4)
  const px0 = Math.floor(width * 0.6) - variant * 8
  const py0 = Math.floor(height * 0.55)
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const X = px0 + x
      const Y = py0 + y
      if (X < 0 || X >= width || Y >= height) continue
      const n = (rnd() * 24) | 0
      const r = 128 + 100 * Math.sin(x / 37 + variant) + n
      const g = 120 + 90 * Math.sin(y / 23) + n
      const b = 110 + 80 * Math.cos((x + y) / 51) + n
      px[Y * width + X] = rgb(Math.max(0, Math.min(255, r)) | 0, Math.max(0, Math.min(255, g)) | 0, Math.max(0, Math.min(255, b)) | 0)
    }
  }
  return new Uint8Array(px.buffer)
}

/** The w*h block at (x, y) of a frame with 4-byte pixels, row by row. */
export function crop(frame: Uint8Array, frameWidth: number, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4)
  for (let r = 0; r < h; r++) out.set(frame.subarray(((y + r) * frameWidth + x) * 4, ((y + r) * frameWidth + x + w) * 4), r * w * 4)
  return out
}
