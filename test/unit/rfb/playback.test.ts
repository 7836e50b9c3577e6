import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { FBS_MAGIC, encodeFbsBlock, parseFbs } from '../../../src/main/rfb/record/fbs'
import { Playback } from '../../../src/main/rfb/record/playback'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import { UpdateEncoder, opStreamHandshake } from '../../../src/main/rfb/record/update-encoder'

const DIR = join(__dirname, '../../fixtures/recordings')

function hash(words: Uint32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(words.buffer, words.byteOffset, words.byteLength))
    .digest('hex')
}

/** The recording cut after its last block stamped at or before `t`. */
function cutAt(fbs: Uint8Array, t: number): Uint8Array {
  const kept = parseFbs(fbs).filter((b) => b.timestampMs <= t)
  return Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), ...kept.map((b) => encodeFbsBlock(b.data, b.timestampMs))])
}

/** What a straight replay from the start shows at stream time `t`. */
async function straight(fbs: Uint8Array, t: number, blank: Uint32Array): Promise<string> {
  const fb = new FramebufferSink(decodeImageNode)
  try {
    await replayRecording(cutAt(fbs, t), fb, { allowCutEnd: true })
  } catch (e) {
    // Before the recorded handshake is complete (rfbproxy stamps its parts apart) nothing is drawn yet.
    if (!/inside the handshake/.test((e as Error).message)) throw e
    return hash(blank)
  }
  return hash(fb.words)
}

/** Stream times spread over the recording, in a jumping order: forward, far back, near back, forward again. */
function times(duration: number): number[] {
  const f = [0.9, 0.2, 0.6, 0.55, 0.1, 1, 0.35, 0]
  return f.map((x) => Math.round(duration * x))
}

