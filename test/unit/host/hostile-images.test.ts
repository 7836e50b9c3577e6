import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import type { HostEvents } from '../../../src/shared/contract'
import { jpegDeclaring, pngBomb } from '../../helpers/crafted-images'
import { imageUpdate, none38, scriptedServer, tightImage } from '../../helpers/server-script'

// The host with thumbnails decoded in-thread (its fallback, and the slowest case) against a
// scripted server on 127.0.0.1 that sends one hostile image.

let dir: string
let host: Host

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-host-'))
  host = (await createHost({ dataDir: dir, decodeImage: decodeImageNode, log: () => {}, timings: { statsIntervalMs: 50, thumbnailDelayMs: 60_000 } })).host
})

afterEach(async () => {
  await host.shutdown()
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

/** Opens a session on a server that sends `update`; resolves once `done` says so, with the longest event-loop gap. */
async function session(update: Uint8Array, done: (s: HostEvents['session.state'] | 'frame') => boolean, timeoutMs = 5000) {
  const srv = await scriptedServer(none38(16, 16), update)
  let last = performance.now()
  let maxGapMs = 0
  const tick = setInterval(() => {
    const now = performance.now()
    maxGapMs = Math.max(maxGapMs, now - last)
    last = now
  }, 5)
  const peak = process.resourceUsage().maxRSS
  try {
    const states: HostEvents['session.state'][] = []
    const finished = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not done within ${timeoutMs} ms; states ${states.map((s) => s.state).join(', ')}`)), timeoutMs)
      const check = (e: HostEvents['session.state'] | 'frame'): void => {
        if (!done(e)) return
        clearTimeout(timer)
        resolve()
      }
      host.on('session.state', (e) => (states.push(e), check(e)))
      host.on('session.frame', () => check('frame'))
    })
    await host.handle('session.open', { address: `127.0.0.1::${srv.port}` })
    await finished
    return { states, maxGapMs, peakGrowthKiB: process.resourceUsage().maxRSS - peak }
  } finally {
    clearInterval(tick)
    srv.close()
  }
}

describe('the host against hostile images', () => {
  it('ends the session with RFB_ERR_IMAGE on a JPEG declaring 8192x8192 in a 16x16 rect', async () => {
    const r = await session(imageUpdate(7, 16, 16, tightImage(0x90, jpegDeclaring(16, 16, 8192, 8192))), (e) => e !== 'frame' && e.state === 'closed')
    expect(r.states.at(-1)?.error).toMatchObject({ kind: 'protocol', code: 'RFB_ERR_IMAGE', message: expect.stringMatching(/8192x8192 in a 16x16 rect/) })
  })

  it('stays responsive and small on a 1 MB PNG declaring 16x16 that inflates to 1 GiB', async () => {
    const r = await session(imageUpdate(-260, 16, 16, tightImage(0xa0, pngBomb(16, 16, 1 << 30))), (e) => e === 'frame' || e.state === 'closed')
    console.log(`PNG bomb in the host: longest event-loop gap ${r.maxGapMs.toFixed(1)} ms, peak RSS +${(r.peakGrowthKiB / 1024).toFixed(1)} MiB`)
    // Before: the loop stood still for 5.4 s and the host grew by gigabytes.
    expect(r.maxGapMs).toBeLessThan(200)
    expect(r.peakGrowthKiB).toBeLessThan(64 * 1024)
  })
})
