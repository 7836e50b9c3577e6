import { randomBytes, timingSafeEqual } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { type WebSocket, WebSocketServer } from 'ws'
import {
  FETCH_PIXELS_PARAM,
  type FrameAllocator,
  PIXELS_CREDENTIAL_HEADER,
  PIXELS_PATH,
  type PixelOffer,
  WS_PATH,
  type ServerMessage,
  WireError,
  decodeClientMessage,
  encodeServerMessage,
} from '@shared/ws-codec'
import { rendererCspHeader } from '@shared/csp'
import type { WebLinkErrorCode } from '@shared/error-codes'
import { LAUNCH_CODE_PARAM, SESSION_PATH, WS_PROTOCOL, credentialFromProtocols } from '@shared/web-auth'
import { type Infer, ValidationError, object, string, union } from '@shared/validate'
import { LaunchCodes } from './launch-codes'
import type { Host } from '../host/host'
import { MAX_SESSIONS } from '../host/session-budget'
import { contentTypeOf } from './content-types'
import { FramePacker } from './frame-packer'
import { MIN_OFFERED_BYTES, PixelOffers } from './pixel-offers'

export interface WebServerOptions {
  host: Host
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1: only this machine can reach the viewer. */
  bindAddress?: string
  /** The session credential a redeemed launch code yields. Default: 32 random bytes, base64url. */
  token?: string
  /** How long a launch code works (ms). */
  launchCodeTtlMs?: number
  log?: (message: string) => void
}

export interface WebServer {
  /** The page's address; it holds no secret and opens nothing by itself. */
  url: string
  /** The page's address with a fresh one-time launch code: works once, for a minute. */
  launchUrl(): string
  port: number
  /** The session credential (in this process only: never printed, never on a command line). */
  token: string
  /** Closes every WebSocket (ending their sessions) and stops listening. */
  close(): Promise<void>
}

/** The exchange's JSON body: a launch code or a credential, far below this. */
const MAX_SESSION_BODY_BYTES = 1024
// Launch codes and credentials are base64url of 16 and 32 bytes; anything far longer is not one of ours.
const MAX_SECRET_CHARS = 256

/** What a page may post to SESSION_PATH: its launch code, or the credential it already holds; nothing else. */
const exchangeBodySchema = union(object({ code: string({ max: MAX_SECRET_CHARS }) }), object({ credential: string({ max: MAX_SECRET_CHARS }) }))
/** Client messages are small; the largest is a clipboard of LIMITS.clipboard characters, JSON-escaped. */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024
/**
 * Authenticated sockets at once. Every browser tab holds one socket: a tab per session (up to
 * MAX_SESSIONS of them) plus a few address-book and live-wall pages. More than that is a runaway
 * page; the bound keeps what each socket costs here (its queue, its link) from growing without end.
 */
export const MAX_CLIENTS = MAX_SESSIONS + 8
/** WebSocket close code 1013, "Try Again Later": the socket was refused for load, not for its credentials. */
export const CLOSE_TOO_MANY_CLIENTS = 1013

/** The page's CSP: the renderer's own (src/shared/csp.ts), naming the socket explicitly as well. */
export function contentSecurityPolicy(hostHeader: string): string {
  return rendererCspHeader(`ws://${hostHeader}`)
}

