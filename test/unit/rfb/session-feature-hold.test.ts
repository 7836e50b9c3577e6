import { describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RfbClient } from '../../../src/main/rfb/session'
import { FakeTransport } from '../../helpers/fake-transport'
import { none38 } from '../../helpers/server-script'

describe('a feature holding the session reading (a download waiting for the disk)', () => {
  it('pauses the transport while held and resumes it once released, and reports no backlog without one', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false })
    const started = client.start(t)
    t.serve(none38(4, 3))
    await started
    expect(t.paused).toBe(false)
    client.holdReading(true)
    expect(t.paused).toBe(true)
    client.holdReading(false)
    expect(t.paused).toBe(false)
    expect(client.writeBacklog).toBe(0)
    client.close()
  })

  it.each([
    [true, 'connected'],
    [false, 'closed'],
  ])('held %s, a message left half-read does not count as a stalled server (state %s after the stall limit)', async (held, state) => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, stallTimeoutMs: 40 })
    const started = client.start(t)
    t.serve(none38(4, 3))
    await started
    client.holdReading(held)
    // The first half of a FramebufferUpdate header.
    t.serve(Uint8Array.of(0, 0))
    await new Promise((r) => setTimeout(r, 200))
    expect(client.state).toBe(state)
    client.close()
  })
})
