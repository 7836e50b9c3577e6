import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type NoVncDecoders, loadNoVncDecoders } from '../../../bench/novnc/load'
import { decodeBoth } from '../../../bench/suite'
import { type SyntheticEncoding, syntheticRecording } from '../../../bench/synthetic'

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/recordings')
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.fbs')).sort()

let novnc: NoVncDecoders
beforeAll(async () => {
  novnc = await loadNoVncDecoders()
})

async function expectParity(fbs: Uint8Array): Promise<void> {
  const r = await decodeBoth(fbs, novnc)
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

  it.each<SyntheticEncoding>(['raw', 'rre', 'hextile'])('from a synthetic desktop stream in %s', async (enc) => {
    await expectParity(syntheticRecording(enc, 320, 200, 2))
  })
})
