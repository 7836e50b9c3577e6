// Starts a libvncserver server with TightVNC 1.3 file transfer (tight-ft-server.c) on 127.0.0.1.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './vnc-servers'

const SOURCE = path.join(import.meta.dirname, 'tight-ft-server.c')

/** gcc and libvncserver's headers (Debian: gcc, libvncserver-dev; .ci/run installs them). */
export function tightFtServerAvailable(): boolean {
  return existsSync('/usr/include/rfb/rfb.h') && spawnSync('gcc', ['--version']).status === 0
}

/** Compiles the server once per source version into the temp folder; returns the binary. */
function build(): string {
  const source = readFileSync(SOURCE)
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12)
  const dir = path.join(os.tmpdir(), 'tessera-test-bin')
  const bin = path.join(dir, `tight-ft-server-${hash}`)
  if (existsSync(bin)) return bin
  mkdirSync(dir, { recursive: true })
  const part = `${bin}.${process.pid}`
  const res = spawnSync('gcc', ['-O1', '-Wall', '-o', part, SOURCE, '-lvncserver'], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`gcc failed building tight-ft-server: ${res.stderr}`)
  renameSync(part, bin)
  return bin
}

export interface TightFtServer {
  host: '127.0.0.1'
  port: number
  pid: number
  /** The server's output (libvncserver logs every file request). */
  log(): string
  stop(): Promise<void>
}

/** Starts the server serving `root` as its file-transfer root ("/"); stop it with `stop()` (by PID). */
export async function startTightFtServer(root: string): Promise<TightFtServer> {
  const bin = build()
  const port = await freePort()
  const logFile = path.join(root, '..', `tight-ft-server-${port}.log`)
  const fd = openSync(logFile, 'w')
  const child: ChildProcess = spawn(bin, ['-rfbport', String(port), '-listen', '127.0.0.1', '-ftproot', root], { stdio: ['ignore', fd, fd] })
  closeSync(fd)
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
  const deadline = Date.now() + 10_000
  while (!/^PORT=\d+/m.test(log())) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`tight-ft-server exited early:\n${log()}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`tight-ft-server did not start listening within 10 s:\n${log()}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const pid = child.pid!
  return {
    host: '127.0.0.1',
    port,
    pid,
    log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      process.kill(pid, 'SIGTERM')
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
