import { afterAll, describe, expect, it } from 'vitest'
import { runCampaign } from './campaign'
import { loadCorpus } from './corpus'
import { toFbs } from './fbs-wrap'
import { FuzzPool } from './pool'
import { Writer } from './writer'

// The short, deterministic run that is part of `npm test`; `npm run fuzz -- --iterations N` is
// the long one. The handshake is left intact here: replay of a broken handshake waits for the
// handshake timeout (see the known findings below), which would turn every such case into a hang.
const SEED = 20240611
const ITERATIONS = 250
const MIB = 1024 ** 2
const GIB = 1024 ** 3

const pool = new FuzzPool({ timeoutMs: 4000, memoryCeilingBytes: 1.25 * GIB, rssCeilingBytes: 1.5 * GIB })
// Known findings are single cases that fail fast or hang: a short deadline is enough.
const quick = new FuzzPool({ timeoutMs: 1500 })
afterAll(async () => {
  await pool.close()
  await quick.close()
})

describe('fuzzing the engine with mutated recordings and generated messages', () => {
  it(`${ITERATIONS} cases (seed ${SEED}): no crash, no hang, nothing beyond the framebuffer limit`, async () => {
    const corpus = loadCorpus()
    expect(corpus.length, 'the corpus of real recordings (test/fuzz/corpus) is missing').toBeGreaterThan(0)
    const r = await runCampaign(pool, { seed: SEED, iterations: ITERATIONS, corpus, protectHandshake: true })
    const report = r.findings
      .map((f) => `${f.signature}\n  seed ${f.seed} case ${f.index}: ${f.label}; ${f.steps.join('; ')}\n  ${f.verdict.stack ?? ''}`)
      .join('\n')
    expect(r.findings, report).toEqual([])
    // The cases must get past the first checks: most are decoded at least in part.
    expect(r.counts.ok + r.counts['rfb-error']).toBe(ITERATIONS)
    expect(Object.keys(r.codes).length).toBeGreaterThan(8)
    expect(r.unmutatedErrors, JSON.stringify(r.unmutatedErrors)).toEqual([])
    expect(r.thumbnailCases, 'no case ran through the thumbnail mirror').toBeGreaterThan(ITERATIONS / 8)
  }, 180_000) // a budget for the whole run on a loaded 2-core machine; each case has its own 4 s hang limit
})

/** A recording: the canonical replay handshake for a `width` x `height` RGBX framebuffer, then `rest`. */
function recording(width: number, height: number, rest: Writer = new Writer(), cut?: number): Uint8Array {
  const pf = [32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16, 0, 0, 0]
  const stream = new Writer().text('RFB 003.003\n').u32(1).u16(width).u16(height).bytes(pf).u32(1).text('x').append(rest).build()
  return toFbs(cut === undefined ? stream : stream.subarray(0, cut))
}

describe('the resident-memory oracle', () => {
  it('flags a case that holds WebAssembly memory, which ArrayBuffers do not count, and replaces its worker', async () => {
    // This test is about the memory verdict, not hangs: a generous time limit, because touching 96 MiB
    // in a worker took over 4 s once at load 16 on two cores and was then called a hang.
    const rssPool = new FuzzPool({ timeoutMs: 20_000, rssCeilingBytes: 64 * MIB, recycleRssBytes: 64 * MIB })
    try {
      const plain = recording(4, 4)
      const control = await rssPool.run(plain)
      expect(control.kind, `${control.code}: ${control.message}`).toBe('ok')
      expect(control.rssPeak).toBeLessThan(64 * MIB)
      const bloated = await rssPool.run(plain, 64 * 1024, { bloatBytes: 96 * MIB })
      expect(bloated.kind).toBe('rss')
      expect(bloated.rssPeak).toBeGreaterThan(64 * MIB)
      expect(bloated.arrayBuffers, 'the bloat was meant to be invisible to the ArrayBuffer ceiling').toBeLessThan(16 * MIB)
      const held = process.memoryUsage.rss()
      expect(rssPool.recycled, 'the worker that grew was not replaced').toBe(1)
      const next = await rssPool.run(plain)
      expect(next.kind).toBe('ok')
      // The memory went with the old worker, so it is neither blamed on nor hidden from the next case.
      expect(held - process.memoryUsage.rss()).toBeGreaterThan(48 * MIB)
    } finally {
      await rssPool.close()
    }
  }, 90_000)
})

// Engine weaknesses the fuzzer found, kept as regression tests now that they are fixed.
describe('findings of the fuzzer, fixed', () => {
  it('a recording that ends inside ServerInit fails at once', async () => {
    const v = await quick.run(recording(4, 4, undefined, 30))
    expect(v.kind).toBe('rfb-error')
  }, 10_000)

  it('a server cannot make the viewer hold a 1 GiB framebuffer', async () => {
    const resize = new Writer().u8(0).u8(0).u16(1).u16(0).u16(0).u16(16384).u16(16384).s32(-223)
    const v = await quick.run(recording(4, 4, resize))
    expect(v.arrayBuffers).toBeLessThan(512 * 1024 ** 2)
  }, 10_000)

  it('an FBS block length of 2^31-1 is refused as corrupt', async () => {
    // Found by `npm run fuzz` (seed 99, case 16), minimized to 16 bytes.
    const v = await quick.run(Buffer.from('FBS 001.000\n\x7f\xff\xff\xff', 'latin1'))
    expect(v.kind, `${v.code}: ${v.message}`).toBe('rfb-error')
  }, 10_000)

  it('an FBS block length near 2^32 is refused as corrupt', async () => {
    // fbs.ts computes the padding with 32-bit operators: (0xfffffffc + 3) & ~3 is -4, so the
    // bounds check passes and every 4 bytes start a new block spanning the rest of the file.
    const body = Buffer.alloc(4 * 100_000)
    for (let i = 0; i < body.length; i += 4) body.writeUInt32BE(0xfffffffc, i)
    const v = await quick.run(Buffer.concat([Buffer.from('FBS 001.000\n', 'latin1'), body]))
    expect(v.kind, `${v.code}: ${v.message}`).toBe('rfb-error')
  }, 10_000)
})
