import { describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RfbClient, type RfbClientOptions } from '../../../src/main/rfb/session'
import { FakeTransport } from '../../helpers/fake-transport'
import { none38 } from '../../helpers/server-script'
import { lastSetEncodings, setEncodingsSent, tuningOf } from '../../helpers/set-encodings'

async function connected(options: Partial<RfbClientOptions> = {}): Promise<{ client: RfbClient; t: FakeTransport }> {
  const t = new FakeTransport()
  const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, ...options })
  const p = client.start(t)
  t.serve(none38(4, 3))
  await p
  return { client, t }
}

describe('fine JPEG quality and subsampling in SetEncodings', () => {
  it('announces them after the quality level and before the compression level, right after the pixel encodings', async () => {
    const { client, t } = await connected({ encodings: [7, 16, 0], quality: 6, fineQuality: 80, subsampling: '2x', compression: 2 })
    const encodings = lastSetEncodings(t.written)
    // QualityLevel6 is the level nearest fine quality 80 (TigerVNC: 79), and replaces the explicit 6.
    expect(encodings.slice(0, 7)).toEqual([7, 16, 0, -32 + 6, -512 + 80, -766, -256 + 2])
    client.close()
  })

  it('turns JPEG on for a fine quality without a level', async () => {
    const { client, t } = await connected({ fineQuality: 10, subsampling: 'gray' })
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([-32 + 0, -512 + 10, -765])
    client.close()
  })

  it('sends no JPEG pseudo-encoding without a level or fine quality, even with subsampling set', async () => {
    const { client, t } = await connected({ subsampling: 'gray', compression: 4 })
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([-256 + 4])
    client.close()
  })

  it('changes them mid-session, announcing only real changes', async () => {
    const { client, t } = await connected({ quality: 5 })
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([-32 + 5])
    client.setSubsampling('4x')
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([-32 + 5, -767])
    client.setFineQuality(95)
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([-32 + 8, -512 + 95, -767])
    const before = setEncodingsSent(t.written).length
    client.setFineQuality(95)
    client.setSubsampling('4x')
    expect(setEncodingsSent(t.written).length).toBe(before)
    client.setFineQuality(null)
    client.setSubsampling(null)
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([-32 + 5])
    client.setQuality(null)
    client.setSubsampling('gray')
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([])
    client.close()
  })

  it('does not let auto-select fight a fine quality: its level changes announce nothing while one is set', async () => {
    const { client, t } = await connected({ autoSelect: true, fineQuality: 50, subsampling: 'none' })
    // The fine quality's level (3), not AutoSelect's starting 8.
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([-32 + 3, -512 + 50, -768])
    const before = setEncodingsSent(t.written).length
    // What auto-select does after an update that changed its mind, lossless included.
    client.setQuality(3)
    client.setQuality(null)
    expect(setEncodingsSent(t.written).length).toBe(before)
    // Back to the level once the fine quality is cleared: auto-select's latest choice (lossless) rules.
    client.setFineQuality(null)
    expect(tuningOf(lastSetEncodings(t.written))).toEqual([])
    client.close()
  })

  it('refuses out-of-range values in options and setters', async () => {
    expect(() => new RfbClient({ sink: new FramebufferSink(), fineQuality: 101 })).toThrow(/fine JPEG quality must be a whole number from 0 to 100/)
    expect(() => new RfbClient({ sink: new FramebufferSink(), fineQuality: -1 })).toThrow(RangeError)
    expect(() => new RfbClient({ sink: new FramebufferSink(), subsampling: '3x' as never })).toThrow(/unknown JPEG subsampling "3x"/)
    const { client } = await connected()
    expect(() => client.setFineQuality(7.5)).toThrow(RangeError)
    expect(() => client.setSubsampling('420' as never)).toThrow(RangeError)
    client.close()
  })
})
