import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli as runLines } from '../helpers/cli-in-process'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

/** Every file below `root` with its SHA-256, by relative path. */
function hashes(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const rel of readdirSync(root, { recursive: true }) as string[]) {
    const full = path.join(root, rel)
    if (statSync(full).isFile()) out[rel.split(path.sep).join('/')] = createHash('sha256').update(readFileSync(full)).digest('hex')
  }
  return out
}

/** One CLI run with its output lines joined. */
async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runLines(argv)
  return { code: r.code, out: r.out.join('\n'), err: r.err.join('\n') }
}

// x11vnc's UltraVNC file transfer shows / as drive C: with '\' between names.
const remote = (local: string): string => `C:${local.split('/').join('\\')}`

describe.skipIf(!serverAvailable('x11vnc'))('tessera files against x11vnc -ultrafilexfer', () => {
  let server: RunningServer
  let dir: string
  let target: string

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-ft-cli-'))
    mkdirSync(path.join(dir, 'remote', 'tree', 'sub'), { recursive: true })
    writeFileSync(path.join(dir, 'remote', 'tree', 'a.txt'), 'alpha\n')
    writeFileSync(path.join(dir, 'remote', 'tree', 'sub', 'b.bin'), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 13) & 0xff)))
    server = await startServer('x11vnc', { width: 320, height: 240, extraArgs: ['-ultrafilexfer'] })
    target = `127.0.0.1::${server.port}`
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('ls lists a folder', async () => {
    const r = await runCli(['files', target, 'ls', remote(path.join(dir, 'remote', 'tree'))])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/^- +6 +\d{4}-\d\d-\d\d \d\d:\d\d {2}a\.txt$/m)
    expect(r.out).toMatch(/^d +\d+ .* {2}sub$/m)
  }, 60_000)

  it('get copies a folder tree with the same bytes, and never overwrites without --overwrite', async () => {
    const into = path.join(dir, 'got')
    mkdirSync(into)
    const r = await runCli(['files', target, 'get', remote(path.join(dir, 'remote', 'tree')), into])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain('2 files, 200006 bytes')
    expect(hashes(path.join(into, 'tree'))).toEqual(hashes(path.join(dir, 'remote', 'tree')))

    writeFileSync(path.join(into, 'tree', 'a.txt'), 'mine')
    const again = await runCli(['files', target, 'get', remote(path.join(dir, 'remote', 'tree', 'a.txt')), path.join(into, 'tree')])
    expect(again.code).toBe(9)
    expect(again.err).toMatch(/a\.txt exists already .*--overwrite/)
    expect(readFileSync(path.join(into, 'tree', 'a.txt'), 'utf8')).toBe('mine')
    expect(readdirSync(path.join(into, 'tree')).sort()).toEqual(['a.txt', 'sub'])

    const forced = await runCli(['files', target, 'get', remote(path.join(dir, 'remote', 'tree', 'a.txt')), path.join(into, 'tree'), '--overwrite'])
    expect(forced.code, forced.err).toBe(0)
    expect(readFileSync(path.join(into, 'tree', 'a.txt'), 'utf8')).toBe('alpha\n')
  }, 60_000)

  it('put uploads a local folder tree into a remote folder', async () => {
    const local = path.join(dir, 'local', 'pack')
    mkdirSync(path.join(local, 'inner'), { recursive: true })
    writeFileSync(path.join(local, 'x.txt'), 'x marks\n')
    writeFileSync(path.join(local, 'inner', 'y.bin'), Buffer.alloc(123_457, 7))
    mkdirSync(path.join(dir, 'remote', 'inbox'))
    const r = await runCli(['files', target, 'put', local, remote(path.join(dir, 'remote', 'inbox'))])
    expect(r.code, r.err).toBe(0)
    expect(hashes(path.join(dir, 'remote', 'inbox', 'pack'))).toEqual(hashes(local))
    const again = await runCli(['files', target, 'put', local, remote(path.join(dir, 'remote', 'inbox'))])
    expect(again.code).toBe(9)
    expect(again.err).toMatch(/exists already/)
  }, 60_000)

  it('says when the server offers no file transfer (exit 7) and checks local paths before connecting (exit 9)', async () => {
    const plain = await startServer('x11vnc', { width: 320, height: 240 })
    try {
      const r = await runCli(['files', `127.0.0.1::${plain.port}`, 'ls'])
      expect(r.code).toBe(7)
      expect(r.err).toMatch(/offers no file transfer/)
    } finally {
      await plain.stop()
    }
    const missing = await runCli(['files', '127.0.0.1::1', 'get', 'C:\\x', path.join(dir, 'no-such-folder')])
    expect(missing.code).toBe(9)
    expect(missing.err).toMatch(/does not exist/)
  }, 60_000)
})
