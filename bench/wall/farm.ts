/**
 * The replay servers of the wall bench, run in a child process of their own so their CPU is not
 * counted as the viewer's (`serveFarm` is called there by `startFarm`). The busy 1920x1080
 * Hextile recording (bench/synthetic.ts busyRecording) is made once and kept in out/bench.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { type ReplayServer, startReplayServer } from '../../test/helpers/replay-server'
import { loadReplayRecording } from '../../test/helpers/replay-updates'
import { busyRecording } from '../synthetic'

/** How the farm's servers behave. */
export interface FarmOptions {
  count: number
  /** Minimum ms between two updates of one server (0: answer each request at once). */
  intervalMs: number
  /** Nothing changes after the first frame. */
  idle: boolean
}

/** A running farm in its child process. */
export interface Farm {
  ports: number[]
  pid: number
  /** Updates sent by all its servers so far. */
  updates(): Promise<number>
  stop(): Promise<void>
}

/** The busy recording's file, made on first use (about 10 s of CPU). */
export function busyRecordingFile(outDir: string): string {
  const file = join(outDir, 'busy-hextile-1920x1080.fbs')
  if (!existsSync(file)) writeFileSync(file, busyRecording('hextile', 1920, 1080, 6))
  return file
}

/** Child side: starts the servers, prints their ports, answers "updates" lines, exits when stdin ends. */
export async function serveFarm(file: string, o: FarmOptions): Promise<void> {
  const recording = loadReplayRecording(readFileSync(file))
  const servers: ReplayServer[] = []
  for (let i = 0; i < o.count; i++) servers.push(await startReplayServer({ recording, intervalMs: o.intervalMs, idle: o.idle, log: () => {} }))
  process.stdout.write(`${JSON.stringify({ ports: servers.map((s) => s.port) })}\n`)
  const lines = createInterface({ input: process.stdin })
  lines.on('line', () => process.stdout.write(`${JSON.stringify({ updates: servers.reduce((n, s) => n + s.updatesSent, 0) })}\n`))
  lines.on('close', () => void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(0)))
}

/** Parent side: runs serveFarm from this bundle (`bundle`, the file URL of out/bench/wall.mjs) in a child. */
export async function startFarm(bundle: string, file: string, o: FarmOptions): Promise<Farm> {
  const code = `import(${JSON.stringify(bundle)}).then((m) => m.serveFarm(${JSON.stringify(file)}, ${JSON.stringify(o)}))`
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  const waiting: ((line: string) => void)[] = []
  lines.on('line', (l) => waiting.shift()?.(l))
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((ok, fail) => {
      const onExit = (): void => fail(new Error('the replay farm exited'))
      child.once('exit', onExit)
      waiting.push((l) => {
        child.off('exit', onExit)
        ok(JSON.parse(l) as Record<string, unknown>)
      })
    })
  const { ports } = (await next()) as { ports: number[] }
  return {
    ports,
    pid: child.pid!,
    async updates() {
      const reply = next()
      child.stdin!.write('updates\n')
      return (await reply).updates as number
    },
    async stop() {
      const gone = new Promise((r) => child.once('exit', r))
      child.stdin!.end()
      await gone
    },
  }
}
