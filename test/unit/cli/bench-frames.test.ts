import { describe, expect, it } from 'vitest'
import { runCli } from '../../helpers/cli-in-process'

describe('tessera bench --frames', () => {
  it('times every copy of one frame of the size asked for', async () => {
    const r = await runCli(['bench', '--frames', '--size', '64x32', '--runs', '3', '--json'])
    expect(r.code, r.err.join('\n')).toBe(0)
    const { frames } = JSON.parse(r.out.join('\n')) as {
      frames: { frameBytes: number; passes: number; steps: { step: string; medianMs: number; minMs: number }[] }
    }
    expect(frames.frameBytes).toBe(64 * 32 * 4)
    expect(frames.passes).toBe(20) // at least 20, whatever --runs says
    expect(frames.steps.map((s) => s.step)).toEqual([
      'copy (detachBatch)',
      'copy into reused memory',
      'v8 serialize',
      'v8 deserialize',
      'structuredClone',
      'ws-codec encode',
      'copy into canvas memory',
      'MessagePort round trip, copied',
      'MessagePort round trip, transferred',
    ])
    for (const s of frames.steps) {
      expect(s.minMs, s.step).toBeGreaterThan(0)
      expect(s.medianMs, s.step).toBeGreaterThanOrEqual(s.minMs)
    }
  })

  it('prints a table after the recordings table, and refuses a size it cannot use', async () => {
    const r = await runCli(['bench', '--frames', '--size', '16x16'])
    expect(r.code, r.err.join('\n')).toBe(0)
    expect(r.out[0]).toBe('One 16x16 frame (0.0 MB), 20 passes:')
    expect(r.out[1]).toMatch(/^step\s+median ms\s+min ms\s+GB\/s\s+stands for$/)
    expect(r.out).toHaveLength(2 + 9)
    for (const bad of ['1920', '0x10', '9000x10', 'axb']) {
      const refused = await runCli(['bench', '--frames', '--size', bad])
      expect(refused.code, bad).toBe(2)
      expect(refused.err.join('\n')).toContain('expected WIDTHxHEIGHT')
    }
    const none = await runCli(['bench'])
    expect(none.code).toBe(2)
    expect(none.err.join('\n')).toContain('missing IN.fbs (or --frames)')
  })
})