/**
 * Browser mode: serves the built renderer and the host contract over a WebSocket (ws-codec).
 * The renderer's files are public (they hold no secret); the host is not. A page gets in by
 * redeeming a one-time launch code at SESSION_PATH for the session credential, then offers that
 * credential as a WebSocket subprotocol (src/shared/web-auth.ts). No cookie is ever set:
 * cookies ignore ports, so any other service on 127.0.0.1 would be sent it. An exchange or an
 * upgrade from a foreign Origin is refused, as is any request whose Host header is not this
 * server's (DNS rebinding). Each socket owns the sessions it opens; they close with it.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { host } = options
  const token = options.token ?? randomBytes(32).toString('base64url')
  const bindAddress = options.bindAddress ?? '127.0.0.1'
  const root = resolve(options.rendererDir)
  const log = options.log ?? ((m) => process.stderr.write(`tessera web: ${m}\n`))
  const codes = new LaunchCodes(options.launchCodeTtlMs)
  const offers = new PixelOffers()
  // Select our protocol only: the default would echo the first offered, which could be the credential.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  })
  let port = 0

  const allowedHost = (header: string | undefined): boolean => {
    if (!header) return false
    if (!isLoopback(bindAddress)) return true
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(header.toLowerCase())
  }
  const ownOrigin = (req: IncomingMessage): boolean => req.headers.origin === `http://${req.headers.host}`

  const server: Server = createServer((req, res) => {
    serveHttp(req, res).catch((e: unknown) => {
      log(`request failed: ${(e as Error).message}`)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostHeader = req.headers.host ?? ''
    const common = {
      'X-Content-Type-Options': 'nosniff',
      // The launch code rides in the fragment, which no Referer carries; send none at all anyway.
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    }
    const deny = (status: number, text: string): void => {
      res.writeHead(status, { ...common, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
      res.end(`${text}\n`)
    }
    if (!allowedHost(req.headers.host)) return deny(403, 'wrong host name')
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === SESSION_PATH) return exchange(req, res, common)
    if (url.pathname === PIXELS_PATH) return servePixels(req, res, url, common)
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed')
    const file = await resolveStatic(root, url.pathname)
    if (!file) return deny(404, 'not found')
    const body = await fs.readFile(file)
    const headers: Record<string, string> = {
      ...common,
      'Content-Type': contentTypeOf(file),
      'Content-Length': String(body.length),
      'Content-Security-Policy': contentSecurityPolicy(hostHeader),
      // Hashed assets may be cached; the page itself is re-read so a new build is picked up.
      'Cache-Control': file.includes(`${sep}assets${sep}`) ? 'private, max-age=31536000, immutable' : 'no-store',
    }
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  /** GET PIXELS_PATH?t=TICKET: a frame's pixels offered to the page that holds the credential (pixel-offers.ts). */
  function servePixels(req: IncomingMessage, res: ServerResponse, url: URL, common: Record<string, string>): void {
    const fail = (status: number): void => {
      res.writeHead(status, { ...common, 'Cache-Control': 'no-store', 'Content-Length': '0' })
      res.end()
    }
    if (req.method !== 'GET') return fail(405)
    const presented = req.headers[PIXELS_CREDENTIAL_HEADER.toLowerCase()]
    if (!safeEqual(typeof presented === 'string' ? presented : undefined, token)) return fail(403)
    const bytes = offers.take(url.searchParams.get('t') ?? '')
    if (!bytes) return fail(404)
    res.writeHead(200, { ...common, 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength), 'Cache-Control': 'no-store' })
    // The batch's own memory, no copy: it is not reused before the page has read it (pixel-offers.ts).
    res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  }

  /** POST SESSION_PATH: a live launch code (or a still valid credential) for the credential. */
  async function exchange(req: IncomingMessage, res: ServerResponse, common: Record<string, string>): Promise<void> {
    const answer = (status: number, body: SessionAnswer): void => {
      res.writeHead(status, { ...common, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(JSON.stringify(body))
    }
    if (req.method !== 'POST') return answer(405, { error: 'WEB_LINK_MISSING' })
    // Browsers send Origin on every POST: only this page's own may ask.
    if (!ownOrigin(req)) return answer(403, { error: 'WEB_LINK_MISSING' })
    let asked: Infer<typeof exchangeBodySchema>
    try {
      asked = exchangeBodySchema.parse(await readJson(req, MAX_SESSION_BODY_BYTES), 'body')
    } catch (e) {
      if (e instanceof ValidationError) return answer(400, { error: 'WEB_LINK_MISSING' })
      throw e
    }
    if ('code' in asked) return codes.redeem(asked.code) ? answer(200, { credential: token }) : answer(403, { error: 'WEB_LINK_USED' })
    return safeEqual(asked.credential, token) ? answer(200, { credential: token }) : answer(403, { error: 'WEB_SESSION_ENDED' })
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== WS_PATH) return refuse('404 Not Found')
    if (!allowedHost(req.headers.host)) return refuse('403 Forbidden')
    // Browsers always send Origin on WebSocket upgrades; it must be this page's own.
    if (req.headers.origin !== undefined && !ownOrigin(req)) return refuse('403 Forbidden')
    if (!safeEqual(credentialFromProtocols(req.headers['sec-websocket-protocol']), token)) return refuse('401 Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => {
      // `clients` already counts this socket. One past the cap is told why and never attached (no sessions, no events).
      if (wss.clients.size > MAX_CLIENTS) return ws.close(CLOSE_TOO_MANY_CLIENTS, 'too many Tessera tabs are open; close one and reload this page')
      attach(ws, url.searchParams.get(FETCH_PIXELS_PARAM) === 'fetch')
    })
  })

  /** `fetchesPixels`: the page fetches large plain pixels offered by ticket (ws-codec.ts "Fetched pixels"). */
  function attach(ws: WebSocket, fetchesPixels: boolean): void {
    const frames = new FramePool()
    // Read per socket, so a bench can compare both in one process (bench/viewers: tessera-plain).
    const packer = process.env.TESSERA_PIXEL_RUNS === '0' ? undefined : new FramePacker()
    const offer: PixelOffer | undefined =
      fetchesPixels && process.env.TESSERA_FETCH_PIXELS !== '0'
        ? (pixels) => (pixels.byteLength >= MIN_OFFERED_BYTES ? offers.offer(ws, pixels) : null)
        : undefined
    const send = (m: ServerMessage): void => {
      if (ws.readyState !== ws.OPEN) return
      try {
        const data = encodeServerMessage(m, frames.alloc, packer?.for(m), offer)
        // ws keeps a reference to the bytes until the socket has taken them: only then reuse them.
        ws.send(data, typeof data !== 'string' && frames.pooled(data) ? () => frames.give(data) : undefined)
      } catch (e) {
        log(`cannot send ${m.type}: ${(e as Error).message}`)
      }
    }
    // The socket is the client: it owns the sessions it opens, and they close with it.
    const link = host.attach({ deliver: (name, payload) => send({ type: 'event', name, payload }) })
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      let m
      try {
        m = decodeClientMessage(isBinary ? data : data.toString('utf8'))
      } catch (e) {
        ws.close(1008, e instanceof WireError ? e.message : 'malformed message')
        return
      }
      const { id } = m
      void link.request(m.name, m.arg).then((r) => send(r.ok ? { type: 'response', id, result: r.result } : { type: 'response', id, error: r.error }))
    })
    ws.on('close', () => {
      offers.drop(ws)
      link.detach()
    })
    ws.on('error', (e) => log(`socket error: ${e.message}`))
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, bindAddress, () => {
      server.off('error', fail)
      ok()
    })
  })
  port = (server.address() as AddressInfo).port
  const shownHost = bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress === '0.0.0.0' ? '127.0.0.1' : bindAddress

  const base = `http://${shownHost}:${port}/`
  return {
    url: base,
    launchUrl: () => `${base}#${LAUNCH_CODE_PARAM}=${codes.issue()}`,
    port,
    token,
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down')
      await new Promise<void>((ok) => wss.close(() => ok()))
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      })
    },
  }
}

