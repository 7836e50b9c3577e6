import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type DecodedImage, FramebufferSink, type ImageDecoder } from '../../../src/main/rfb/framebuffer'
import { decodeJpeg, decodeJpegWasm, jpegBackend } from '../../../src/main/rfb/images/jpeg-decoder'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import { encodeJpeg } from '../../helpers/images'

const root = join(import.meta.dirname, '..', '..', '..')
const prebuild = join(root, 'node_modules', '@julusian', 'jpeg-turbo', 'prebuilds', `jpeg-turbo-${process.platform}-${process.arch}`)

/** The Tight JPEG rects TigerVNC sent in the fixture recording (a real server's encoder). */
async function recordedJpegRects(): Promise<{ data: Uint8Array; w: number; h: number }[]> {
  const rects: { data: Uint8Array; w: number; h: number }[] = []
  const collect: ImageDecoder = (kind, data, w, h): DecodedImage => {
    if (kind === 'jpeg') rects.push({ data: data.slice(), w, h })
    return { width: 0, height: 0, rgba: new Uint8Array(0) }
  }
  await replayRecording(readFileSync(join(root, 'test', 'fixtures', 'recordings', 'tigervnc-tight-jpeg.fbs')), new FramebufferSink(collect))
  return rects
}

describe('JPEG decoding in Node: native libjpeg-turbo with the WebAssembly build as fallback', () => {
  afterEach(() => {
    vi.doUnmock('node:module')
    vi.unstubAllEnvs()
    vi.resetModules()
  })

  it.runIf(existsSync(prebuild) && process.platform === 'linux' && process.arch === 'x64')(
    'loads the native binding where its package ships a prebuild (linux-x64, Node 24)',
    () => {
      expect(jpegBackend()).toBe('native')
    },
  )

  it('decodes recorded Tight JPEG rects to nearly the picture the WebAssembly build decodes (the fast IDCT moves a level or so)', async () => {
    const rects = await recordedJpegRects()
    expect(rects.length).toBeGreaterThan(3)
    let sum = 0
    let n = 0
    for (const r of rects) {
      const a = decodeJpeg(r.data, r.w, r.h)
      const b = decodeJpegWasm(r.data, r.w, r.h)
      expect(a.length).toBe(r.w * r.h * 4)
      for (let i = 0; i < a.length; i++) {
        if ((i & 3) === 3) {
          if (a[i] !== 255) expect.fail(`alpha ${a[i]} at byte ${i} of a ${r.w}x${r.h} rect`)
        } else {
          sum += Math.abs(a[i] - b[i])
          n++
        }
      }
    }
    // Measured 1.14 on this recording (text at TigerVNC's quality level 6).
    expect(sum / n).toBeLessThan(2)
  })

  it('stays as close to the original desktop as the WebAssembly build at quality 80', async () => {
    const fb = new FramebufferSink(null)
    await replayRecording(readFileSync(join(root, 'test', 'fixtures', 'recordings', 'tigervnc-hextile.fbs')), fb)
    const jpeg = encodeJpeg(fb.width, fb.height, fb.data, 80)
    const error = (rgba: Uint8Array): number => {
      let sum = 0
      for (let i = 0; i < rgba.length; i++) if ((i & 3) !== 3) sum += Math.abs(rgba[i] - fb.data[i])
      return sum / ((rgba.length / 4) * 3)
    }
    // Measured 3.89 (native) against 3.81 (WebAssembly) levels; at quality 95, 1.76 against 1.27.
    expect(error(decodeJpeg(jpeg, fb.width, fb.height))).toBeLessThan(error(decodeJpegWasm(jpeg, fb.width, fb.height)) * 1.1)
  })

  it('refuses an image larger than the rect without writing past it', async () => {
    const [r] = await recordedJpegRects()
    expect(() => decodeJpeg(r.data, r.w - 1, r.h)).toThrow()
  })

  it('falls back to WebAssembly when TESSERA_JPEG=wasm', async () => {
    vi.stubEnv('TESSERA_JPEG', 'wasm')
    vi.resetModules()
    const mod = await import('../../../src/main/rfb/images/jpeg-decoder')
    const native = await import('../../../src/main/rfb/images/jpeg-native')
    expect(mod.jpegBackend()).toBe('wasm')
    expect(native.nativeJpegFailure()).toMatch(/TESSERA_JPEG=wasm/)
    const [r] = await recordedJpegRects()
    expect(mod.decodeJpeg(r.data, r.w, r.h)).toEqual(decodeJpegWasm(r.data, r.w, r.h))
  })

  it('falls back to WebAssembly, without throwing, when the binding cannot be loaded', async () => {
    vi.doMock('node:module', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:module')>()
      const createRequire = (from: string | URL): NodeJS.Require => {
        const req = real.createRequire(from)
        const broken = ((id: string) => {
          if (id === '@julusian/jpeg-turbo') throw new Error('libturbojpeg.so.0: cannot open shared object file: No such file or directory')
          return req(id)
        }) as NodeJS.Require
        return Object.assign(broken, { resolve: req.resolve })
      }
      return { ...real, createRequire, default: { ...real, createRequire } }
    })
    vi.resetModules()
    const mod = await import('../../../src/main/rfb/images/jpeg-decoder')
    const native = await import('../../../src/main/rfb/images/jpeg-native')
    expect(mod.jpegBackend()).toBe('wasm')
    expect(native.nativeJpegFailure()).toMatch(/cannot open shared object/)
    const [r] = await recordedJpegRects()
    expect(mod.decodeJpeg(r.data, r.w, r.h)).toEqual(decodeJpegWasm(r.data, r.w, r.h))
  })
})
