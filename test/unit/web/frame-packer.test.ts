import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PixelRunEncoder } from '../../../src/shared/pixel-runs'
import { encodeServerMessage } from '../../../src/shared/ws-codec'
import { FramePacker, GIVE_UPS_BEFORE_SKIPPING, MIN_SKIPPED_BYTES, SKIPPED_FRAMES } from '../../../src/main/web/frame-packer'

const frame = (sessionId: string, pixels: Uint8Array) => ({
  type: 'event' as const,
  name: 'session.frame' as const,
  payload: { sessionId, seq: 1, ops: Int32Array.of(3, 0, 0, pixels.length / 4, 1, 0, 0, 0), pixels, images: new Uint8Array(0) },
})
/** Motion: nothing repeats, packing gives up. */
const motion = new Uint8Array(randomBytes(MIN_SKIPPED_BYTES))
/** A desktop: one colour with a few odd pixels, packs to almost nothing. */
const desktop = new Uint8Array(new Uint32Array(MIN_SKIPPED_BYTES / 4).map((_, i) => (i % 700 < 3 ? i : 0xffc0c0c0)).buffer)

/** Whether each frame's pixels went packed ("r32" in the wire header). */
function send(packer: FramePacker, m: ReturnType<typeof frame>): boolean {
  const wire = encodeServerMessage(m, undefined, packer.for(m)) as Uint8Array
  const headerLength = new DataView(wire.buffer, wire.byteOffset).getUint32(0, true)
  return new TextDecoder().decode(wire.subarray(4, 4 + headerLength)).includes('"r32"')
}

afterEach(() => vi.restoreAllMocks())

describe('FramePacker', () => {
  it('stops trying a session whose large frames give up, and tries one again every so often', () => {
    const tries = vi.spyOn(PixelRunEncoder.prototype, 'pack')
    const packer = new FramePacker()
    const frames = 2 * (SKIPPED_FRAMES + 1) + GIVE_UPS_BEFORE_SKIPPING
    for (let i = 0; i < frames; i++) expect(send(packer, frame('a', motion))).toBe(false)
    // Three give-ups, then one try after each run of skipped frames.
    expect(tries).toHaveBeenCalledTimes(GIVE_UPS_BEFORE_SKIPPING + 2)
  })

  it('packs again from the first try that pays, and keeps trying after it', () => {
    const packer = new FramePacker()
    for (let i = 0; i < GIVE_UPS_BEFORE_SKIPPING; i++) send(packer, frame('a', motion))
    const packed: boolean[] = []
    for (let i = 0; i < SKIPPED_FRAMES + 3; i++) packed.push(send(packer, frame('a', desktop)))
    // The skipped frames went plain; the try after them packed, and so did every frame after.
    expect(packed.slice(0, SKIPPED_FRAMES)).toEqual(new Array(SKIPPED_FRAMES).fill(false))
    expect(packed.slice(SKIPPED_FRAMES)).toEqual([true, true, true])
  })

  it('counts each session on its own, and always tries small frames', () => {
    const packer = new FramePacker()
    for (let i = 0; i < GIVE_UPS_BEFORE_SKIPPING + 1; i++) send(packer, frame('video', motion))
    expect(send(packer, frame('desktop', desktop))).toBe(true)
    const small = desktop.subarray(0, 64 * 1024)
    expect(send(packer, frame('video', small))).toBe(true)
    expect(send(packer, frame('video', desktop))).toBe(false)
  })
})
