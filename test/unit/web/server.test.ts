import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { type WebServer, resolveStatic, startWebServer } from '../../../src/main/web/server'
import type { FrameBatch } from '../../../src/shared/ops'
import { SESSION_PATH, socketProtocols } from '../../../src/shared/web-auth'
import { FetchedBlob, PIXELS_CREDENTIAL_HEADER, PIXELS_PATH, type ServerMessage, decodeServerMessage, encodeClientMessage } from '../../../src/shared/ws-codec'
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
function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: web.port, path, method, headers }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const origin = (): string => `http://127.0.0.1:${web.port}`

/** Opens a socket offering `protocols`; resolves with it, or rejects with the HTTP status of a refused upgrade. */
function connect(protocols: string[], headers: Record<string, string> = { Origin: origin() }, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws${query}`, protocols, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

/** A socket with an inbox of decoded server messages. */
async function client(fetchesPixels = false): Promise<{
  ws: WebSocket
  inbox: ServerMessage[]
  call(name: string, arg?: unknown): Promise<ServerMessage>
  next(test: (m: ServerMessage) => boolean): Promise<ServerMessage>
}> {
  const ws = await connect(socketProtocols(web.token), { Origin: origin() }, fetchesPixels ? '?pixels=fetch' : '')
  const inbox: ServerMessage[] = []
  const waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = []
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const m = decodeServerMessage(isBinary ? new Uint8Array(data) : data.toString(), undefined, fetchesPixels)
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
  it('serves the public page with a strict CSP and sets no cookie (cookies ignore ports)', async () => {
    const page = await get('/')
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
    expect(page.headers['set-cookie']).toBeUndefined()
    expect(page.body).not.toContain(web.token)
    const js = await get('/assets/app.js')
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.body).toBe('export {}')
  })

  it('refuses path traversal, encoded or not, and dot-files', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%5c..%5csecret.txt',
      '/.env',
      '/assets/%00app.js',
      '/%E0%A4%A',
    ]) {
      const r = await get(path)
      expect(r.status, path).toBe(404)
      expect(r.body).not.toContain('outside the root')
    }
    expect((await get('/nope.js')).status).toBe(404)
  })

  it('refuses other methods and foreign Host headers (DNS rebinding)', async () => {
    expect((await get('/', {}, 'POST')).status).toBe(405)
    expect((await get('/', { Host: `evil.example:${web.port}` })).status).toBe(403)
    expect((await get('/', { Host: `localhost:${web.port}` })).status).toBe(200)
    const code = launchCode()
    const rebound = await get(SESSION_PATH, { Host: `evil.example:${web.port}`, Origin: `http://evil.example:${web.port}` }, 'POST', JSON.stringify({ code }))
    expect(rebound.status).toBe(403)
    expect(rebound.body).not.toContain(web.token)
  })

  it('resolveStatic keeps every path inside the root', async () => {
    expect(await resolveStatic(root, '/')).toBe(join(root, 'index.html'))
    expect(await resolveStatic(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'))
    expect(await resolveStatic(root, '/assets')).toBeNull()
    expect(await resolveStatic(root, '/..%2fsecret.txt')).toBeNull()
    expect(await resolveStatic(root, '//etc/passwd')).toBeNull()
  })
})

/** The launch code in a fresh launch address. */
function launchCode(): string {
  const url = new URL(web.launchUrl())
  expect(url.search).toBe('')
  return new URLSearchParams(url.hash.slice(1)).get('code') ?? ''
}

/** POSTs to the exchange endpoint as the page would (same Origin, JSON). */
async function exchange(body: unknown, headers: Record<string, string> = { Origin: origin() }): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await get(SESSION_PATH, { 'Content-Type': 'application/json', ...headers }, 'POST', typeof body === 'string' ? body : JSON.stringify(body))
  expect(r.headers['set-cookie']).toBeUndefined()
  expect(r.headers['cache-control']).toBe('no-store')
  return { status: r.status, json: JSON.parse(r.body) as Record<string, unknown> }
}

