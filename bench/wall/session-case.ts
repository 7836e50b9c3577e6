/**
 * One row of the per-session cost table, run in a fresh Node process (so its memory is that
 * row's alone): a host with `count` ordinary sessions to replay servers, each with a client that
 * acknowledges every frame at once (a renderer that costs nothing: what is measured is the
 * host: engine, decoders, frame batches), CPU and resident memory over a window.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClientEventName, ClientEvents } from '@shared/contract'
import { newProfile } from '@shared/profile'
import { createHost } from '../../src/main/host/create-host'

/** What one row measured. */
export interface SessionCaseResult {
  count: number
  /** Resident memory of the host process before any session and after the warm-up with them, MB. */
  rssBeforeMb: number
  rssMb: number
  /** Host CPU over the window, in cores (1 = one core busy all the time). */
  cpuCores: number
  /** Frames the sessions delivered per second, all together. */
  framesPerSecond: number
  connected: number
}

/** Child side: measures and prints one SessionCaseResult as JSON. */
export async function sessionCase(o: { ports: number[]; warmupMs: number; windowMs: number }): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-wall-bench-'))
  const { host, store } = await createHost({ dataDir, log: () => {}, keychain: null, timings: { thumbnailDelayMs: 600_000 } })
  for (const [i, port] of o.ports.entries()) await store.save(newProfile({ id: `s${i}`, name: `s${i}`, host: '127.0.0.1', port }))
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
  global.gc?.()
  await sleep(500)
  const rssBefore = process.memoryUsage().rss
  let frames = 0
  const connected = new Set<string>()
  const link = host.attach({
    deliver<K extends ClientEventName>(name: K, payload: ClientEvents[K]) {
      if (name === 'session.frame') {
        const batch = payload as ClientEvents['session.frame']
        frames++
        void link.request('session.ack', { sessionId: batch.sessionId, seq: batch.seq })
      } else if (name === 'session.state') {
        const s = payload as ClientEvents['session.state']
        if (s.state === 'connected') connected.add(s.sessionId)
        else connected.delete(s.sessionId)
      }
    },
  })
  for (let i = 0; i < o.ports.length; i++) {
    const reply = await link.request('session.open', { profileId: `s${i}` })
    if (!reply.ok) throw new Error(`session.open: ${reply.error.message}`)
  }
  await sleep(o.warmupMs)
  global.gc?.()
  const frames0 = frames
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await sleep(o.windowMs)
  const cpu = process.cpuUsage(cpu0)
  const seconds = (performance.now() - t0) / 1000
  const result: SessionCaseResult = {
    count: o.ports.length,
    rssBeforeMb: rssBefore / 2 ** 20,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
    framesPerSecond: (frames - frames0) / seconds,
    connected: connected.size,
  }
  link.detach()
  await host.shutdown()
  rmSync(dataDir, { recursive: true, force: true })
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}

/** Parent side: runs sessionCase from this bundle in a fresh Node process and returns its result. */
export function runSessionCase(bundle: string, o: { ports: number[]; warmupMs: number; windowMs: number }): Promise<SessionCaseResult> {
  const code = `import(${JSON.stringify(bundle)}).then((m) => m.sessionCase(${JSON.stringify(o)}))`
  const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')))
  return new Promise((ok, fail) =>
    child.once('exit', (status) => {
      try {
        if (status !== 0) throw new Error(`the session case exited with ${status}`)
        ok(JSON.parse(out.trim().split('\n').pop()!) as SessionCaseResult)
      } catch (e) {
        fail(e as Error)
      }
    }),
  )
}
