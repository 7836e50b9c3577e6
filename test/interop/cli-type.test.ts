import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli-in-process'
import { spawnCli } from '../helpers/spawn-cli'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

// Needs Debian's tigervnc-standalone-server and xterm.
describe.skipIf(!serverAvailable('tigervnc'))('tessera type into a real xterm on Xvnc (issue 18)', () => {
  let server: RunningServer
  let xterm: ChildProcess
  let dir: string
  let out: string
  const received = (): string => (existsSync(out) ? readFileSync(out, 'utf8') : '')

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-type-'))
    out = join(dir, 'typed.txt')
    server = await startServer('tigervnc', { width: 800, height: 600 })
    // No window manager: keyboard focus follows the pointer, and the xterm fills the screen under it.
    xterm = server.spawnClient('env', ['LC_ALL=C.UTF-8', 'xterm', '-u8', '-geometry', '100x40+0+0', '-e', 'sh', '-c', `stty -echo; cat > ${out}`])
    await until('xterm started', () => existsSync(out))
    await new Promise((r) => setTimeout(r, 500))
  }, 60_000)

  afterAll(async () => {
    xterm?.kill()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const target = (): string => `127.0.0.1::${server.port}`

  /** `tessera type TARGET -` from source with `input` on its standard input. */
  function typeFromStdin(input: string): Promise<number | null> {
    const root = join(import.meta.dirname, '..', '..')
    const child = spawn(
      process.execPath,
      ['--import', join(root, 'test/helpers/cli-register.mjs'), join(root, 'test/helpers/run-cli.ts'), 'type', target(), '-'],
      {
        cwd: root,
        stdio: ['pipe', 'ignore', 'inherit'],
      },
    )
    child.stdin.end(input)
    return new Promise((resolve) => child.on('exit', (code) => resolve(code)))
  }

  it('types the argument, then a file, then standard input, byte for byte', async () => {
    const first = 'Hello, "World"! $HOME & (a|b) <c>; naïve café €5 ~`^_{}[]\\@#%\n'
    const arg = await spawnCli(['type', target(), first, '--delay-ms', '2'])
    expect(arg.stderr).toBe('')
    expect(arg.status).toBe(0)
    expect(arg.stdout).toBe(`typed ${[...first].length} characters\n`)
    await until('the first line in the xterm', () => received() === first)

    const file = join(dir, 'text.txt')
    writeFileSync(file, 'From a file:\tTAB\n')
    const fromFile = await spawnCli(['type', target(), '--file', file, '--delay-ms', '2'])
    expect(fromFile.status).toBe(0)
    await until('the file’s line', () => received() === `${first}From a file:\tTAB\n`)

    expect(await typeFromStdin('piped in\n')).toBe(0)
    await until('the piped line', () => received() === `${first}From a file:\tTAB\npiped in\n`)

    // Xvnc takes QEMU extended key events: --layout presses US keys (scancodes) instead of keysyms.
    const keys = await spawnCli(['type', target(), 'Keys: A-z!?\n', '--layout', 'us', '--delay-ms', '2'])
    expect(keys.stdout).toBe('typed 12 characters as US keys (scancodes)\n')
    await until('the scancode line', () => received().endsWith('piped in\nKeys: A-z!?\n'))
  }, 60_000)

  it('refuses a control character before sending anything (exit 7), and bad arguments (exit 2)', async () => {
    const before = received()
    const bell = await spawnCli(['type', target(), 'ab\u0007cd'])
    expect(bell.status).toBe(7)
    expect(bell.stderr).toMatch(/nothing was typed: .*cannot type 1 of these characters: U\+0007/)
    await new Promise((r) => setTimeout(r, 500))
    expect(received()).toBe(before)

    const euro = await spawnCli(['type', target(), 'x€', '--layout', 'us'])
    expect(euro.status).toBe(7)
    expect(euro.stderr).toMatch(/the US layout cannot type 1 of these characters: € \(U\+20AC\)/)
    await new Promise((r) => setTimeout(r, 500))
    expect(received()).toBe(before)

    // Wrong command lines fail before connecting (in process: no child needed).
    expect((await runCli(['type', target()])).code).toBe(2)
    expect((await runCli(['type', target(), 'x', '--layout', 'xx'])).err.join('\n')).toMatch(/--layout must be one of us, uk, de, fr/)
    expect((await runCli(['type', target(), 'x', '--delay-ms', '5000'])).code).toBe(2)
    expect((await runCli(['type', target(), 'x', '--file', 'f'])).code).toBe(2)
    const missing = await runCli(['type', target(), '--file', join(dir, 'nope.txt')])
    expect(missing.code).toBe(9)
    expect(missing.err.join('\n')).toMatch(/cannot read the text file/)
  }, 60_000)
})