/**
 * Memory for large outgoing frames (full-screen batches), reused once ws has written a frame to
 * the socket. A fresh 8 MB array per frame costs ~3 ms of page faults and zeroing; the copy into
 * a warm one ~0.2 ms. Holds a few buffers per socket at most; a frame still being written when
 * the next is encoded simply gets another.
 */
class FramePool {
  /** Smaller frames are cheap to allocate and not worth holding on to. */
  private static readonly MIN_BYTES = 256 * 1024
  private static readonly KEEP = 2
  private readonly free: Uint8Array[] = []

  /** Pool memory for a large frame, fresh memory for a small one. */
  readonly alloc: FrameAllocator = (size) => {
    if (size < FramePool.MIN_BYTES) return new Uint8Array(size)
    const i = this.free.findIndex((b) => b.length >= size)
    if (i >= 0) return this.free.splice(i, 1)[0]
    // Some headroom, so a frame a little larger than the last does not miss the pool.
    return new Uint8Array(size + (size >> 4))
  }

  /** Whether the frame was built in pool memory, to be given back once written. */
  pooled(frame: Uint8Array): boolean {
    return frame.length >= FramePool.MIN_BYTES
  }

  give(frame: Uint8Array): void {
    // The frame is a view of the start of a pool buffer: keep all of it.
    this.free.push(new Uint8Array(frame.buffer))
    // Keep the largest: they fit every frame the smaller ones would.
    if (this.free.length > FramePool.KEEP) this.free.sort((a, b) => b.length - a.length).length = FramePool.KEEP
  }
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.')
}

function safeEqual(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string') return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The exchange's answer: the credential, or a code from the `webLink` group saying why not. */
type SessionAnswer = { credential: string } | { error: WebLinkErrorCode }

/** A small JSON body, unchecked (a schema says what it must be), or undefined when it is too large or not JSON. */
async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return undefined
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) return undefined
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch {
    return undefined
  }
}

/**
 * Maps a URL path to a file under `root`, or null: `/` is index.html; encoded separators,
 * `..`, NUL bytes and dot-files are refused; the result must stay inside `root`.
 */
export async function resolveStatic(root: string, pathname: string): Promise<string | null> {
  let path: string
  try {
    path = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (path.includes('\0') || path.includes('\\')) return null
  const parts = path.split('/').filter((p) => p !== '')
  if (parts.some((p) => p === '..' || p.startsWith('.'))) return null
  const file = resolve(join(root, ...(parts.length ? parts : ['index.html'])))
  if (!file.startsWith(root + sep)) return null
  try {
    const st = await fs.stat(file)
    return st.isFile() ? file : null
  } catch {
    return null
  }
}
