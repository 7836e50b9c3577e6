import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { type WebServer, startWebServer } from '../../../src/main/web/server'
import { type SocketLike, WsHost } from '../../../src/renderer/src/host/ws-host'
import { benchReportText, figureWords, measureFrames } from '../../../src/renderer/src/lib/frame-bench-client'
import { BENCH_COPY_STEPS, BENCH_HEIGHT, BENCH_ID_PREFIX, BENCH_WIDTH, benchFrameCount } from '../../../src/shared/frame-bench'
import type { FrameBatch } from '../../../src/shared/ops'
import { socketProtocols } from '../../../src/shared/web-auth'

// "Measure performance…" over browser mode's real transport: the real host and web server, the
// page's own WsHost (through the `ws` package) and the page's side of the run (measureFrames).

let work: string
let host: Host
let web: WebServer
const pages: WsHost[] = []

async function start(ackTimeoutMs = 5_000): Promise<void> {
  work = mkdtempSync(join(tmpdir(), 'tessera-bench-'))
  mkdirSync(join(work, 'renderer'))
  writeFileSync(join(work, 'renderer', 'index.html'), '<!doctype html>')
  host = (await createHost({ dataDir: join(work, 'data'), decodeImage: null, log: () => {}, timings: { ackTimeoutMs } })).host
  web = await startWebServer({ host, rendererDir: join(work, 'renderer'), token: 'T0ken-for-tests', log: () => {} })
}

function openPage(): WsHost {
  const page = new WsHost({
    url: `ws://127.0.0.1:${web.port}/ws`,
    protocols: socketProtocols(web.token),
    createSocket: (url, protocols) => new WebSocket(url, protocols, { headers: { Origin: `http://127.0.0.1:${web.port}` } }) as unknown as SocketLike,
  })
  pages.push(page)
  return page
}

beforeEach(() => {
  work = ''
})

afterEach(async () => {
  for (const p of pages.splice(0)) p.close()
  await web?.close()
  await host?.shutdown()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('measuring frames to a browser-mode page', () => {
  it('times full 1080p frames to the page and back, painted and not, and the copies in the host', async () => {
    await start()
    const page = openPage()
    const passes = 3
    const seen: number[] = []
    const canvas = new Uint8ClampedArray(BENCH_WIDTH * BENCH_HEIGHT * 4)
    const report = await measureFrames(
      page,
      (b: FrameBatch) => {
        seen.push(b.seq)
        canvas.set(b.pixels.subarray(0, canvas.length))
      },
      passes,
    )
    expect(report).not.toBeNull()
    const r = report!
    expect([r.width, r.height, r.frameBytes, r.passes]).toEqual([1920, 1080, 1920 * 1080 * 4, passes])
    for (const f of [r.received, r.painted, ...r.copies]) {
      expect(f.medianMs).toBeGreaterThan(0)
      expect(f.minMs).toBeGreaterThan(0)
      expect(f.minMs).toBeLessThanOrEqual(f.medianMs)
      expect(f.mbPerSec).toBeGreaterThan(0)
    }
    expect(r.copies.map((c) => c.step)).toEqual([...BENCH_COPY_STEPS])
    // The painted half of the run (its warm-up frame too) went through the painter, whole frames of noise.
    expect(seen).toEqual([4, 5, 6, 7])
    expect(canvas.subarray(0, 64).some((v) => v !== 0 && v !== 255)).toBe(true)
    // Plain words for the bug report, every figure in it.
    const text = benchReportText(r, 'websocket', new Date(0), 'test agent')
    expect(text).toContain('browser (WebSocket)')
    expect(text).toContain(`Picture reaches this window: typical ${figureWords(r.received).median} ms`)
    expect(text.split('\n')).toHaveLength(7 + BENCH_COPY_STEPS.length)
  }, 60_000)

  it('runs one measurement at a time, and another window can cancel only its own', async () => {
    await start()
    const first = openPage()
    const second = openPage()
    // The first page holds each frame until told: the run stays on its first frame.
    let release: (() => void) | null = null
    const stop = first.on('session.frame', (b) => {
      if (b.sessionId.startsWith(BENCH_ID_PREFIX)) release = () => void first.request('bench.ack', { runId: b.sessionId, seq: b.seq })
    })
    const running = first.request('bench.run', { passes: 2 })
    await until(() => release !== null)
    await expect(second.request('bench.run', { passes: 2 })).rejects.toMatchObject({ code: 'HOST_BENCH_BUSY' })
    await second.request('bench.cancel', undefined)
    release!()
    // Still running: the first frame's ack moved it on; its owner cancels it.
    await first.request('bench.cancel', undefined)
    await expect(running).resolves.toBeNull()
    stop()
    // A cancelled run leaves the host free for the next.
    const again = await measureFrames(second, () => {}, 1)
    expect(again?.received.medianMs).toBeGreaterThan(0)
  }, 60_000)

  it('stops the run in the host when the page gives up waiting for it (its own request timeout)', async () => {
    await start()
    const page = openPage()
    // The page's bench.run fails on its side (as WsHost's request timeout does) while the host still runs.
    const api = {
      on: page.on.bind(page),
      request: ((name, arg) => {
        const sent = page.request(name, arg)
        if (name !== 'bench.run') return sent
        sent.catch(() => {})
        return Promise.reject(Object.assign(new Error('no answer'), { code: 'HOST_TIMEOUT' }))
      }) as WsHost['request'],
    } as unknown as WsHost
    await expect(measureFrames(api, () => {}, 2)).rejects.toMatchObject({ code: 'HOST_TIMEOUT' })
    // No page acks that run's frames any more: unless it was stopped, it holds the host for the whole ack timeout.
    const other = openPage()
    const again = await measureFrames(other, () => {}, 1)
    expect(again?.passes).toBe(1)
  }, 60_000)

  it('gives up on a page that does not answer, in words the page can show', async () => {
    await start(50)
    const page = openPage()
    const frames: number[] = []
    page.on('session.frame', (b) => frames.push(b.seq))
    await expect(page.request('bench.run', { passes: 2 })).rejects.toMatchObject({ code: 'HOST_BENCH_NO_ANSWER', kind: 'timeout' })
    expect(frames).toEqual([0])
  }, 30_000)

  it('checks every argument before use', async () => {
    await start()
    const page = openPage()
    await expect(page.request('bench.run', { passes: 0 })).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    await expect(page.request('bench.run', { passes: 1000 })).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    await expect(page.request('bench.ack', { runId: 'a-session-id', seq: 0 })).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    await expect(page.request('bench.ack', { runId: `${BENCH_ID_PREFIX}x`, seq: benchFrameCount(100) })).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    // An ack for no run is harmless: ignored.
    await expect(page.request('bench.ack', { runId: `${BENCH_ID_PREFIX}x`, seq: 1 })).resolves.toBeUndefined()
  })
})

async function until(test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}
