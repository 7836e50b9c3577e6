import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Encoding } from '@shared/encodings'
import { afterAll, describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import type { PixelFormatName } from '../../src/main/rfb/pixel-format'
import type { ImageKind } from '../../src/main/rfb/sink'
import { completeScreen } from '../helpers/complete-screen'
import { photoXwd } from '../helpers/images'
import { serverAvailable, startServer, type RunningServer, type ServerKind } from '../helpers/vnc-servers'

// Tight on photo-like content from real servers, which is where they use the gradient filter
// (TightVNC) and, with a quality level, JPEG. The encodings suite covers the usual desktop.

const running: RunningServer[] = []
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tessera-tight-'))
afterAll(async () => {
  for (const s of running) await s.stop()
  rmSync(tmp, { recursive: true, force: true })
})

interface Shot {
  fb: FramebufferSink
  images: Record<ImageKind, number>
}

/** The whole screen with these encodings, counting the JPEG/PNG images the server sent. */
async function shot(port: number, encodings: number[], extraEncodings: number[], pixelFormat: PixelFormatName): Promise<Shot> {
  const images: Record<ImageKind, number> = { jpeg: 0, png: 0 }
  const fb = new FramebufferSink((kind, data, w, h) => {
    images[kind]++
    return decodeImageNode(kind, data, w, h)
  })
  await completeScreen(port, fb, { encodings, extraEncodings, pixelFormat })
  return { fb, images }
}

function meanDiff(a: FramebufferSink, b: FramebufferSink): number {
  let sum = 0
  for (let i = 0; i < a.data.length; i++) if ((i & 3) !== 3) sum += Math.abs(a.data[i] - b.data[i])
  return sum / (a.data.length * 0.75)
}

function expectSame(a: FramebufferSink, b: FramebufferSink, what: string): void {
  expect([b.width, b.height], what).toEqual([a.width, a.height])
  const at = a.data.findIndex((v, i) => v !== b.data[i])
  expect(at, `${what}: first differing byte`).toBe(-1)
}

const X_SERVERS: ServerKind[] = ['tigervnc', 'x11vnc', 'tightvnc']

describe.each(X_SERVERS)('Tight from %s on a photo', (kind) => {
  it.skipIf(!serverAvailable(kind))('is lossless without a quality level and sends JPEG with one', { timeout: 120_000 }, async () => {
    const s = await startServer(kind, { content: 'static' })
    running.push(s)
    const xwd = path.join(tmp, `${kind}.xwd`)
    writeFileSync(xwd, photoXwd(400, 300))
    s.spawnClient('xwud', ['-in', xwd, '-geometry', '+200+150'])
    await new Promise((r) => setTimeout(r, 1500))
    for (const pf of ['rgb888', 'rgb565'] as const) {
      const raw = await shot(s.port, [Encoding.Raw], [], pf)
      // TightVNC sends the photo with the gradient filter here, in rgb888 and in rgb565.
      const tight = await shot(s.port, [Encoding.Tight], [Encoding.CompressLevel9], pf)
      expectSame(raw.fb, tight.fb, `${kind} ${pf} Tight`)
      expect(tight.images.jpeg).toBe(0)
      const lossy = await shot(s.port, [Encoding.Tight], [Encoding.QualityLevel0 + 6], pf)
      expect(lossy.images.jpeg, `${kind} ${pf} JPEG rects`).toBeGreaterThan(0)
      expect(meanDiff(raw.fb, lossy.fb), `${kind} ${pf} JPEG mean error`).toBeLessThan(6)
    }
  })
})
