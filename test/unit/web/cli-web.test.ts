import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/index'
import { openInBrowser } from '../../../src/main/cli/open-browser'
import { type WebRun, startWeb, webCommand } from '../../../src/main/cli/web'
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
    expect(out.join('\n')).toMatch(/^ {2}web +serve the viewer to a local browser/m)
    out.length = 0
    expect(await main(['web', '--help'], (l) => out.push(l))).toBe(0)
    expect(out.join('\n')).toMatch(/--port N .*--data-dir DIR .*--no-open /s)
    expect(
      await main(
        ['web', 'extra'],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(2)
    expect(
      await main(
        ['web', '--port', '70000'],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(2)
    expect(
      await main(
        ['web', '--bogus'],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(2)
    expect(err.join('\n')).toContain('unknown option --bogus')
  })

  it('starts on 127.0.0.1 with an address that holds no secret, reports store problems, and stops cleanly', async () => {
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>')
    const data = join(dir, 'data')
    mkdirSync(data)
    writeFileSync(join(data, 'connections.json'), 'garbage')
    const run = await startWeb({ rendererDir: renderer, dataDir: data })
    try {
      expect(run.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      expect(run.server.launchUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#code=[\w-]{22}$/)
      expect(run.problems[0]).toContain('damaged')
      const res = await fetch(run.server.url)
      expect(res.status).toBe(200)
    } finally {
      await run.stop()
    }
    await expect(fetch(run.server.url)).rejects.toThrow()
  })

  it('opens the browser through a private file, prints a different one-time address, and mints more on Enter', async () => {
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>')
    const out: string[] = []
    const spawned: string[][] = []
    const input = new PassThrough()
    let stop = (): void => {}
    let run: WebRun | undefined
    let launchFile = ''
    const exited = webCommand(['--data-dir', join(dir, 'data')], (l) => out.push(l), {
      rendererDir: renderer,
      input,
      stopped: new Promise((done) => (stop = done)),
      started: (r) => (run = r),
      open: async (url) => {
        const file = await openInBrowser(url, { spawn: (c, a) => spawned.push([c, ...a]), platform: 'linux', tempDir: dir })
        launchFile = file.path
        return file
      },
    })
    await new Promise<void>((ok) => {
      const t = setInterval(() => run && (clearInterval(t), ok()), 10)
    })
    const server = run!.server
    const codeIn = (text: string): string => /#code=([\w-]+)/.exec(text)?.[1] ?? ''
    const printed = codeIn(out.join('\n'))
    const opened = codeIn(readFileSync(launchFile, 'utf8'))
    expect(spawned).toEqual([['xdg-open', launchFile]])
    expect(spawned.flat().join(' ')).not.toContain(opened)
    expect(printed).not.toBe('')
    expect(opened).not.toBe(printed)
    expect(out.join('\n')).not.toContain(server.token)
    expect(out).toContain(`Tessera is at ${server.url}`)
    const redeem = (code: string) =>
      fetch(`${server.url}session`, { method: 'POST', headers: { Origin: server.url.replace(/\/$/, '') }, body: JSON.stringify({ code }) }).then(
        (r) => r.status,
      )
    expect(await redeem(opened)).toBe(200)
    expect(await redeem(printed)).toBe(200)
    expect(await redeem(printed)).toBe(403)
    input.write('\n')
    await new Promise((r) => setTimeout(r, 20))
    const fresh = codeIn(out.at(-1) ?? '')
    expect(out.at(-1)).toMatch(/^New one-time address: /)
    expect(await redeem(fresh)).toBe(200)
    stop()
    expect(await exited).toBe(0)
    // The launch file goes with the server.
    expect(() => readFileSync(launchFile)).toThrow()
  })

  it('opens nothing with --no-open', async () => {
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>')
    const out: string[] = []
    let opened = 0
    await webCommand(['--no-open', '--data-dir', join(dir, 'data')], (l) => out.push(l), {
      rendererDir: renderer,
      input: null,
      stopped: Promise.resolve(),
      open: async () => {
        opened++
        return { path: '', remove: async () => {} }
      },
    })
    expect(opened).toBe(0)
    expect(out.join('\n')).toMatch(/#code=[\w-]{22}/)
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
