import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ImageDecodePool, bundledDecodePool } from '../../../src/main/host/image-decode-pool'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { jpegDeclaring, pngBomb, progressiveJpeg } from '../../helpers/crafted-images'
import { encodeJpeg, smooth } from '../../helpers/images'

/** Runs `work` while a timer ticks every 5 ms; resolves to its result and the longest gap seen. */
async function withLoopWatch<T>(work: () => Promise<T>): Promise<{ result: T; maxGapMs: number; turns: number }> {
  let last = performance.now()
  let maxGapMs = 0
  let turns = 0
  const timer = setInterval(() => {
    const now = performance.now()
    maxGapMs = Math.max(maxGapMs, now - last)
    last = now
    turns++
  }, 5)
  try {
    const result = await work()
    return { result, maxGapMs, turns }
  } finally {
    clearInterval(timer)
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-pool-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A stand-in worker speaking the pool's protocol: answers 1x1 grey, or spins forever for 'png'. */
function fakeWorker(): string {
  const file = join(dir, 'fake-worker.cjs')
  writeFileSync(
    file,
    `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', (req) => {
  if (req.kind === 'png') for (;;) {}
  parentPort.postMessage({ id: req.id, rgba: new Uint8Array(req.width * req.height * 4).fill(req.data[0]) })
})`,
  )
  return file
}

describe('ImageDecodePool', () => {
  it('answers in order and stops a decode that runs too long, then starts a fresh worker', async () => {
    const pool = new ImageDecodePool(fakeWorker(), 300)
    try {
      const a = await pool.decode('jpeg', Uint8Array.of(7), 1, 1)
      expect(Array.from(a.rgba)).toEqual([7, 7, 7, 7])
      const started = performance.now()
      const hung = pool.decode('png', Uint8Array.of(1), 1, 1)
      const queued = pool.decode('jpeg', Uint8Array.of(2), 1, 1)
      await expect(hung).rejects.toMatchObject({ code: 'RFB_ERR_IMAGE', message: expect.stringMatching(/longer than 300 ms/) })
      await expect(queued).rejects.toMatchObject({ code: 'RFB_ERR_IMAGE' })
      expect(performance.now() - started).toBeLessThan(2000)
      expect((await pool.decode('jpeg', Uint8Array.of(9), 1, 1)).rgba[0]).toBe(9)
    } finally {
      pool.close()
    }
  })

  it('has no worker when the host runs from source', () => {
    expect(bundledDecodePool(null)).toBeNull()
    expect(bundledDecodePool(dir)).toBeNull()
  })
})

// The real worker exists once the app is built (npm run build), as for the e2e tests.
const built = resolve('out/main')
describe.skipIf(!existsSync(join(built, 'decode-worker.js')))('the bundled decode worker', () => {
  it('decodes exactly as in-thread decoding does', async () => {
    const pool = bundledDecodePool(join(built, 'chunks'))!
    try {
      const jpeg = encodeJpeg(48, 32, smooth(48, 32))
      const img = await pool.decode('jpeg', jpeg, 48, 32)
      expect(Buffer.from(img.rgba).equals(Buffer.from(decodeImageNode('jpeg', jpeg, 48, 32).rgba))).toBe(true)
    } finally {
      pool.close()
    }
  })

  it('refuses crafted images with RFB_ERR_IMAGE and keeps the event loop free during the worst decode', async () => {
    const pool = bundledDecodePool(built)!
    try {
      await expect(pool.decode('png', pngBomb(16, 16, 1 << 30), 16, 16)).rejects.toMatchObject({ code: 'RFB_ERR_IMAGE' })
      await expect(pool.decode('jpeg', jpegDeclaring(16, 16, 8192, 8192), 16, 16)).rejects.toMatchObject({ code: 'RFB_ERR_IMAGE' })
      // 16 scans, the most accepted, over 1920x1080: the costliest JPEG that fits the rect.
      const worst = progressiveJpeg(1920, 1080, 3)
      // The same decode in this thread stands the loop still for all of it: the yardstick, taken
      // under the same load as the worker's run.
      const inThreadStarted = performance.now()
      try {
        decodeImageNode('jpeg', worst, 1920, 1080)
      } catch {
        // Refused or not, the time it took is the point (the worker's run below ends the same way).
      }
      const inThread = performance.now() - inThreadStarted
      const started = performance.now()
      const { maxGapMs, turns } = await withLoopWatch(() => pool.decode('jpeg', worst, 1920, 1080).catch(() => null))
      const elapsed = performance.now() - started
      console.log(
        `worst JPEG: ${inThread.toFixed(0)} ms in-thread, ${elapsed.toFixed(0)} ms in the worker, ${turns} loop turns, longest gap ${maxGapMs.toFixed(1)} ms`,
      )
      // In-thread the loop would not turn at all while decoding. Gaps alone are no yardstick on two
      // loaded cores, where the scheduler alone takes a process away for 100 ms.
      expect(turns).toBeGreaterThanOrEqual(3)
      expect(maxGapMs).toBeLessThan(Math.max(elapsed * 0.8, inThread * 0.8))
    } finally {
      pool.close()
    }
  })
})
