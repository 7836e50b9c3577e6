import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RENDERER_URL, rendererFile, rendererResponse, serveRenderer } from '../../../src/main/shell/app-protocol'
import { SHELL_CSP } from '../../../src/main/shell/window-options'

// app://tessera/ serves out/renderer: a real folder here, with a secret file beside it that no
// URL may reach.
let work = ''
let root = ''

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tessera-app-protocol-'))
  root = join(work, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tessera</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {}')
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(root, 'assets', 'font.woff2'), 'w')
  writeFileSync(join(root, 'assets', 'blob.xyz'), 'x')
  writeFileSync(join(root, '.env'), 'SECRET=1')
  writeFileSync(join(work, 'secret.txt'), 'not for the page')
  mkdirSync(join(work, 'renderer-evil'))
  writeFileSync(join(work, 'renderer-evil', 'x.js'), 'evil')
})

afterAll(() => rmSync(work, { recursive: true, force: true }))

const get = (url: string, method = 'GET'): Promise<Response> => rendererResponse(root, { url, method })

describe('app://tessera/', () => {
  it('loads index.html for the window, and for /', async () => {
    expect(RENDERER_URL).toBe('app://tessera/index.html')
    for (const url of [RENDERER_URL, 'app://tessera/', 'app://tessera', 'app://TESSERA/index.html']) {
      const r = await get(url)
      expect(r.status, url).toBe(200)
      expect(await r.text()).toBe('<!doctype html><title>Tessera</title>')
    }
  })

  it('sends each file with its MIME type, nosniff and the shell CSP', async () => {
    const types: Record<string, string> = {
      'index.html': 'text/html; charset=utf-8',
      'assets/index-abc.js': 'text/javascript; charset=utf-8',
      'assets/index-abc.css': 'text/css; charset=utf-8',
      'assets/font.woff2': 'font/woff2',
      'assets/blob.xyz': 'application/octet-stream',
    }
    for (const [path, type] of Object.entries(types)) {
      const r = await get(`app://tessera/${path}?v=1#x`)
      expect(r.status, path).toBe(200)
      expect(r.headers.get('content-type'), path).toBe(type)
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(r.headers.get('content-security-policy')).toBe(SHELL_CSP)
    }
  })

  it('refuses path traversal, encoded or not, dot-files, other hosts and schemes with a plain 404', async () => {
    const refused = [
      'app://tessera/../secret.txt',
      'app://tessera/assets/../../secret.txt',
      'app://tessera/%2e%2e/secret.txt',
      'app://tessera/%2E%2E%2Fsecret.txt',
      'app://tessera/assets%2f..%2f..%2fsecret.txt',
      'app://tessera/..%5csecret.txt',
      'app://tessera/assets%5c..%5c..%5csecret.txt',
      'app://tessera/..%2f..%2f..%2fetc%2fpasswd',
      'app://tessera/%2fetc%2fpasswd',
      'app://tessera/../renderer-evil/x.js',
      'app://tessera/%2e%2e/renderer-evil/x.js',
      'app://tessera/.env',
      'app://tessera/assets/%00.js',
      'app://tessera/%E0%A4%A',
      'app://evil/index.html',
      'file:///etc/passwd',
      'https://tessera/index.html',
      'app://tessera/missing.js',
      'app://tessera/assets',
      'app://tessera/assets/',
    ]
    for (const url of refused) {
      const r = await get(url)
      expect(r.status, url).toBe(404)
      expect(await r.text(), url).toBe('')
    }
    // The pure resolver never names a file outside the folder either.
    for (const url of refused) {
      const file = rendererFile(root, url)
      if (file !== null) expect(file.startsWith(`${root}/`), `${url} -> ${file}`).toBe(true)
    }
  })

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(RENDERER_URL, 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await get(RENDERER_URL, 'POST')).status).toBe(405)
  })

  it('is served from the folder given, through protocol.handle', async () => {
    const handlers = new Map<string, (r: Request) => Promise<Response>>()
    serveRenderer({ handle: (scheme, h) => handlers.set(scheme, h) }, root)
    expect([...handlers.keys()]).toEqual(['app'])
    expect(await (await handlers.get('app')!(new Request('app://tessera/assets/index-abc.js'))).text()).toBe('export {}')
  })
})
