import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type NoVncDecoders, loadNoVncDecoders } from '../../../bench/novnc/load'
import type { NoVncQueueMode } from '../../../bench/novnc/replay'
import { DEFAULT_OPTIONS, decodeBoth, formatTable, recordImage, runWorkload } from '../../../bench/suite'
import { type SyntheticEncoding, syntheticRecording } from '../../../bench/synthetic'

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/recordings')
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.fbs'))
  .sort()

let novnc: NoVncDecoders
beforeAll(async () => {
  novnc = await loadNoVncDecoders()
})

async function expectParity(fbs: Uint8Array, queue: NoVncQueueMode = 'websock'): Promise<void> {
  const r = await decodeBoth(fbs, novnc, queue)
  // Every stream here uses only encodings noVNC decodes, so a missing decoder or a failure is a fault.
  expect(r.novncError).toBeNull()
  expect(r.mismatch, 'final framebuffers of our decoders and noVNC differ').toBeNull()
  expect(r.replay.updates).toBeGreaterThan(0)
  expect(new Set(r.ours.words).size, 'a picture, not a blank screen').toBeGreaterThan(8)
}

describe('our decoders and noVNC 1.7 draw the same framebuffer', () => {
  it('has small recorded fixtures to compare', () => {
    expect(fixtures.length).toBeGreaterThan(0)
    for (const f of fixtures) expect(statSync(join(FIXTURES, f)).size, f).toBeLessThan(300_000)
  })

  it.each(fixtures)('from the real server recording %s', async (f) => {
    await expectParity(readFileSync(join(FIXTURES, f)))
  })

  it.each<SyntheticEncoding>(['raw', 'rre', 'hextile', 'tightpng'])('from a synthetic desktop stream in %s', async (enc) => {
    await expectParity(syntheticRecording(enc, 320, 200, 2))
  })

  it.each(fixtures)("with noVNC's queue pre-filled instead of fed by its Websock: %s", async (f) => {
    await expectParity(readFileSync(join(FIXTURES, f)), 'prefilled')
  })
})

describe('the bench workload', () => {
  const quick = { ...DEFAULT_OPTIONS, minRuns: 1, minMs: 0 }

  it('times a recording with images a second time, images copied but not decoded on both sides', async () => {
    const r = await runWorkload({ name: 'tightpng', fbs: readFileSync(join(FIXTURES, 'qemu-tightpng.fbs')) }, novnc, quick)
    expect(r.mismatch).toBeNull()
    expect(r.images).toBeGreaterThan(0)
    expect(r.ratio).not.toBeNull()
    expect(r.protocolOnly?.ratio, 'a protocol-only ratio').toBeGreaterThan(0)
    expect(formatTable([r])).toContain('tightpng (no img decode)')
  })

  it('times a recording without images once', async () => {
    const r = await runWorkload({ name: 'zrle', fbs: readFileSync(join(FIXTURES, 'tigervnc-zrle.fbs')) }, novnc, quick)
    expect(r.images).toBe(0)
    expect(r.protocolOnly).toBeNull()
  })

  it('leaves image rects undrawn when images are only recorded', () => {
    expect(recordImage('jpeg', new Uint8Array([0xff, 0xd8, 0xff]), 1, 1)).toMatchObject({ width: 0, height: 0 })
  })
})