describe('browser-mode launch codes', () => {
  it('puts a fresh code in each launch address, never the credential', () => {
    const a = web.launchUrl()
    const b = web.launchUrl()
    expect(a).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${web.port}/#code=[\\w-]{22}$`))
    expect(a).not.toBe(b)
    expect(a).not.toContain(web.token)
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/`)
  })

  it('exchanges a code for the credential exactly once', async () => {
    const code = launchCode()
    expect(await exchange({ code })).toEqual({ status: 200, json: { credential: web.token } })
    expect(await exchange({ code })).toEqual({ status: 403, json: { error: 'WEB_LINK_USED' } })
  })

  it('refuses unknown codes, and a code that has expired', async () => {
    expect(await exchange({ code: 'made-up-code-made-up-c' })).toEqual({ status: 403, json: { error: 'WEB_LINK_USED' } })
    const quick = await startWebServer({ host, rendererDir: root, launchCodeTtlMs: 50, log: () => {} })
    try {
      const code = new URLSearchParams(new URL(quick.launchUrl()).hash.slice(1)).get('code')
      await new Promise((r) => setTimeout(r, 120))
      const res = await fetch(`http://127.0.0.1:${quick.port}${SESSION_PATH}`, {
        method: 'POST',
        headers: { Origin: `http://127.0.0.1:${quick.port}` },
        body: JSON.stringify({ code }),
      })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual({ error: 'WEB_LINK_USED' })
    } finally {
      await quick.close()
    }
  })

  it('answers a page that holds the credential, and tells a stale one its run ended', async () => {
    expect(await exchange({ credential: web.token })).toEqual({ status: 200, json: { credential: web.token } })
    expect(await exchange({ credential: 'from-an-earlier-run' })).toEqual({ status: 403, json: { error: 'WEB_SESSION_ENDED' } })
  })

  it("refuses an exchange without this page's Origin, and malformed or oversized bodies", async () => {
    const code = launchCode()
    expect((await exchange({ code }, {})).status).toBe(403)
    expect((await exchange({ code }, { Origin: `http://127.0.0.1:${web.port + 1}` })).status).toBe(403)
    expect((await exchange({ code }, { Origin: 'http://evil.example' })).status).toBe(403)
    // The refused attempts did not spend it.
    expect((await exchange({ code })).status).toBe(200)
    expect((await exchange('not json')).status).toBe(400)
    expect((await exchange([1])).status).toBe(400)
    expect((await exchange({ code: 'x'.repeat(2000) })).status).toBe(400)
    expect((await get(SESSION_PATH)).status).toBe(405)
  })

  it('refuses an exchange body that is not exactly a code or a credential, without spending a code', async () => {
    const code = launchCode()
    for (const body of [
      {},
      null,
      { code: 42 },
      { credential: ['T0ken-for-tests'] },
      { code, extra: 1 },
      { code, credential: web.token },
      { credential: 'x'.repeat(300) },
    ]) {
      expect(await exchange(body)).toEqual({ status: 400, json: { error: 'WEB_LINK_MISSING' } })
    }
    expect(await exchange({ code })).toEqual({ status: 200, json: { credential: web.token } })
  })
})

