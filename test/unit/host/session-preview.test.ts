import { describe, expect, it } from 'vitest'
import { scalePreview } from '../../../src/main/host/session-preview'
import { ThumbnailSink } from '../../../src/main/host/thumbnail'

/** An RGBA word with R in the low byte, as decoders write them. */
const word = (r: number, g: number, b: number): number => ((0xff << 24) | (b << 16) | (g << 8) | r) >>> 0

describe('scalePreview', () => {
  it('keeps the aspect ratio, stays within maxWidth and never scales up', () => {
    const mirror = { width: 480, height: 270, words: new Uint32Array(480 * 270) }
    expect(scalePreview(mirror, 320)).toMatchObject({ width: 320, height: 180 })
    expect(scalePreview(mirror, 640)).toMatchObject({ width: 480, height: 270 })
    expect(scalePreview(mirror, 16)).toMatchObject({ width: 16, height: 9 })
    expect(scalePreview({ width: 1000, height: 1, words: new Uint32Array(1000) }, 16)).toMatchObject({ width: 16, height: 1 })
    const p = scalePreview(mirror, 100)
    expect(p.rgba).toHaveLength(p.width * p.height * 4)
  })

  it('fits a tall picture in the maxWidth x maxWidth box, not just within the width', () => {
    const tall = { width: 20, height: 600, words: new Uint32Array(20 * 600) }
    expect(scalePreview(tall, 60)).toMatchObject({ width: 2, height: 60 })
    expect(scalePreview({ width: 1, height: 1000, words: new Uint32Array(1000) }, 16)).toMatchObject({ width: 1, height: 16 })
    // Smaller than the box both ways: left as it is.
    expect(scalePreview({ width: 10, height: 30, words: new Uint32Array(300) }, 64)).toMatchObject({ width: 10, height: 30 })
  })

  it('a hostile 479x16384 desktop: a small mirror and a preview reply of at most 640x640 pixels', () => {
    const mirror = new ThumbnailSink(null)
    mirror.resize(479, 16384)
    mirror.fill(0, 0, 479, 16384, word(9, 8, 7))
    const picture = mirror.picture()!
    // The step comes from the longer side: under 960 on that side, never a full-height copy.
    expect(picture.height).toBeLessThan(960)
    expect(picture.words.length).toBeLessThan(960 * 960)
    const p = scalePreview(picture, 640)
    expect(p.height).toBeLessThanOrEqual(640)
    expect(p.width).toBeGreaterThanOrEqual(1)
    expect(p.rgba.byteLength).toBeLessThanOrEqual(640 * 640 * 4)
    expect([...p.rgba.subarray(0, 4)]).toEqual([9, 8, 7, 255])
    // The saved thumbnail fits the same way.
    const png = mirror.png()!
    expect(png.readUInt32BE(20)).toBeLessThanOrEqual(240) // IHDR height
  })

  it('averages the mirror pixels each output pixel covers, and is opaque', () => {
    // 4x2: left half black and white columns, right half solid red: 2x1 gives grey and red.
    const words = Uint32Array.from([
      word(0, 0, 0),
      word(255, 255, 255),
      word(255, 0, 0),
      word(255, 0, 0),
      word(0, 0, 0),
      word(255, 255, 255),
      word(255, 0, 0),
      word(255, 0, 0),
    ])
    const p = scalePreview({ width: 4, height: 2, words }, 2)
    expect([p.width, p.height]).toEqual([2, 1])
    expect([...p.rgba]).toEqual([128, 128, 128, 255, 255, 0, 0, 255])
  })

  it('a solid area stays exactly its colour through a non-integer ratio', () => {
    const words = new Uint32Array(7 * 5).fill(word(10, 200, 30))
    const p = scalePreview({ width: 7, height: 5, words }, 3)
    for (let i = 0; i < p.rgba.length; i += 4) expect([...p.rgba.subarray(i, i + 4)]).toEqual([10, 200, 30, 255])
  })

  it('from a session mirror: cheap for a 1920x1080 desktop at maxWidth 320', () => {
    const mirror = new ThumbnailSink(null)
    mirror.resize(1920, 1080)
    mirror.fill(0, 0, 1920, 1080, word(1, 2, 3))
    mirror.fill(0, 0, 960, 1080, word(250, 0, 0))
    const picture = mirror.picture()!
    expect([picture.width, picture.height]).toEqual([480, 270])
    const runs = 50
    const start = performance.now()
    let p = scalePreview(picture, 320)
    for (let i = 1; i < runs; i++) p = scalePreview(picture, 320)
    const ms = (performance.now() - start) / runs
    expect([p.width, p.height]).toEqual([320, 180])
    expect([...p.rgba.subarray(0, 4)]).toEqual([250, 0, 0, 255])
    expect([...p.rgba.subarray(p.rgba.length - 4)]).toEqual([1, 2, 3, 255])
    // Measured 4-5 ms on a 2-core machine at load average 13; the bound only catches a change of kind (a full-size pass).
    expect(ms).toBeLessThan(25)
  })
})
