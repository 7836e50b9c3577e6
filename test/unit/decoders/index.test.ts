import { describe, expect, it } from 'vitest'
import { Encoding } from '../../../src/shared/encodings'
import { DEFAULT_ENCODINGS, createDecoders } from '../../../src/main/rfb/decoders'

describe('decoder registry', () => {
  it('decodes every classic and zlib-based encoding', () => {
    const have = createDecoders()
    for (const e of [
      Encoding.Raw,
      Encoding.CopyRect,
      Encoding.RRE,
      Encoding.CoRRE,
      Encoding.Hextile,
      Encoding.Zlib,
      Encoding.ZlibHex,
      Encoding.ZRLE,
      Encoding.ZYWRLE,
    ]) {
      expect(have.has(e), `encoding ${e}`).toBe(true)
    }
  })

  it('gives every connection its own decoders (zlib streams are per connection)', () => {
    expect(createDecoders().get(Encoding.ZRLE)).not.toBe(createDecoders().get(Encoding.ZRLE))
  })

  it("announces by default only what it decodes, in TigerVNC's order, lossless, Raw last", () => {
    const have = createDecoders()
    for (const e of DEFAULT_ENCODINGS) expect(have.has(e), `encoding ${e}`).toBe(true)
    expect(DEFAULT_ENCODINGS).not.toContain(Encoding.ZYWRLE)
    const order = [Encoding.CopyRect, Encoding.ZRLE, Encoding.Hextile, Encoding.ZlibHex, Encoding.Zlib, Encoding.RRE, Encoding.CoRRE, Encoding.Raw]
    expect(DEFAULT_ENCODINGS.filter((e) => e !== Encoding.Tight)).toEqual(order)
    if (have.has(Encoding.Tight)) expect(DEFAULT_ENCODINGS[0]).toBe(Encoding.Tight)
  })
})
