/**
 * `node bench/run.mjs request-ahead`: asking for the next update as one starts
 * (UpdateFlow.requestAhead) against asking at its end, engine only: an RfbClient decoding into the
 * CLI's framebuffer (which never holds an update's end), connected to a replay server on the
 * viewers streams with an emulated round trip (ReplayServerOptions.rttMs) in a child process
 * (wall/farm.ts: in this one, the server would read the early request only once our decoding
 * let the event loop go, and nothing would overlap). The two ways alternate in each round on the
 * same server; "end" is the same framebuffer with an update hook, which makes the engine ask at
 * the end (FramebufferSink.canRequestAhead). Updates per second, wall ms per update, median
 * latency (UpdateStats.latencyMs).
 *
 * BENCH_STREAMS (desktop-typing,desktop-layouts,motion-raw), BENCH_RTT_MS (0,20: a list),
 * BENCH_SECONDS (4 per row, after 1 s), BENCH_ROUNDS (2).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { Encoding } from '@shared/encodings'
import { connectRfb } from '../src/main/rfb/connect'
import { FramebufferSink } from '../src/main/rfb/framebuffer'
import { STREAMS, streamFile } from './viewers/streams'
import { startFarm } from './wall/farm'

export { serveFarm } from './wall/farm'

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1] ?? NaN
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

type Way = 'ahead' | 'end'

/** One row: `seconds` of updates after a second of warm-up. */
async function row(port: number, encoding: number, way: Way, seconds: number): Promise<{ perSecond: number; latencyMs: number }> {
  const sink = new FramebufferSink()
  if (way === 'end') sink.onUpdate = () => undefined
  const { client } = await connectRfb({ host: '127.0.0.1', port }, { sink, encodings: [encoding] })
  try {
    await sleep(1000)
    const latencies: number[] = []
    const count = (u: { latencyMs: number }): number => latencies.push(u.latencyMs)
    client.on('update', count)
    const t0 = performance.now()
    await sleep(seconds * 1000)
    client.off('update', count)
    return { perSecond: latencies.length / ((performance.now() - t0) / 1000), latencyMs: median(latencies) }
  } finally {
    client.close()
  }
}

export async function main(root: string): Promise<number> {
  const outDir = join(root, 'out', 'bench')
  if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true })
  const wanted = process.env.BENCH_STREAMS?.split(',') ?? ['desktop-typing', 'desktop-layouts', 'motion-raw']
  const rtts = (process.env.BENCH_RTT_MS ?? '0,20').split(',').map(Number)
  const seconds = Number(process.env.BENCH_SECONDS ?? 4)
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2)
  const lines: string[] = []
  for (const s of STREAMS.filter((x) => wanted.includes(x.name))) {
    const file = await streamFile(outDir, s)
    const encoding = s.encoding === 'raw' ? Encoding.Raw : Encoding.Hextile
    for (const rttMs of rtts) {
      const farm = await startFarm(import.meta.url, file, { count: 1, intervalMs: 0, idle: false, rttMs })
      try {
        for (let round = 1; round <= rounds; round++) {
          const ways: Way[] = round % 2 ? ['end', 'ahead'] : ['ahead', 'end']
          const got: Partial<Record<Way, { perSecond: number; latencyMs: number }>> = {}
          for (const way of ways) got[way] = await row(farm.ports[0], encoding, way, seconds)
          const e = got.end!
          const a = got.ahead!
          lines.push(
            `${s.name.padEnd(16)} rtt ${String(rttMs).padStart(3)} ms  round ${round}: end ${e.perSecond.toFixed(1)}/s (${(1000 / e.perSecond).toFixed(1)} ms, latency ${e.latencyMs.toFixed(1)}), ` +
              `ahead ${a.perSecond.toFixed(1)}/s (${(1000 / a.perSecond).toFixed(1)} ms, latency ${a.latencyMs.toFixed(1)}), ahead/end ${(a.perSecond / e.perSecond).toFixed(2)}; load ${loadavg()[0].toFixed(1)}`,
          )
          process.stderr.write(`${lines[lines.length - 1]}\n`)
        }
      } finally {
        await farm.stop()
      }
    }
  }
  process.stdout.write(`\nrequest ahead, engine only (FramebufferSink), ${seconds} s per row:\n${lines.join('\n')}\n`)
  return 0
}
