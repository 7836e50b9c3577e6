import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Encoding, encodingName } from '../../src/shared/encodings'
import { type Snapshot, takeSnapshot } from '../../src/main/cli/snapshot'
import type { PixelFormatName } from '../../src/main/rfb/pixel-format'
import { firstDifference, psnr } from '../helpers/compare'
import { type RunningServer, type ServerKind, serverAvailable, startServer } from '../helpers/vnc-servers'

/** An encoding as a server really sends it, with the pseudo-encodings that make it do so. */
interface Case {
  name: string
  encoding: number
  extra?: number[]
  /**
   * Formats in which the server may answer with Raw instead: libvncserver and TightVNC send Raw
   * when RRE would be larger, which the woven root pattern makes true at 16 and 8 bpp.
   */
  mayFallBack?: PixelFormatName[]
  /**
   * QEMU 7.2 writes Tight pixels in little-endian order even for a big-endian client (a server bug,
   * see docs/servers.md): its picture is then checked against exactly that mistake.
   */
  serverIgnoresBigEndian?: boolean
  /** Lossy cases are compared by PSNR against Raw (dB); lossless ones must match exactly. */
  minPsnr?: number
}

const quality = (level: number) => Encoding.QualityLevel0 + level
const LOSSLESS = (name: string, encoding: number): Case => ({ name, encoding })

/** What each server sends when asked (docs/servers.md, "What each server speaks"). */
const MATRIX: Record<ServerKind, Case[]> = {
  tigervnc: [
    LOSSLESS('RRE', Encoding.RRE),
    LOSSLESS('Hextile', Encoding.Hextile),
    LOSSLESS('Tight', Encoding.Tight),
    LOSSLESS('ZRLE', Encoding.ZRLE),
    { name: 'Tight JPEG q6', encoding: Encoding.Tight, extra: [quality(6)], minPsnr: 25 },
  ],
  x11vnc: [
    { name: 'RRE', encoding: Encoding.RRE, mayFallBack: ['rgb565', 'bgr233'] },
    LOSSLESS('CoRRE', Encoding.CoRRE),
    LOSSLESS('Hextile', Encoding.Hextile),
    LOSSLESS('Zlib', Encoding.Zlib),
    LOSSLESS('Tight', Encoding.Tight),
    LOSSLESS('ZRLE', Encoding.ZRLE),
    { name: 'ZYWRLE q5', encoding: Encoding.ZYWRLE, extra: [quality(5)], minPsnr: 22 },
  ],
  tightvnc: [
    { name: 'RRE', encoding: Encoding.RRE, mayFallBack: ['rgb565', 'bgr233'] },
    LOSSLESS('CoRRE', Encoding.CoRRE),
    LOSSLESS('Hextile', Encoding.Hextile),
    LOSSLESS('Zlib', Encoding.Zlib),
    LOSSLESS('Tight', Encoding.Tight),
    { name: 'Tight JPEG q6', encoding: Encoding.Tight, extra: [quality(6)], minPsnr: 25 },
  ],
  qemu: [
    LOSSLESS('Hextile', Encoding.Hextile),
    LOSSLESS('Zlib', Encoding.Zlib),
    { name: 'Tight', encoding: Encoding.Tight, serverIgnoresBigEndian: true },
    { name: 'TightPNG', encoding: Encoding.TightPNG, serverIgnoresBigEndian: true },
    LOSSLESS('ZRLE', Encoding.ZRLE),
  ],
}

const FORMATS: PixelFormatName[] = ['rgb888', 'rgb565', 'bgr233', 'rgb888be']

const JPEG_FORMATS = new Set<PixelFormatName>(['rgb888'])

for (const kind of Object.keys(MATRIX) as ServerKind[]) {
  // Each kind needs its Debian package (docs/servers.md); .ci/run installs all of them.
  describe.skipIf(!serverAvailable(kind))(`${kind} encodings`, () => {
    let server: RunningServer
    const raw = new Map<PixelFormatName, Snapshot>()
    const target = () => ({ host: server.host, port: server.port })

    beforeAll(async () => {
      server = await startServer(kind, { content: 'static' })
      for (const pf of FORMATS) raw.set(pf, await takeSnapshot(target(), { encodings: [Encoding.Raw], pixelFormat: pf }))
    })
    afterAll(async () => {
      await server?.stop()
    })

    for (const c of MATRIX[kind]) {
      for (const pf of FORMATS) {
        // Tight sends JPEG only for true colour at 16 bpp or more; test lossy cases in 32 bpp only.
        if (c.minPsnr !== undefined && !JPEG_FORMATS.has(pf)) continue
        if (c.serverIgnoresBigEndian && pf === 'rgb888be') {
          it(`${kind} ${c.name} ${pf}: the server sends little-endian pixels (its bug, decoded as sent)`, async () => {
            const snap = await takeSnapshot(target(), { encodings: [c.encoding], pixelFormat: pf })
            const le = raw.get('rgb888')!.framebuffer
            // Asked for r<<24|g<<16|b<<8 big-endian, the server writes the bytes of r,g,b in
            // little-endian order; read as asked, that is red 0, green b, blue g for every pixel.
            let mismatched = 0
            for (let i = 0; i < le.words.length; i++) {
              const w = le.words[i]
              const predicted = ((((w >>> 16) & 255) << 8) | (((w >>> 8) & 255) << 16) | 0xff000000) >>> 0
              if (snap.framebuffer.words[i] !== predicted) mismatched++
            }
            expect(mismatched).toBe(0)
          })
          continue
        }
        it(`${kind} ${c.name} ${pf} equals Raw${c.minPsnr ? ` within ${c.minPsnr} dB PSNR` : ' pixel for pixel'}`, async () => {
          const snap = await takeSnapshot(target(), { encodings: [c.encoding], extraEncodings: c.extra, pixelFormat: pf })
          // Proves the server really used the encoding under test, not a Raw fallback.
          if (!c.mayFallBack?.includes(pf)) expect([...snap.encodings].map(encodingName)).toContain(encodingName(c.encoding))
          const reference = raw.get(pf)!.framebuffer
          if (c.minPsnr === undefined) expect(firstDifference(reference, snap.framebuffer)).toBeNull()
          else expect(psnr(reference, snap.framebuffer)).toBeGreaterThan(c.minPsnr)
        })
      }
    }
  })
}
