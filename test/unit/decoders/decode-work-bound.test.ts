// How much work one server message can make the engine do (issue 12, docs/security.md "Work per
// message"): a zlib-compressed rect is inflated at most to what its own pixels can legally need
// (zrleMaxData for ZRLE, w*h*bpp for Zlib), so the work is bounded by the rect's pixel count, not
// by how well the attacker's bytes compress. Measured through the whole engine with a real socket
// path stand-in (FakeTransport) and the framebuffer sink.
import { describe, expect, it } from 'vitest'
import { zrleMaxData } from '../../../src/main/rfb/decoders/zrle'
import type { RfbError } from '../../../src/main/rfb/errors'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RfbClient } from '../../../src/main/rfb/session'
import { Bytes } from '../../helpers/bytes'
import { FakeTransport, settle } from '../../helpers/fake-transport'
import { none38 } from '../../helpers/server-script'
import { SyncDeflater } from '../../helpers/zlib'

const BOMB = new SyncDeflater().chunk(new Uint8Array(64 << 20))

/**
 * Feeds one update with a w x h rect of `encoding` carrying `body` to a fresh session and waits
 * for the session to end (every case here is malformed): the whole time, and the longest the
 * event loop was held at once (measured by a ticker that runs between turns).
 */
async function oneMessage(w: number, h: number, encoding: number, body: Uint8Array, slicePixels?: number) {
  const t = new FakeTransport()
  const client = new RfbClient({ sink: new FramebufferSink(), encodings: [encoding], autoUpdate: false, slicePixels })
  const ended = new Promise<RfbError | null>((resolve) => client.on('close', resolve))
  const up = client.start(t)
  t.serve(none38(w, h))
  await up
  await settle()
  const update = new Bytes().u8(0, 0).u16(1).u16(0, 0, w, h).s32(encoding).u32(body.length).bytes(body).build()
  let longest = 0
  let last = performance.now()
  let ticking = true
  let turns = 0
  const tick = (): void => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
    turns++
    if (ticking) setImmediate(tick)
  }
  const started = performance.now()
  last = started
  setImmediate(tick)
  t.serve(update)
  const error = await ended
  ticking = false
  const ms = performance.now() - started
  return { ms, longest: Math.max(longest, performance.now() - last), turns, error }
}

describe('work one message can cause', () => {
  it('a 64 MiB zlib bomb in a small ZRLE or Zlib rect stops at what the rect can hold', async () => {
    expect(BOMB.length).toBeLessThan(70_000)
    for (const [encoding, name, w] of [
      [16, 'ZRLE', 64],
      [16, 'ZRLE', 256],
      [6, 'Zlib', 256],
    ] as const) {
      const r = await oneMessage(w, w, encoding, BOMB)
      console.log(`${name} ${w}x${w} rect, 64 MiB bomb from ${BOMB.length} bytes: ${r.ms.toFixed(1)} ms: ${r.error?.message}`)
      expect(r.error?.kind).toBe('protocol')
      // Refused unread (more compressed bytes than the rect could need), or inflated only up to the rect's size.
      expect(r.error?.message).toMatch(/more than its tiles can take|more than the rect|inflates past the \d+ bytes/)
      // Inflating all 64 MiB takes hundreds of ms here; stopping at the rect's size takes a few.
      expect(r.ms, `${name}: the bomb was inflated past the rect`).toBeLessThan(150)
    }
  })

  it('the largest legal case costs in proportion to its rect, and is decoded in slices that let the event loop run', async () => {
    // ZRLE's legal maximum per pixel: a CPIXEL and a run byte, plus per-tile headers.
    expect(zrleMaxData(64, 64, 3)).toBe(2 + 127 * 3 + 64 * 64 * 4)
    const small = await oneMessage(1024, 1024, 16, BOMB)
    const whole = await oneMessage(16383, 1024, 16, BOMB, Infinity)
    const sliced = await oneMessage(16383, 1024, 16, BOMB, 2 ** 20)
    const fmt = (r: { ms: number; longest: number; turns: number }): string =>
      `${r.ms.toFixed(0)} ms in ${r.turns} turns of the event loop, held at most ${r.longest.toFixed(0)} ms`
    console.log(
      `ZRLE 64 MiB of zeros from ${BOMB.length} bytes: 1024x1024 rect ${fmt(small)}; ` +
        `16383x1024 rect in one go ${fmt(whole)}; in slices of 1 Mpixel ${fmt(sliced)}`,
    )
    // All malformed (raw tiles of zeros run past or short of the tiles): a typed error, sliced or not.
    for (const r of [small, whole, sliced]) expect(r.error?.kind).toBe('protocol')
    expect(sliced.error?.message).toBe(whole.error?.message)
    // In one go the whole decode is one turn; in slices (16 of 1 Mpixel) the event loop runs between
    // them, and the longest turn is the inflate and one slice.
    expect(whole.turns).toBeLessThanOrEqual(3)
    expect(sliced.turns).toBeGreaterThanOrEqual(12)
    expect(sliced.longest).toBeLessThan(sliced.ms)
  }, 30_000)
})