describe('Playback', () => {
  for (const name of ['tigervnc-raw', 'tigervnc-hextile', 'tigervnc-copyrect-hextile', 'tigervnc-rre', 'qemu-tightpng']) {
    it(`${name}: a seek anywhere shows what a straight replay shows there, from keyframes`, async () => {
      const fbs = readFileSync(join(DIR, `${name}.fbs`))
      const p = await Playback.open(fbs, { decodeImage: decodeImageNode, keyframeEveryMs: 1 })
      expect(p.durationMs).toBeGreaterThan(0)
      await p.seek(p.durationMs)
      // Stateless encodings only: keyframes were taken on the way.
      expect(p.keyframes.length).toBeGreaterThan(1)
      for (const t of times(p.durationMs)) {
        await p.seek(t)
        expect(p.positionMs).toBe(t)
        expect(hash(p.framebuffer.words), `at ${t} ms`).toBe(await straight(fbs, t, new Uint32Array(p.framebuffer.words.length)))
      }
      p.close()
    })
  }

  for (const name of ['tigervnc-zrle', 'tigervnc-tight', 'x11vnc-zlib']) {
    it(`${name}: zlib streams carry state, so no keyframe is taken and a seek back decodes from the start`, async () => {
      const fbs = readFileSync(join(DIR, `${name}.fbs`))
      const p = await Playback.open(fbs, { decodeImage: decodeImageNode, keyframeEveryMs: 1 })
      await p.seek(p.durationMs)
      for (const t of times(p.durationMs)) {
        await p.seek(t)
        expect(hash(p.framebuffer.words), `at ${t} ms`).toBe(await straight(fbs, t, new Uint32Array(p.framebuffer.words.length)))
      }
      // Taken before the first zlib rect only (none: the first update uses it).
      for (const k of p.keyframes) expect(k.offset).toBeLessThan(300)
      p.close()
    })
  }

  it('keeps keyframes within the memory budget, thinning them as the recording goes on', async () => {
    const fbs = readFileSync(join(DIR, 'tigervnc-raw.fbs'))
    const p = await Playback.open(fbs, { decodeImage: decodeImageNode, keyframeEveryMs: 1, keyframeBudgetBytes: 1 })
    const frame = (await Playback.open(fbs, { decodeImage: null })).framebuffer
    await p.seek(p.durationMs)
    // A budget smaller than one picture keeps none.
    expect(p.keyframes).toHaveLength(0)
    const one = frame.width * frame.height * 4
    const q = await Playback.open(fbs, { decodeImage: decodeImageNode, keyframeEveryMs: 1, keyframeBudgetBytes: one * 3 })
    await q.seek(q.durationMs)
    expect(q.keyframes.length).toBeGreaterThan(0)
    expect(q.keyframes.length).toBeLessThanOrEqual(3)
    p.close()
    q.close()
  })

  it('a recording re-encoded from draw ops (as the app records) shows the same pictures and seeks from keyframes', async () => {
    const original = readFileSync(join(DIR, 'tigervnc-zrle.fbs'))
    // Decode ZRLE through the engine, write what it drew with the stateless encoder, one block per update.
    const blocks: Buffer[] = []
    let t = 0
    const enc = new UpdateEncoder((m) => blocks.push(encodeFbsBlock(m, (t += 40))))
    const fb = new FramebufferSink(decodeImageNode)
    let first = true
    const tee = {
      resize: (w: number, h: number) => {
        if (first) blocks.push(encodeFbsBlock(opStreamHandshake(w, h, 'zrle'), 0))
        first = false
        fb.resize(w, h)
        enc.resize(w, h)
      },
      fill: (x: number, y: number, w: number, h: number, c: number) => (fb.fill(x, y, w, h, c), enc.fill(x, y, w, h, c)),
      copy: (sx: number, sy: number, x: number, y: number, w: number, h: number) => (fb.copy(sx, sy, x, y, w, h), enc.copy(sx, sy, x, y, w, h)),
      pixels: (x: number, y: number, w: number, h: number, p: Uint32Array) => (fb.pixels(x, y, w, h, p), enc.pixels(x, y, w, h, p)),
      image: () => undefined,
      cursor: (s: Parameters<UpdateEncoder['cursor']>[0]) => (fb.cursor(s), enc.cursor(s)),
      endUpdate: () => (fb.endUpdate(), enc.endUpdate()),
    }
    await replayRecording(original, tee, { allowCutEnd: true })
    const made = Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), ...blocks])
    const p = await Playback.open(made, { decodeImage: null, keyframeEveryMs: 100 })
    await p.seek(p.durationMs)
    expect(hash(p.framebuffer.words)).toBe(hash(fb.words))
    expect(p.keyframes.length).toBeGreaterThan(1)
    for (const s of times(p.durationMs)) {
      await p.seek(s)
      expect(hash(p.framebuffer.words), `at ${s} ms`).toBe(await straight(made, s, new Uint32Array(p.framebuffer.words.length)))
    }
    p.close()
  })

  it('takes a clock that goes back as standing still, so the end is still reached', async () => {
    const fbs = readFileSync(join(DIR, 'tigervnc-hextile.fbs'))
    const blocks = parseFbs(fbs)
    // Stamps that fall: 1000, 999, 998, ...
    const backwards = Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), ...blocks.map((b, i) => encodeFbsBlock(b.data, 1000 - i))])
    const p = await Playback.open(backwards, { decodeImage: decodeImageNode })
    expect(p.durationMs).toBe(1000)
    await p.seek(p.durationMs)
    expect(p.atEnd).toBe(true)
    const whole = new FramebufferSink(decodeImageNode)
    await replayRecording(fbs, whole, { allowCutEnd: true })
    expect(hash(p.framebuffer.words)).toBe(hash(whole.words))
    p.close()
  })

  it('refuses a file that is not a recording, and one cut inside its handshake', async () => {
    await expect(Playback.open(Buffer.from('not a recording at all'), { decodeImage: null })).rejects.toThrow(/bad magic/)
    const cut = Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), encodeFbsBlock(opStreamHandshake(4, 4, 'x').subarray(0, 20), 0)])
    await expect(Playback.open(cut, { decodeImage: null })).rejects.toThrow(/handshake/)
  })
})
