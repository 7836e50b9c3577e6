import { describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RGBX8888 } from '../../../src/main/rfb/pixel-format'
import { FBS_MAGIC, MAX_FBS_BLOCKS, encodeFbsBlock, parseFbs } from '../../../src/main/rfb/record/fbs'
import { canonicalHandshake, findServerInit } from '../../../src/main/rfb/record/recorded-handshake'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import { Bytes } from '../../helpers/bytes'
import { serverInit } from '../../helpers/server-script'

function fbsFile(...blocks: Uint8Array[]): Uint8Array {
  return Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), ...blocks.map((b, i) => encodeFbsBlock(b, i * 10))])
}

const update = new Bytes().u8(0, 0).u16(1).u16(0, 0, 2, 1).s32(0).u8(1, 2, 3, 0, 4, 5, 6, 0).build()

describe('FBS files', () => {
  it('round-trips blocks, padding data to 4 bytes', () => {
    const file = fbsFile(Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5, 6, 7, 8))
    expect(file.length).toBe(12 + (4 + 4 + 4) + (4 + 8 + 4))
    const blocks = parseFbs(file)
    expect(blocks.map((b) => Array.from(b.data))).toEqual([
      [1, 2, 3],
      [4, 5, 6, 7, 8],
    ])
    expect(blocks.map((b) => b.timestampMs)).toEqual([0, 10])
  })

  it('refuses a bad magic', () => {
    expect(() => parseFbs(Buffer.from('FBS 002.000\n'))).toThrow(/bad magic/)
  })

  it('refuses a block whose length runs past the end', () => {
    const file = Buffer.from(fbsFile(Uint8Array.of(1, 2, 3, 4)))
    file.writeUInt32BE(0xfffffff0, 12)
    expect(() => parseFbs(file)).toThrow(/runs past the end/)
  })

  it('refuses a file of more blocks than it may hold before holding them all (8-byte empty blocks)', () => {
    const empty = (n: number): Buffer => Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), Buffer.alloc(8 * n)])
    expect(parseFbs(empty(100), 100)).toHaveLength(100)
    expect(() => parseFbs(empty(101), 100)).toThrow(/more than 100 blocks/)
    // The default bound: a 1 GiB upload of empty blocks would be 134 million of them.
    expect(MAX_FBS_BLOCKS).toBeLessThanOrEqual(2_000_000)
    expect(() => parseFbs(empty(MAX_FBS_BLOCKS + 1))).toThrow(/more than 2000000 blocks/)
  })

  it('finds ServerInit after a 3.3 None, 3.8 None, 3.8 VNC auth handshake, or at the start', () => {
    const init = serverInit(2, 1, 'x')
    const challenge = new Uint8Array(16).fill(9)
    const cases: [Uint8Array, number][] = [
      [new Bytes().text('RFB 003.003\n').u32(1).bytes(init).build(), 16],
      [new Bytes().text('RFB 003.008\n').u8(2, 1, 2).u32(0).bytes(init).build(), 19],
      [new Bytes().text('RFB 003.008\n').u8(2, 1, 2).bytes(challenge).u32(0).bytes(init).build(), 35],
      [new Bytes().text('RFB 003.003\n').u32(2).bytes(challenge).u32(0).bytes(init).build(), 36],
      [init, 0],
    ]
    for (const [stream, at] of cases) expect(findServerInit(stream)).toBe(at)
  })

  it('replays a recording in the server pixel format it declares', async () => {
    const head = canonicalHandshake({ width: 2, height: 1, name: 'rec', pixelFormat: RGBX8888 }, RGBX8888)
    const file = fbsFile(head, update.subarray(0, 7), update.subarray(7))
    const fb = new FramebufferSink()
    const r = await replayRecording(file, fb)
    expect(r.updates).toBe(1)
    expect(r.info.init.name).toBe('rec')
    expect(Array.from(fb.words)).toEqual([0xff030201, 0xff060504])
  })

  it('replays the same picture in chunks of any size, the handshake split over several too', async () => {
    const head = canonicalHandshake({ width: 2, height: 1, name: 'rec', pixelFormat: RGBX8888 }, RGBX8888)
    const file = fbsFile(head, update, update)
    for (const chunkSize of [1, 3, 7, 40, 64 * 1024]) {
      const fb = new FramebufferSink()
      const r = await replayRecording(file, fb, { chunkSize })
      expect(r.updates, `chunks of ${chunkSize}`).toBe(2)
      expect(Array.from(fb.words), `chunks of ${chunkSize}`).toEqual([0xff030201, 0xff060504])
    }
  })

  it('replays into a sink that finishes updates asynchronously, holding chunks while it works', async () => {
    const { readFileSync } = await import('node:fs')
    const file = readFileSync('test/fixtures/recordings/tigervnc-raw.fbs')
    const sync = new FramebufferSink()
    const expected = await replayRecording(file, sync)
    for (const chunkSize of [1000, 64 * 1024]) {
      const slow = new FramebufferSink()
      slow.onUpdate = () => new Promise<void>((r) => setTimeout(r, 1))
      const r = await replayRecording(file, slow, { chunkSize })
      expect(r.updates, `chunks of ${chunkSize}`).toBe(expected.updates)
      expect(Buffer.compare(Buffer.from(slow.data), Buffer.from(sync.data)), `chunks of ${chunkSize}`).toBe(0)
    }
  })

  it('reports a recording cut inside an update', async () => {
    const head = canonicalHandshake({ width: 2, height: 1, name: 'rec', pixelFormat: RGBX8888 }, RGBX8888)
    const file = fbsFile(head, update.subarray(0, 10))
    await expect(replayRecording(file, new FramebufferSink())).rejects.toThrow(/ends inside a message/)
  })

  it('replays what came before a cut last message when asked to, and says it was cut', async () => {
    const head = canonicalHandshake({ width: 2, height: 1, name: 'rec', pixelFormat: RGBX8888 }, RGBX8888)
    const whole = fbsFile(head, update)
    const expected = await replayRecording(whole, new FramebufferSink())
    const cutFile = fbsFile(head, Uint8Array.from([...update, ...update.subarray(0, 10)]))
    const sink = new FramebufferSink()
    const r = await replayRecording(cutFile, sink, { allowCutEnd: true })
    expect(r.cut).toBe(true)
    expect(r.updates).toBe(expected.updates)
    expect((await replayRecording(whole, new FramebufferSink(), { allowCutEnd: true })).cut).toBeUndefined()
  })

  it('reports garbage after the handshake as a protocol error', async () => {
    const head = canonicalHandshake({ width: 2, height: 1, name: 'rec', pixelFormat: RGBX8888 }, RGBX8888)
    await expect(replayRecording(fbsFile(head, Uint8Array.of(200)), new FramebufferSink())).rejects.toThrow(/unknown server message type 200/)
  })
})