describe('browser-mode WebSocket', () => {
  it('requires the credential in a subprotocol, and never echoes it', async () => {
    await expect(connect([])).rejects.toThrow('HTTP 401')
    await expect(connect(['tessera.v1'])).rejects.toThrow('HTTP 401')
    await expect(connect(socketProtocols('nope'))).rejects.toThrow('HTTP 401')
    // The old ways in are closed: the credential in the query, or as a cookie.
    await expect(connect(['tessera.v1'], { Origin: origin() }, `?token=${web.token}`)).rejects.toThrow('HTTP 401')
    await expect(connect(['tessera.v1'], { Origin: origin(), Cookie: `tessera_token_${web.port}=${web.token}` })).rejects.toThrow('HTTP 401')
    // A launch code is not a credential.
    await expect(connect(socketProtocols(launchCode()))).rejects.toThrow('HTTP 401')
    const ws = await connect(socketProtocols(web.token))
    expect(ws.protocol).toBe('tessera.v1')
    ws.close()
    // Offered first, the credential is still not the protocol the server picks (ws's default would be).
    const reversed = await connect([...socketProtocols(web.token)].reverse())
    expect(reversed.protocol).toBe('tessera.v1')
    reversed.close()
  })

  it('refuses a foreign Origin even with the credential', async () => {
    await expect(connect(socketProtocols(web.token), { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
    await expect(connect(socketProtocols(web.token), { Origin: `http://localhost:${web.port + 1}` })).rejects.toThrow('HTTP 403')
  })

  it('refuses other paths', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${web.port}/other`, socketProtocols(web.token))
        ws.once('open', resolve)
        ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      }),
    ).rejects.toThrow('HTTP 404')
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
      // Another page neither sees its events nor drives it; both see the address book and the sessions list change.
      await b.next((m) => m.type === 'event' && m.name === 'profiles.changed')
      await b.next((m) => m.type === 'event' && m.name === 'sessions.changed')
      expect(b.inbox.some((m) => m.type === 'event' && m.name.startsWith('session.'))).toBe(false)
      expect(await b.call('session.key', { sessionId, keysym: 65, down: true })).toMatchObject({ error: { code: 'HOST_UNKNOWN_SESSION' } })
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
    const frame = (seq: number): FrameBatch => ({
      sessionId: undefined as unknown as string,
      seq,
      ops: Int32Array.of(3, 0, 0, 1920, 1080, 0, 0, 0),
      pixels: new Uint8Array(size).fill(seq),
      images: new Uint8Array(0),
    })
    const got = (seq: number): Promise<ServerMessage> =>
      a.next((m) => m.type === 'event' && m.name === 'session.frame' && (m.payload as FrameBatch).seq === seq)
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
      expect(
        p.pixels.every((v) => v === seq),
        `frame ${seq} holds only its own bytes`,
      ).toBe(true)
    }
    a.ws.close()
  })

  it('offers large plain pixels for one authenticated fetch to a page that asks for that, small ones stay in the frame', async () => {
    const a = await client(true)
    const size = 1920 * 1080 * 4
    const frame = (seq: number, bytes: number): FrameBatch => ({
      sessionId: undefined as unknown as string,
      seq,
      ops: Int32Array.of(3, 0, 0, 1920, bytes / 7680, 0, 0, 0),
      // Noise: pixel runs give up, the pixels go plain.
      pixels: Uint8Array.from({ length: bytes }, (_, i) => (i * 2654435761) >>> 24),
      images: new Uint8Array(0),
    })
    const sent = frame(1, size)
    host.emit('session.frame', sent)
    host.emit('session.frame', frame(2, 7680 * 8))
    const got = async (seq: number): Promise<FrameBatch> =>
      ((await a.next((m) => m.type === 'event' && m.name === 'session.frame' && (m.payload as FrameBatch).seq === seq)) as { payload: FrameBatch }).payload
    const offered = (await got(1)).pixels as unknown as FetchedBlob
    expect(offered).toBeInstanceOf(FetchedBlob)
    expect(offered.length).toBe(size)
    expect((await got(2)).pixels).toHaveLength(7680 * 8)
    const fetchPixels = (ticket: string, credential?: string): Promise<{ status: number; body: Buffer }> =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = credential ? { [PIXELS_CREDENTIAL_HEADER]: credential } : {}
        const req = httpRequest({ host: '127.0.0.1', port: web.port, path: `${PIXELS_PATH}?t=${ticket}`, headers }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
        })
        req.on('error', reject)
        req.end()
      })
    // The ticket alone is not enough, nor a wrong credential; neither spends it.
    expect((await fetchPixels(offered.ticket)).status).toBe(403)
    expect((await fetchPixels(offered.ticket, 'wrong')).status).toBe(403)
    const fetched = await fetchPixels(offered.ticket, web.token)
    expect(fetched.status).toBe(200)
    expect(fetched.body.equals(Buffer.from(sent.pixels))).toBe(true)
    // Once only, and unknown tickets get nothing.
    expect((await fetchPixels(offered.ticket, web.token)).status).toBe(404)
    expect((await fetchPixels('A'.repeat(24), web.token)).status).toBe(404)
    // A socket that did not ask gets the pixels in the frame; a closed socket's offers are gone.
    const b = await client()
    host.emit('session.frame', frame(3, size))
    host.emit('session.frame', frame(4, size))
    expect(
      (await b.next((m) => m.type === 'event' && m.name === 'session.frame' && (m.payload as FrameBatch).seq === 3)) as { payload: FrameBatch },
    ).toMatchObject({
      payload: { pixels: expect.any(Uint8Array) },
    })
    const left = (await got(4)).pixels as unknown as FetchedBlob
    a.ws.close()
    await new Promise((r) => a.ws.once('close', r))
    await vi.waitFor(async () => expect((await fetchPixels(left.ticket, web.token)).status).toBe(404))
    b.ws.close()
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
