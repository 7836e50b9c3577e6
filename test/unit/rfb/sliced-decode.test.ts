// A ZRLE rect larger than RfbClientOptions.slicePixels is decoded a slice per turn of the event
// loop (docs/security.md, "Work per server message"): the picture must be the same as decoded in
// one go, the update reported once, and nothing read from the server meanwhile.
import { describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RGBX8888 } from '../../../src/main/rfb/pixel-format'
import { RfbClient } from '../../../src/main/rfb/session'
import { Bytes } from '../../helpers/bytes'
import { FakeTransport, settle } from '../../helpers/fake-transport'
import { type Rgb, withLength, zlibChunk, zrleTile } from '../../helpers/rect-vectors'
import { none38 } from '../../helpers/server-script'

const W = 300
const H = 200

/** A 300x200 ZRLE rect whose 20 tiles use every sub-encoding in turn. */
function zrleRect(): Uint8Array {
  const tiles: number[] = []
  let n = 0
  for (let ty = 0; ty < H; ty += 64) {
    for (let tx = 0; tx < W; tx += 64) {
      const tw = Math.min(64, W - tx)
      const th = Math.min(64, H - ty)
      const px = tw * th
      const c: Rgb = [(tx * 3) & 255, (ty * 5) & 255, (n * 40) & 255]
      switch (n++ % 5) {
        case 0:
          tiles.push(
            ...zrleTile.raw(
              RGBX8888,
              Array.from({ length: px }, (_, i): Rgb => [i & 255, (i >> 8) & 255, n]),
            ),
          )
          break
        case 1:
          tiles.push(...zrleTile.solid(RGBX8888, c))
          break
        case 2:
          tiles.push(
            ...zrleTile.packed(
              RGBX8888,
              [c, [1, 2, 3]],
              Array.from({ length: px }, (_, i) => (i >> 3) & 1),
              tw,
            ),
          )
          break
        case 3:
          tiles.push(
            ...zrleTile.plainRle(RGBX8888, [
              [c, px - 10],
              [[9, 9, 9], 10],
            ]),
          )
          break
        default:
          tiles.push(
            ...zrleTile.paletteRle(
              RGBX8888,
              [c, [200, 100, 0]],
              [
                [0, px - 1],
                [1, 1],
              ],
            ),
          )
      }
    }
  }
  return withLength(zlibChunk(tiles))
}

async function decode(slicePixels: number) {
  const t = new FakeTransport()
  const sink = new FramebufferSink()
  const client = new RfbClient({ sink, encodings: [16], autoUpdate: false, slicePixels })
  const up = client.start(t)
  t.serve(none38(W, H))
  await up
  await settle()
  let updates = 0
  client.on('update', () => updates++)
  t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, W, H).s32(16).bytes(zrleRect()).build())
  const pausedAfterFirstTurn = t.paused
  const doneAfterFirstTurn = updates
  while (updates === 0 && client.state === 'connected') await new Promise((r) => setImmediate(r))
  const result = { data: Buffer.from(sink.data), updates, pausedAfterFirstTurn, doneAfterFirstTurn, pausedAtEnd: t.paused, state: client.state }
  client.close()
  return result
}

describe('a ZRLE rect decoded in slices', () => {
  it('paints the same picture as in one go, reports the update once, and reads nothing from the server meanwhile', async () => {
    const whole = await decode(Infinity)
    const sliced = await decode(64 * 64)
    expect(whole.doneAfterFirstTurn).toBe(1)
    // One tile per turn: the first turn ends part-way, with the transport paused.
    expect(sliced.doneAfterFirstTurn).toBe(0)
    expect(sliced.pausedAfterFirstTurn).toBe(true)
    expect(sliced.state).toBe('connected')
    expect(sliced.updates).toBe(1)
    expect(sliced.pausedAtEnd).toBe(false)
    expect(Buffer.compare(sliced.data, whole.data), 'the sliced picture differs').toBe(0)
  })
})
