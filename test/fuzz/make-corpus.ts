// Records the fuzz corpus (test/fuzz/corpus/*.fbs) from the real servers of test/helpers/vnc-servers.ts:
//   node --import ./test/fuzz/register.mjs test/fuzz/make-corpus.ts
// Small screens and a few full updates each keep the files small; every encoding a server
// really sends is covered in at least one pixel format.
import { mkdirSync, statSync } from 'node:fs'
import { Encoding } from '@shared/encodings'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import type { PixelFormatName } from '../../src/main/rfb/pixel-format'
import { FbsRecorder } from '../../src/main/rfb/record/recorder'
import { type RunningServer, type ServerKind, serverAvailable, startServer } from '../helpers/vnc-servers'

interface Recipe {
  encodings: number[]
  pf: PixelFormatName
  quality?: number
}

const RECIPES: Record<ServerKind, Recipe[]> = {
  tigervnc: [
    { encodings: [Encoding.Tight], pf: 'rgb888' },
    { encodings: [Encoding.Tight], pf: 'rgb888', quality: 5 },
    { encodings: [Encoding.Tight], pf: 'rgb565' },
    { encodings: [Encoding.ZRLE], pf: 'rgb888' },
    { encodings: [Encoding.ZRLE], pf: 'bgr233' },
    { encodings: [Encoding.Hextile], pf: 'rgb565' },
    { encodings: [Encoding.RRE], pf: 'rgb888be' },
  ],
  x11vnc: [
    { encodings: [Encoding.ZYWRLE], pf: 'rgb888' },
    { encodings: [Encoding.ZYWRLE], pf: 'rgb565', quality: 3 },
    { encodings: [Encoding.CoRRE], pf: 'rgb888' },
    { encodings: [Encoding.Zlib], pf: 'rgb565' },
    { encodings: [Encoding.Tight], pf: 'bgr233' },
    { encodings: [Encoding.Raw], pf: 'bgr233' },
  ],
  tightvnc: [
    { encodings: [Encoding.Tight], pf: 'rgb888', quality: 7 },
    { encodings: [Encoding.Hextile], pf: 'rgb888' },
    { encodings: [Encoding.Zlib], pf: 'bgr233' },
  ],
  qemu: [
    { encodings: [Encoding.TightPNG], pf: 'rgb888' },
    { encodings: [Encoding.ZRLE], pf: 'rgb565' },
  ],
}

async function record(server: RunningServer, recipe: Recipe, file: string): Promise<void> {
  const recorder = new FbsRecorder(file)
  try {
    const { client, info } = await connectRfb(
      { host: server.host, port: server.port },
      {
        sink: new FramebufferSink(decodeImageNode),
        encodings: recipe.encodings,
        pixelFormat: recipe.pf,
        quality: recipe.quality,
        autoUpdate: false,
        tap: (c) => recorder.tap(c),
        connectTimeoutMs: 10_000,
        handshakeTimeoutMs: 10_000,
      },
    )
    recorder.connected(info)
    // Servers differ in what answers a request: TigerVNC sends pseudo-rects first and the pixels
    // on the next request, QEMU wants full requests. Ask incrementally, and in full after a quiet
    // moment, until some update carried pixels.
    let painted = 0
    let quiet: NodeJS.Timeout | undefined
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(resolve, 8000)
      const nudge = (): void => {
        clearTimeout(quiet)
        quiet = setTimeout(() => {
          client.requestUpdate(false)
          nudge()
        }, 700)
      }
      client.on('close', (e) => (e ? reject(e) : resolve()))
      client.on('update', (u) => {
        if (u.pixels > 0) painted++
        if (painted >= 2) {
          clearTimeout(deadline)
          resolve()
          return
        }
        client.requestUpdate(true)
        nudge()
      })
      nudge()
    })
    clearTimeout(quiet)
    client.close()
  } finally {
    recorder.close()
  }
}

const dir = new URL('./corpus/', import.meta.url).pathname
mkdirSync(dir, { recursive: true })
for (const [kind, recipes] of Object.entries(RECIPES) as [ServerKind, Recipe[]][]) {
  if (!serverAvailable(kind)) {
    process.stdout.write(`${kind}: not installed, skipped\n`)
    continue
  }
  const server = await startServer(kind, { content: 'static', width: 200, height: 120 })
  // SeaBIOS needs a moment to draw its screen (QEMU ignores the size).
  if (kind === 'qemu') await new Promise((r) => setTimeout(r, 1500))
  try {
    for (const r of recipes) {
      const name = `${kind}-${r.encodings.map((e) => (e === Encoding.TightPNG ? 'tightpng' : String(e))).join('-')}-${r.pf}${r.quality !== undefined ? `-q${r.quality}` : ''}.fbs`
      await record(server, r, `${dir}${name}`)
      process.stdout.write(`${name}: ${statSync(`${dir}${name}`).size} bytes\n`)
    }
  } finally {
    await server.stop()
  }
}
