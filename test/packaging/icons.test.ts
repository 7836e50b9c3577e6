import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The icon files are generated (`npm run icons`) and committed: check they are whole and that
// the .icns and .ico carry the same renders as the PNG set, so none of them is stale.

const build = join(import.meta.dirname, '..', '..', 'build')
const png = (size: number): Buffer => readFileSync(join(build, 'icons', `${size}x${size}.png`))

/** Width and height from a PNG's IHDR chunk. */
function pngSize(data: Buffer): [number, number] {
  expect(data.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n')
  expect(data.subarray(12, 16).toString('latin1')).toBe('IHDR')
  return [data.readUInt32BE(16), data.readUInt32BE(20)]
}

describe('icons', () => {
  it('has the PNG set at every size, square, and icon.png at 1024', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(png(size)), `${size}x${size}.png`).toEqual([size, size])
    expect(readFileSync(join(build, 'icon.png'))).toEqual(png(1024))
  })

  it('icon.icns holds the same renders, at 1x and 2x', () => {
    const icns = readFileSync(join(build, 'icon.icns'))
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    const elements = new Map<string, Buffer>()
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      elements.set(icns.subarray(at, at + 4).toString('latin1'), icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)))
    }
    const expected: Record<string, number> = {
      icp4: 16,
      icp5: 32,
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
      ic11: 32,
      ic12: 64,
      ic13: 256,
      ic14: 512,
    }
    expect([...elements.keys()].sort()).toEqual(Object.keys(expected).sort())
    for (const [type, size] of Object.entries(expected)) expect(elements.get(type), type).toEqual(png(size))
  })

  it('icon.ico holds the same renders from 16 to 256 px', () => {
    const ico = readFileSync(join(build, 'icon.ico'))
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1])
    const count = ico.readUInt16LE(4)
    const sizes: number[] = []
    for (let i = 0; i < count; i++) {
      const entry = 6 + 16 * i
      const size = ico.readUInt8(entry) || 256
      const image = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8))
      expect(image, `${size} px`).toEqual(png(size))
      sizes.push(size)
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256])
  })
})
