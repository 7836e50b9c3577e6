import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/index'
import { startWeb } from '../../../src/main/cli/web'
import { defaultDataDir } from '../../../src/main/host/create-host'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-cli-web-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('tessera web', () => {
  it('is listed in the usage and refuses bad arguments', async () => {
    const out: string[] = []
    const err: string[] = []
    expect(await main(['--help'], (l) => out.push(l))).toBe(0)
    expect(out.join('\n')).toContain('web      [--port N] [--data-dir D] [--no-open]')
    expect(await main(['web', 'extra'], () => {}, (l) => err.push(l))).toBe(2)
    expect(await main(['web', '--port', '70000'], () => {}, (l) => err.push(l))).toBe(2)
    expect(await main(['web', '--bogus'], () => {}, (l) => err.push(l))).toBe(2)
    expect(err.join('\n')).toContain('unknown option --bogus')
  })

  it('starts on 127.0.0.1 with a token URL, reports store problems, and stops cleanly', async () => {
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>')
    const data = join(dir, 'data')
    mkdirSync(data)
    writeFileSync(join(data, 'connections.json'), 'garbage')
    const run = await startWeb({ rendererDir: renderer, dataDir: data })
    try {
      expect(run.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/)
      expect(run.problems[0]).toContain('damaged')
      const res = await fetch(run.server.url)
      expect(res.status).toBe(200)
    } finally {
      await run.stop()
    }
    await expect(fetch(run.server.url)).rejects.toThrow()
  })

  it('reports a damaged saved passwords file at start, and where it was kept', async () => {
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>')
    const data = join(dir, 'data')
    mkdirSync(data)
    writeFileSync(join(data, 'secrets.json'), '{"secrets":')
    const run = await startWeb({ rendererDir: renderer, dataDir: data })
    try {
      expect(run.problems).toEqual([expect.stringMatching(new RegExp(`saved passwords file is damaged .*kept as ${data}/secrets\\.json\\.corrupt-\\d+`))])
    } finally {
      await run.stop()
    }
  })

  it('lets go of the data folder when the server cannot start', async () => {
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>')
    const data = join(dir, 'data')
    const first = await startWeb({ rendererDir: renderer, dataDir: join(dir, 'other') })
    try {
      // The port is taken by the first server.
      await expect(startWeb({ rendererDir: renderer, dataDir: data, port: first.server.port })).rejects.toThrow(/EADDRINUSE/)
      const again = await startWeb({ rendererDir: renderer, dataDir: data })
      await again.stop()
    } finally {
      await first.stop()
    }
  })

  it('refuses to start without a built renderer', async () => {
    await expect(startWeb({ rendererDir: join(dir, 'none'), dataDir: join(dir, 'data') })).rejects.toThrow('npm run build')
  })

  it('keeps browser-mode data in a per-user folder by OS convention', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe('/x/config/Tessera/browser-mode')
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toContain('Tessera')
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library[\\/]Application Support[\\/]Tessera/)
  })
})
