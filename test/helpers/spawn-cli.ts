// Runs the real `tessera` CLI in a child process, from source (no build needed), and collects
// what it printed and its exit status: for tests of exit codes and of what reaches the terminal.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')

/** What a finished CLI process left behind. */
export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/** Options for {@link spawnCli}. */
export interface SpawnCliOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Called with each chunk of output, e.g. to wait for a line before acting. */
  onOutput?: (text: string) => void
  /** Kill the process after this long (default 60 s) so a hanging CLI fails the test, not the run. */
  timeoutMs?: number
}

/** `tessera ARGS...` from source: `node --import test/helpers/cli-register.mjs test/helpers/run-cli.ts ARGS...`. */
export function spawnCli(args: readonly string[], opts: SpawnCliOptions = {}): Promise<CliRun> {
  return spawnNode([join(ROOT, 'test', 'helpers', 'run-cli.ts'), ...args], ['--import', join(ROOT, 'test', 'helpers', 'cli-register.mjs')], opts)
}

/** `node SCRIPT ARGS...` (e.g. bin/tessera.cjs) with the same collection as {@link spawnCli}. */
export function spawnNode(args: readonly string[], nodeFlags: readonly string[] = [], opts: SpawnCliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      opts.onOutput?.(stdout)
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}
