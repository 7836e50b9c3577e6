import { afterEach, describe, expect, it, vi } from 'vitest'
import { type SocketLike, WsHost, type WsHostOptions, hostSocketUrl } from '../../../src/renderer/src/host/ws-host'
import { PixelMemoryPool } from '../../../src/renderer/src/host/pixel-memory'
import { PixelRunEncoder } from '../../../src/shared/pixel-runs'
import { decodeClientMessage, encodeServerMessage } from '../../../src/shared/ws-codec'
import { OpCode } from '../../../src/shared/ops'

class FakeSocket implements SocketLike {
  binaryType = 'blob'
  readyState = 0
  sent: Array<string | ArrayBufferView> = []
  onopen: ((ev: unknown) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  constructor(readonly url: string) {}
  send(data: string | ArrayBufferView): void {
    this.sent.push(data)
  }
  close(): void {
    this.drop()
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  drop(): void {
    this.readyState = 3
    this.onclose?.({})
  }
  deliver(data: string | Uint8Array): void {
    // Binary frames arrive as ArrayBuffers (binaryType 'arraybuffer').
    this.onmessage?.({ data: typeof data === 'string' ? data : data.slice().buffer })
  }
  requests() {
    return this.sent.map((d) => decodeClientMessage(d as string))
  }
}

function setup(opts: Partial<WsHostOptions> = {}) {
  const sockets: FakeSocket[] = []
  const host = new WsHost({
    url: 'ws://127.0.0.1:1/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    minRetryMs: 100,
    maxRetryMs: 400,
    ...opts,
  })
  return { host, sockets, last: () => sockets[sockets.length - 1] }
}

afterEach(() => vi.useRealTimers())

describe('hostSocketUrl', () => {
  it('uses the page host and holds no secret', () => {
    expect(hostSocketUrl({ protocol: 'http:', host: '127.0.0.1:4321' })).toBe('ws://127.0.0.1:4321/ws')
    expect(hostSocketUrl({ protocol: 'https:', host: 'h' })).toBe('wss://h/ws')
  })
})

describe('WsHost credential', () => {
  it('offers the same subprotocols on every connect, reconnects included', () => {
    vi.useFakeTimers()
    const offered: string[][] = []
    const sockets: FakeSocket[] = []
    const host = new WsHost({
      url: 'ws://127.0.0.1:1/ws',
      protocols: ['tessera.v1', 'tessera.credential.c'],
      createSocket: (url, protocols) => {
        offered.push(protocols)
        const s = new FakeSocket(url)
        sockets.push(s)
        return s
      },
      minRetryMs: 100,
    })
    sockets[0].onclose?.({})
    vi.advanceTimersByTime(100)
    expect(offered).toEqual([
      ['tessera.v1', 'tessera.credential.c'],
      ['tessera.v1', 'tessera.credential.c'],
    ])
    host.close()
  })
})

describe('WsHost', () => {
  it('queues requests until the socket opens, then pairs responses by id', async () => {
    const { host, last } = setup()
    const a = host.request('profiles.list', undefined)
    const b = host.request('secrets.status', undefined)
    expect(last().sent).toEqual([])
    last().open()
    const [ra, rb] = last().requests()
    expect(ra.name).toBe('profiles.list')
    expect(rb.name).toBe('secrets.status')
    expect(last().binaryType).toBe('arraybuffer')
    last().deliver(encodeServerMessage({ type: 'response', id: rb.id, result: { available: true, protected: true, backend: 'x' } }) as string)
    last().deliver(encodeServerMessage({ type: 'response', id: ra.id, result: [] }) as string)
    await expect(a).resolves.toEqual([])
    await expect(b).resolves.toEqual({ available: true, protected: true, backend: 'x' })
  })

  it('rejects with the host error', async () => {
    const { host, last } = setup()
    last().open()
    const p = host.request('profiles.delete', { id: 'x' })
    const [r] = last().requests()
    last().deliver(
      encodeServerMessage({ type: 'response', id: r.id, error: { kind: 'closed', code: 'HOST_UNKNOWN_PROFILE', message: 'no such profile' } }) as string,
    )
    await expect(p).rejects.toEqual({ kind: 'closed', code: 'HOST_UNKNOWN_PROFILE', message: 'no such profile' })
  })

  it('times out a request the host never answers', async () => {
    vi.useFakeTimers()
    const { host, last } = setup({ timeoutMs: 1000 })
    last().open()
    const p = host.request('profiles.list', undefined)
    const check = expect(p).rejects.toMatchObject({ kind: 'timeout', code: 'HOST_TIMEOUT' })
    vi.advanceTimersByTime(1001)
    await check
  })

  it('dispatches events, including binary frame batches, to every listener', () => {
    const { host, last } = setup()
    last().open()
    const seen: number[] = []
    const off = host.on('session.frame', (b) => seen.push(b.seq, b.ops[0], b.pixels.length))
    host.on('session.frame', (b) => seen.push(-b.seq))
    const wire = encodeServerMessage({
      type: 'event',
      name: 'session.frame',
      payload: {
        sessionId: 's',
        seq: 7,
        ops: new Int32Array([OpCode.Fill, 0, 0, 1, 1, -1, 0, 0]),
        pixels: new Uint8Array(8),
        images: new Uint8Array(0),
      },
    })
    expect(wire).toBeInstanceOf(Uint8Array)
    last().deliver(wire as Uint8Array)
    off()
    last().deliver(wire as Uint8Array)
    expect(seen).toEqual([7, OpCode.Fill, 8, -7, -7])
  })

  it('drops a malformed message and keeps going', () => {
    const { host, last } = setup()
    last().open()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const seen: string[] = []
    host.on('session.bell', (e) => seen.push(e.sessionId))
    last().deliver('not json')
    last().deliver(encodeServerMessage({ type: 'event', name: 'session.bell', payload: { sessionId: 'a' } }) as string)
    expect(seen).toEqual(['a'])
    expect(warn).toHaveBeenCalled()
    warn.mockRestore()
  })

  it('reconnects with backoff, fails in-flight requests and resends queued ones', async () => {
    vi.useFakeTimers()
    const { host, sockets, last } = setup()
    const states: string[] = []
    host.onLinkState((s) => states.push(s))
    last().open()
    const inFlight = host.request('profiles.list', undefined)
    const lost = expect(inFlight).rejects.toMatchObject({ code: 'HOST_DISCONNECTED' })
    last().drop()
    await lost
    const queued = host.request('secrets.status', undefined)
    expect(sockets).toHaveLength(1)
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(2)
    // The second attempt fails too: the next one waits twice as long.
    last().drop()
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(2)
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(3)
    last().open()
    const [r] = last().requests()
    expect(r.name).toBe('secrets.status')
    last().deliver(encodeServerMessage({ type: 'response', id: r.id, result: { available: false, protected: false, backend: 'none' } }) as string)
    await expect(queued).resolves.toMatchObject({ backend: 'none' })
    expect(states).toEqual(['open', 'lost', 'connecting', 'lost', 'connecting', 'open'])
  })

  it('stops for good on close', async () => {
    vi.useFakeTimers()
    const { host, sockets, last } = setup()
    last().open()
    host.close()
    vi.advanceTimersByTime(10_000)
    expect(sockets).toHaveLength(1)
    await expect(host.request('profiles.list', undefined)).rejects.toMatchObject({ code: 'HOST_CLOSED' })
  })

  it('stops and fails every waiting request at once when the server refuses its credential (the host was restarted)', async () => {
    vi.useFakeTimers()
    let answer: 'valid' | 'refused' | 'unknown' = 'unknown'
    const { host, sockets, last } = setup({ checkCredential: async () => answer })
    const states: string[] = []
    host.onLinkState((s) => states.push(s))
    last().open()
    // Away, but the server does not answer either: the page keeps trying, requests keep waiting.
    last().drop()
    const waiting = host.request('profiles.list', undefined)
    let settled = false
    waiting.catch(() => {}).finally(() => (settled = true))
    await vi.advanceTimersByTimeAsync(100)
    expect(sockets).toHaveLength(2)
    expect(settled).toBe(false)
    // Back with a new credential: the socket is refused, and the exchange says why.
    answer = 'refused'
    last().drop()
    await vi.advanceTimersByTimeAsync(0)
    await expect(waiting).rejects.toMatchObject({ code: 'WEB_SESSION_ENDED' })
    expect(host.state).toBe('ended')
    expect(states.at(-1)).toBe('ended')
    await expect(host.request('sessions.list', undefined)).rejects.toMatchObject({ code: 'WEB_SESSION_ENDED', message: expect.stringMatching(/restarted/) })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(sockets).toHaveLength(2)
  })
})

describe('WsHost packed pixels', () => {
  /** A packed 1-row frame of `words` pixels: runs of one colour, so packing pays. */
  const packedFrame = (sessionId: string, seq: number, words: number, colour: number): Uint8Array => {
    const pixels = new Uint8Array(new Uint32Array(words).fill(colour).buffer)
    const ops = Int32Array.of(OpCode.Pixels, 0, 0, words, 1, 0, 0, 0)
    const wire = encodeServerMessage(
      { type: 'event', name: 'session.frame', payload: { sessionId, seq, ops, pixels, images: new Uint8Array(0) } },
      undefined,
      new PixelRunEncoder(),
    )
    expect(new TextDecoder().decode(wire as Uint8Array)).toContain('"r32"')
    return wire as Uint8Array
  }

  it('unpacks frames into memory that is reused only once their ack has gone out', () => {
    const { host, last } = setup()
    last().open()
    const got: Uint8Array[] = []
    host.on('session.frame', (b) => got.push(b.pixels))
    last().deliver(packedFrame('s', 1, 1000, 0xff0000ff))
    last().deliver(packedFrame('s', 2, 1000, 0xff00ff00))
    // Both in flight: separate memory, each its own picture.
    expect(got[1].buffer).not.toBe(got[0].buffer)
    expect(new Uint32Array(got[0].buffer, 0, 1000).every((w) => w === 0xff0000ff)).toBe(true)
    // Another session's ack frees nothing of this one.
    void host.request('session.ack', { sessionId: 'other', seq: 5 }).catch(() => {})
    last().deliver(packedFrame('s', 3, 1000, 0xffffffff))
    expect([got[0].buffer, got[1].buffer]).not.toContain(got[2].buffer)
    // Acking 2 frees 1 and 2: the next frames unpack into their memory.
    void host.request('session.ack', { sessionId: 's', seq: 2 }).catch(() => {})
    last().deliver(packedFrame('s', 4, 1000, 0xff123456))
    last().deliver(packedFrame('s', 5, 1000, 0xff654321))
    expect([got[0].buffer, got[1].buffer]).toContain(got[3].buffer)
    expect([got[0].buffer, got[1].buffer]).toContain(got[4].buffer)
    expect(got[4].buffer).not.toBe(got[3].buffer)
    expect(new Uint32Array(got[3].buffer, 0, 1000).every((w) => w === 0xff123456)).toBe(true)
    expect(new Uint32Array(got[2].buffer, 0, 1000).every((w) => w === 0xffffffff)).toBe(true)
    host.close()
  })

  it("a player's ack frees its frames too", () => {
    const { host, last } = setup()
    last().open()
    const got: Uint8Array[] = []
    host.on('session.frame', (b) => got.push(b.pixels))
    last().deliver(packedFrame('p', 1, 500, 1))
    void host.request('player.ack', { playerId: 'p', seq: 1 }).catch(() => {})
    last().deliver(packedFrame('p', 2, 400, 2))
    expect(got[1].buffer).toBe(got[0].buffer)
    expect(got[1]).toHaveLength(1600)
    host.close()
  })

  it('frees only batches that arrived before the acked one when seq starts again (a reconnect, a seek)', () => {
    const { host, last } = setup()
    last().open()
    const got: Uint8Array[] = []
    host.on('session.frame', (b) => got.push(b.pixels))
    // The last batch of the old attempt waits to paint (an image decoding); the new attempt's first queues behind it.
    last().deliver(packedFrame('s', 7, 1000, 0xff0000ff))
    last().deliver(packedFrame('s', 1, 1000, 0xff00ff00))
    // 7 painted and acked: its memory is free, the new 1's is not (1 < 7, but it arrived later).
    void host.request('session.ack', { sessionId: 's', seq: 7 }).catch(() => {})
    last().deliver(packedFrame('s', 2, 1000, 0xffffffff))
    last().deliver(packedFrame('s', 3, 1000, 0xff123456))
    expect(got[2].buffer).toBe(got[0].buffer)
    expect([got[2].buffer, got[3].buffer]).not.toContain(got[1].buffer)
    expect(new Uint32Array(got[1].buffer, 0, 1000).every((w) => w === 0xff00ff00)).toBe(true)
    // The new 1 painted: now its memory is reused.
    void host.request('session.ack', { sessionId: 's', seq: 1 }).catch(() => {})
    last().deliver(packedFrame('s', 4, 1000, 0xff654321))
    expect(got[4].buffer).toBe(got[1].buffer)
    host.close()
  })
})

describe('PixelMemoryPool', () => {
  it('forgets batches never acked instead of reusing them, and keeps a few free buffers', () => {
    const pool = new PixelMemoryPool()
    const batch = (seq: number) => ({ sessionId: 's', seq, ops: new Int32Array(0), pixels: new Uint8Array(0), images: new Uint8Array(0) })
    const lent: Uint8Array[] = []
    for (let seq = 1; seq <= 20; seq++) {
      lent.push(pool.memory(100)!)
      pool.claim(batch(seq))
    }
    expect(pool.sizes).toEqual({ free: 0, lent: 16 })
    // Memory handed out for a message that did not become a frame is not tracked.
    pool.memory(100)
    pool.claim(null)
    expect(pool.sizes).toEqual({ free: 0, lent: 16 })
    pool.acked('s', 20)
    expect(pool.sizes).toEqual({ free: 3, lent: 0 })
    // The first four were forgotten: never handed out again.
    const again = [pool.memory(100), pool.memory(100), pool.memory(100), pool.memory(100)]
    for (const m of again) expect(lent.slice(0, 4)).not.toContain(m)
    expect(lent.slice(4)).toContain(again[0])
  })

  it('gives only memory it holds when asked for reused memory, never new memory', () => {
    const pool = new PixelMemoryPool()
    expect(pool.memory(100, true)).toBeNull()
    const first = pool.memory(100)!
    pool.claim({ sessionId: 's', seq: 1, ops: new Int32Array(0), pixels: first, images: new Uint8Array(0) })
    pool.acked('s', 1)
    expect(pool.memory(first.length + 1, true)).toBeNull()
    expect(pool.memory(50, true)).toBe(first)
  })

  it("an ack of a batch whose memory was forgotten frees none of a later run's batches of the same seq", () => {
    const pool = new PixelMemoryPool()
    const batch = (seq: number) => ({ sessionId: 's', seq, ops: new Int32Array(0), pixels: new Uint8Array(0), images: new Uint8Array(0) })
    pool.memory(100)
    pool.claim(batch(5)) // the old run's 5, stuck behind a slow decode
    const later: Uint8Array[] = []
    for (let seq = 1; seq <= 16; seq++) {
      later.push(pool.memory(100)!)
      pool.claim(batch(seq))
    }
    expect(pool.sizes).toEqual({ free: 0, lent: 16 })
    // The old 5 paints at last: the new run's 1-5 still wait behind it.
    pool.acked('s', 5)
    expect(pool.sizes).toEqual({ free: 0, lent: 16 })
    expect(later).not.toContain(pool.memory(100))
    // The new run's 5: 1-5 are free.
    pool.acked('s', 5)
    expect(pool.sizes).toEqual({ free: 3, lent: 11 })
  })
})

describe('WsHost fetched pixels', () => {
  /** A frame whose `words` pixels of `colour` are offered by ticket; the offered bytes are kept in `offered`. */
  const offeredFrame = (offered: Map<string, Uint8Array>, sessionId: string, seq: number, words: number, colour: number): Uint8Array => {
    const pixels = new Uint8Array(new Uint32Array(words).fill(colour).buffer)
    const ops = Int32Array.of(OpCode.Pixels, 0, 0, words, 1, 0, 0, 0)
    const wire = encodeServerMessage(
      { type: 'event', name: 'session.frame', payload: { sessionId, seq, ops, pixels, images: new Uint8Array(0) } },
      undefined,
      undefined,
      (p) => {
        const ticket = `ticket-${sessionId}-${seq}-0123456789`
        offered.set(ticket, p.slice())
        return ticket
      },
    )
    expect(new TextDecoder().decode(wire as Uint8Array)).toContain('"h8"')
    return wire as Uint8Array
  }

  /** As pixel-fetch.ts does it: the memory's buffer is moved (a BYOB read transfers it) and filled. */
  const fetcher = (offered: Map<string, Uint8Array>, gate?: Promise<void>) => async (ticket: string, into: Uint8Array, length: number) => {
    await gate
    const bytes = offered.get(ticket)
    if (!bytes || bytes.length !== length) throw new Error('no such pixels')
    const { byteOffset, length: size } = into
    const moved = new Uint8Array(structuredClone(into.buffer, { transfer: [into.buffer as ArrayBuffer] }), byteOffset, size)
    moved.set(bytes)
    return moved
  }

  it('asks for offers, fetches each frame into reused memory and keeps messages in order behind it', async () => {
    const offered = new Map<string, Uint8Array>()
    let open: () => void = () => {}
    const gate = new Promise<void>((ok) => (open = ok))
    const { host, last } = setup({ fetchPixels: fetcher(offered, gate) })
    expect(last().url).toBe('ws://127.0.0.1:1/ws?pixels=fetch')
    last().open()
    const order: string[] = []
    const got: Uint8Array[] = []
    host.on('session.frame', (b) => {
      order.push(`frame ${b.seq}`)
      got.push(b.pixels)
    })
    host.on('session.bell', () => order.push('bell'))
    last().deliver(offeredFrame(offered, 's', 1, 1000, 0xff0000ff))
    last().deliver(encodeServerMessage({ type: 'event', name: 'session.bell', payload: { sessionId: 's' } }) as string)
    // The bell waits for the frame before it.
    expect(order).toEqual([])
    open()
    await vi.waitFor(() => expect(order).toEqual(['frame 1', 'bell']))
    expect(got[0]).toHaveLength(4000)
    expect(new Uint32Array(got[0].buffer, got[0].byteOffset, 1000).every((w) => w === 0xff0000ff)).toBe(true)
    // Acked: the next frame lands in the same memory (moved to a new buffer by its read).
    void host.request('session.ack', { sessionId: 's', seq: 1 }).catch(() => {})
    last().deliver(offeredFrame(offered, 's', 2, 1000, 0xff00ff00))
    await vi.waitFor(() => expect(got).toHaveLength(2))
    expect(got[0].length).toBe(0)
    expect(new Uint32Array(got[1].buffer, got[1].byteOffset, 1000).every((w) => w === 0xff00ff00)).toBe(true)
    host.close()
  })

  it('drops a frame whose pixels cannot be fetched, acks it, asks for a full refresh and carries on', async () => {
    const offered = new Map<string, Uint8Array>()
    const { host, last } = setup({ fetchPixels: fetcher(offered) })
    last().open()
    const seqs: number[] = []
    host.on('session.frame', (b) => seqs.push(b.seq))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const lost = offeredFrame(offered, 's', 1, 100, 1)
    offered.clear()
    last().deliver(lost)
    last().deliver(offeredFrame(offered, 's', 2, 100, 2))
    await vi.waitFor(() => expect(seqs).toEqual([2]))
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not be fetched/), 'no such pixels')
    // The lost frame is acked at once and the whole screen asked for again: the canvas is not left stale.
    const asked = last()
      .requests()
      .map((r) => [r.name, r.arg])
    expect(asked).toEqual([
      ['session.ack', { sessionId: 's', seq: 1 }],
      ['session.refresh', { sessionId: 's' }],
    ])
    warn.mockRestore()
    host.close()
  })

  it('refuses offered pixels when it does not fetch', () => {
    const { host, last } = setup()
    last().open()
    const seqs: number[] = []
    host.on('session.frame', (b) => seqs.push(b.seq))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    last().deliver(offeredFrame(new Map(), 's', 1, 100, 1))
    expect(seqs).toEqual([])
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/malformed/), 'bad fetched blob')
    warn.mockRestore()
    host.close()
  })
})
