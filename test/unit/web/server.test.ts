import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { type WebServer, resolveStatic, startWebServer } from '../../../src/main/web/server'
import type { FrameBatch } from '../../../src/shared/ops'
import { type ServerMessage, decodeServerMessage, encodeClientMessage } from '../../../src/shared/ws-codec'
import { MiniServer } from '../host/mini-server'

let work: string
let root: string
let host: Host
let web: WebServer

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-web-'))
  root = join(work, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>')
  writeFileSync(join(root, 'assets', 'app.js'), 'export {}')
  writeFileSync(join(root, '.env'), 'SECRET=1')
  writeFileSync(join(work, 'secret.txt'), 'outside the root')
  host = (await createHost({ dataDir: join(work, 'data'), decodeImage: null, log: () => {} })).host
  web = await startWebServer({ host, rendererDir: root, token: 'T0ken-for-tests', log: () => {} })
})

afterEach(async () => {
  await web.close()
  await host.shutdown()
  rmSync(work, { recursive: true, force: true })
})

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A raw HTTP request: the path goes out exactly as given (no client-side normalisation). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: web.port, path, method, headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const origin = (): string => `http://127.0.0.1:${web.port}`

/** Opens a socket; resolves with it, or rejects with the HTTP status of a refused upgrade. */
function connect(query: string, headers: Record<string, string> = { Origin: origin() }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws${query}`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

/** A socket with an inbox of decoded server messages. */
async function client(): Promise<{ ws: WebSocket; inbox: ServerMessage[]; call(name: string, arg?: unknown): Promise<ServerMessage>; next(test: (m: ServerMessage) => boolean): Promise<ServerMessage> }> {
  const ws = await connect(`?token=${web.token}`)
  const inbox: ServerMessage[] = []
  const waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = []
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const m = decodeServerMessage(isBinary ? new Uint8Array(data) : data.toString())
    inbox.push(m)
    for (const w of waiters.splice(0)) {
      if (w.test(m)) w.resolve(m)
      else waiters.push(w)
    }
  })
  let id = 0
  const next = (test: (m: ServerMessage) => boolean): Promise<ServerMessage> => {
    const seen = inbox.find(test)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve) => waiters.push({ test, resolve }))
  }
  return {
    ws,
    inbox,
    next,
    call(name, arg) {
      const myId = ++id
      ws.send(encodeClientMessage({ type: 'request', id: myId, name: name as never, arg }))
      return next((m) => m.type === 'response' && m.id === myId)
    },
  }
}

describe('browser-mode HTTP', () => {
  it('serves the page only with the token, with a strict CSP, and sets the token cookie', async () => {
    expect((await get('/')).status).toBe(403)
    expect((await get('/?token=wrong')).status).toBe(403)
    const page = await get(`/?token=${web.token}`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<!doctype html>')
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-eval')
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(String(page.headers['set-cookie'])).toBe(`tessera_token_${web.port}=T0ken-for-tests; HttpOnly; SameSite=Strict; Path=/`)
  })

  it('serves assets to the page that holds the cookie', async () => {
    expect((await get('/assets/app.js')).status).toBe(403)
    const js = await get('/assets/app.js', { Cookie: `tessera_token_${web.port}=${web.token}` })
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.body).toBe('export {}')
  })

  it('refuses path traversal, encoded or not, and dot-files', async () => {
    const auth = { Cookie: `tessera_token_${web.port}=${web.token}` }
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%5c..%5csecret.txt', '/.env', '/assets/%00app.js', '/%E0%A4%A']) {
      const r = await get(path, auth)
      expect(r.status, path).toBe(404)
      expect(r.body).not.toContain('outside the root')
    }
    expect((await get('/nope.js', auth)).status).toBe(404)
  })

  it('refuses other methods and foreign Host headers (DNS rebinding)', async () => {
    expect((await get(`/?token=${web.token}`, {}, 'POST')).status).toBe(405)
    expect((await get(`/?token=${web.token}`, { Host: `evil.example:${web.port}` })).status).toBe(403)
    expect((await get(`/?token=${web.token}`, { Host: `localhost:${web.port}` })).status).toBe(200)
  })

  it('resolveStatic keeps every path inside the root', async () => {
    expect(await resolveStatic(root, '/')).toBe(join(root, 'index.html'))
    expect(await resolveStatic(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'))
    expect(await resolveStatic(root, '/assets')).toBeNull()
    expect(await resolveStatic(root, '/..%2fsecret.txt')).toBeNull()
    expect(await resolveStatic(root, '//etc/passwd')).toBeNull()
  })
})

describe('browser-mode WebSocket', () => {
  it('requires the token', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401')
    await expect(connect('?token=nope')).rejects.toThrow('HTTP 401')
    const ws = await connect('', { Origin: origin(), Cookie: `tessera_token_${web.port}=${web.token}` })
    ws.close()
  })

  it('refuses a foreign Origin even with the token', async () => {
    await expect(connect(`?token=${web.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
    await expect(connect(`?token=${web.token}`, { Origin: `http://localhost:${web.port + 1}` })).rejects.toThrow('HTTP 403')
  })

  it('refuses other paths', async () => {
    await expect(new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/other?token=${web.token}`)
      ws.once('open', resolve)
      ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    })).rejects.toThrow('HTTP 404')
  })

  it('carries requests, responses and refusals', async () => {
    const c = await client()
    expect(await c.call('profiles.list')).toEqual({ type: 'response', id: 1, result: [] })
    const bad = await c.call('session.key', { sessionId: 'x', keysym: 'A', down: true })
    expect(bad).toMatchObject({ type: 'response', id: 2, error: { kind: 'protocol', code: 'HOST_INVALID_REQUEST' } })
    const unknown = await c.call('fs.readFile', { path: '/etc/passwd' })
    expect(unknown).toMatchObject({ error: { code: 'HOST_UNKNOWN_REQUEST' } })
    c.ws.close()
  })

  it('closes a socket that sends garbage', async () => {
    const c = await client()
    const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)))
    c.ws.send('{not json')
    expect(await closed).toBe(1008)
  })

  it('streams session frames as binary messages to the socket that opened the session only', async () => {
    const vnc = await new MiniServer({ width: 8, height: 2, colour: [1, 2, 3] }).start()
    try {
      const a = await client()
      const b = await client()
      const opened = await a.call('session.open', { address: `127.0.0.1::${vnc.port}` })
      const sessionId = (opened as { result: { sessionId: string } }).result.sessionId
      const frame = (await a.next((m) => m.type === 'event' && m.name === 'session.frame')) as { payload: FrameBatch }
      expect(frame.payload.sessionId).toBe(sessionId)
      expect(frame.payload.ops).toBeInstanceOf(Int32Array)
      expect(frame.payload.pixels.length).toBe(8 * 2 * 4)
      expect([...frame.payload.pixels.subarray(0, 4)]).toEqual([1, 2, 3, 255])
      expect(await a.call('session.ack', { sessionId, seq: frame.payload.seq })).toMatchObject({ result: undefined })
      // Another page neither sees nor drives it; both see the address book change.
      await b.next((m) => m.type === 'event' && m.name === 'profiles.changed')
      expect(b.inbox.some((m) => m.type === 'event' && m.name.startsWith('session.'))).toBe(false)
      expect(await b.call('session.close', { sessionId })).toMatchObject({ error: { code: 'HOST_UNKNOWN_SESSION' } })
      // The session ends with its socket.
      a.ws.close()
      await expect.poll(() => host.sessionIds()).toEqual([])
      b.ws.close()
    } finally {
      await vnc.stop()
    }
  })

  it('large frames sent back to back each arrive intact (their memory is reused only once written)', async () => {
    const a = await client()
    const size = 1920 * 1080 * 4
    const frame = (seq: number): FrameBatch => ({ sessionId: undefined as unknown as string, seq, ops: Int32Array.of(3, 0, 0, 1920, 1080, 0, 0, 0), pixels: new Uint8Array(size).fill(seq), images: new Uint8Array(0) })
    const got = (seq: number): Promise<ServerMessage> => a.next((m) => m.type === 'event' && m.name === 'session.frame' && (m.payload as FrameBatch).seq === seq)
    // Three at once: the later ones are encoded while the first is still on its way.
    for (const seq of [1, 2, 3]) host.emit('session.frame', frame(seq))
    for (const seq of [1, 2, 3]) await got(seq)
    // And more after those were written, into the pool's memory, one a little larger.
    host.emit('session.frame', frame(4))
    host.emit('session.frame', { ...frame(5), pixels: new Uint8Array(size + 4096).fill(5) })
    for (const seq of [4, 5]) await got(seq)
    for (const seq of [1, 2, 3, 4, 5]) {
      const p = ((await got(seq)) as { payload: FrameBatch }).payload
      expect(p.pixels.length).toBe(seq === 5 ? size + 4096 : size)
      expect(p.pixels.every((v) => v === seq), `frame ${seq} holds only its own bytes`).toBe(true)
    }
    a.ws.close()
  })

  it('close() ends sockets and their sessions and stops listening', async () => {
    const vnc = await new MiniServer().start()
    try {
      const a = await client()
      const closed = new Promise<number>((r) => a.ws.once('close', (code) => r(code)))
      await a.call('session.open', { address: `127.0.0.1::${vnc.port}` })
      await a.next((m) => m.type === 'event' && m.name === 'session.state' && (m.payload as { state: string }).state === 'connected')
      await web.close()
      expect(await closed).toBe(1001)
      expect(host.sessionIds()).toEqual([])
      await expect(get('/')).rejects.toThrow(/ECONNREFUSED/)
    } finally {
      await vnc.stop()
    }
  })
})
