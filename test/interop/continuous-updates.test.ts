import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Encoding } from '../../src/shared/encodings'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { RfbClient } from '../../src/main/rfb/session'
import { differenceBeyondPrecision, firstDifference } from '../helpers/compare'
import { PIXEL_FORMATS } from '../../src/main/rfb/pixel-format'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const RED = 0xff0000ff
const wordAt = (fb: FramebufferSink, x: number, y: number): number => new Uint32Array(fb.data.buffer)[y * fb.width + x]

// TigerVNC is the Debian server with ContinuousUpdates and Fence (x11vnc, TightVNC and QEMU have neither).
describe.skipIf(!serverAvailable('tigervnc'))('continuous updates against TigerVNC', () => {
  let server: RunningServer
  let client: RfbClient
  const fb = new FramebufferSink()
  const requests: string[] = []

  beforeAll(async () => {
    server = await startServer('tigervnc', { width: 640, height: 480, content: 'static' })
    const c = await connectRfb(
      { host: server.host, port: server.port },
      {
        sink: fb,
        encodings: [Encoding.Tight, Encoding.ZRLE, Encoding.Raw],
        trace: (dir, line) => dir === 'out' && line.startsWith('FramebufferUpdateRequest') && requests.push(line),
      },
    )
    client = c.client
  })
  afterAll(async () => {
    client?.close()
    await server?.stop()
  })

  it('turns them on after the first update and then gets changes without asking', async () => {
    await until('continuous updates', () => client.continuousUpdates)
    const asked = requests.length
    // A new window with a red background: pixels the server pushes by itself.
    server.spawnClient('xterm', ['-bg', '#ff0000', '-geometry', '20x5+400+300'])
    await until('the red window', () => wordAt(fb, 450, 330) === RED)
    expect(requests.length, 'no FramebufferUpdateRequest after continuous updates began').toBe(asked)
    expect(client.roundTripMs, 'a fence round trip was measured').toBeGreaterThan(0)
  })

  it('ends with the same picture as a Raw snapshot', async () => {
    await new Promise((r) => setTimeout(r, 500))
    const raw = await takeSnapshot({ host: server.host, port: server.port }, { encodings: [Encoding.Raw] })
    expect(firstDifference(raw.framebuffer, fb)).toBeNull()
  })

  it('switches pixel format mid-stream (stop, SetPixelFormat, restart) and keeps decoding right', async () => {
    client.setPixelFormat('rgb565')
    await until('rgb565 in use', () => client.info?.pixelFormat === PIXEL_FORMATS.rgb565)
    expect(client.continuousUpdates).toBe(true)
    // Pushed updates now come in 16 bpp: a new window must decode right.
    server.spawnClient('xterm', ['-bg', '#0000ff', '-geometry', '20x5+40+300'])
    await until('the blue window', () => wordAt(fb, 60, 330) === 0xffff0000)
    await new Promise((r) => setTimeout(r, 500))
    const ref = await takeSnapshot({ host: server.host, port: server.port }, { encodings: [Encoding.Raw] })
    // Areas pushed after the switch carry 16 bpp precision; the rest is still the 24 bpp picture.
    expect(differenceBeyondPrecision(ref.framebuffer, fb, PIXEL_FORMATS.rgb565)).toBeNull()
  })
})
