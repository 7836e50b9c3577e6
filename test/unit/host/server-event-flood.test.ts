import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { SERVER_EVENT_INTERVAL_MS } from '../../../src/main/host/session-events'
import { Bytes } from '../../helpers/bytes'
import { serverInit } from '../../helpers/server-script'

// A server flooding what the host passes on to every window (bells, clipboard text): a real TCP
// server writes as fast as the host reads, and the window side counts what reaches it. Unthrottled,
// 3 s of 1-byte bells were 5.8 million session.bell messages (287 MiB) for the windows.

const FLOOD_MS = 1500

let dir: string
let host: Host
let flooders: net.Server[] = []

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-event-flood-'))
  host = (await createHost({ dataDir: dir, decodeImage: null, log: () => {} })).host
})

afterEach(async () => {
  await host.shutdown()
  for (const s of flooders) s.close()
  flooders = []
  rmSync(dir, { recursive: true, force: true })
})

/** A server that connects (None, 64x48), then writes `chunk` again and again, as fast as it is read, until `last` goes out. */
async function flooder(chunk: Uint8Array, last: Uint8Array): Promise<{ port: number; sent: () => number }> {
  let sent = 0
  const server = net.createServer((s) => {
    s.on('error', () => {})
    s.write(
      new Bytes()
        .text('RFB 003.008\n')
        .u8(1, 1)
        .u32(0)
        .bytes(serverInit(64, 48, 'flood'))
        .build(),
    )
    const until = performance.now() + FLOOD_MS
    const go = (): void => {
      while (performance.now() < until) {
        sent += chunk.length
        if (!s.write(chunk)) return void s.once('drain', go)
      }
      s.write(last)
    }
    setTimeout(go, 50)
  })
  flooders.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { port: (server.address() as net.AddressInfo).port, sent: () => sent }
}

/** Opens a session to `port` as a window would and counts the events delivered to that window. */
async function watchSession(port: number) {
  const counts: Record<string, number> = {}
  const clipboard: string[] = []
  const names: string[] = []
  const cursors: number[] = []
  let deliveredBytes = 0
  const link = host.attach({
    deliver: (name, payload) => {
      counts[name] = (counts[name] ?? 0) + 1
      if (name !== 'session.cursor') deliveredBytes += JSON.stringify(payload).length
      if (name === 'session.clipboard') clipboard.push((payload as { text: string }).text)
      if (name === 'session.cursor') cursors.push((payload as { cursor: { width: number } | null }).cursor?.width ?? 0)
      if (name === 'session.state') {
        const info = (payload as { info?: { name: string } }).info
        if (info) names.push(info.name)
      }
    },
  })
  const opened = await link.request('session.open', { address: `127.0.0.1::${port}` })
  expect(opened.ok).toBe(true)
  return { counts, clipboard, names, cursors, delivered: () => deliveredBytes }
}

/** Waits until `done()` (the flood's last word reached the window), at most 15 s: a loaded machine parses the backlog late. */
async function until(done: () => boolean): Promise<void> {
  for (const end = performance.now() + 15_000; !done() && performance.now() < end;) await new Promise((r) => setTimeout(r, 20))
}

/** The most events one kind may reach the window with in `ms`: one per interval, and the held-back last one. */
const atMost = (ms: number): number => Math.ceil(ms / SERVER_EVENT_INTERVAL_MS) + 2

/** A FramebufferUpdate with one Cursor pseudo-rect (-239) of `side` x `side`, all white and shown. */
const cursor = (side: number): Uint8Array =>
  new Bytes()
    .u8(0, 0)
    .u16(1)
    .u16(0, 0, side, side)
    .s32(-239)
    .bytes(new Uint8Array(side * side * 4 + Math.ceil(side / 8) * side).fill(255))
    .build()

describe('a server flooding what the windows are told', () => {
  it('a bell flood rings at most once per interval', async () => {
    const bells = new Uint8Array(64 * 1024).fill(2)
    const server = await flooder(bells, Uint8Array.of(2))
    const started = performance.now()
    const seen = await watchSession(server.port)
    await new Promise((r) => setTimeout(r, FLOOD_MS + 500))
    const ms = performance.now() - started
    console.log(
      `bells: ${(server.sent() / 2 ** 20).toFixed(1)} MiB sent, ${seen.counts['session.bell']} session.bell events, ${seen.delivered()} bytes to the window`,
    )
    expect(server.sent()).toBeGreaterThan(1 << 20)
    expect(seen.counts['session.bell']).toBeGreaterThan(0)
    expect(seen.counts['session.bell']).toBeLessThanOrEqual(atMost(ms))
  })

  it('a clipboard flood reaches the window at most once per interval, and its last text arrives', async () => {
    const cut = (text: string): Uint8Array => new Bytes().u8(3, 0, 0, 0).u32(text.length).text(text).build()
    const many = new Bytes()
    for (let i = 0; i < 2000; i++) many.bytes(cut(`text ${i}`))
    const server = await flooder(many.build(), cut('the last word'))
    const started = performance.now()
    const seen = await watchSession(server.port)
    await until(() => seen.clipboard.at(-1) === 'the last word')
    const ms = performance.now() - started
    console.log(`clipboard: ${(server.sent() / 2 ** 20).toFixed(1)} MiB sent, ${seen.counts['session.clipboard']} session.clipboard events`)
    expect(server.sent()).toBeGreaterThan(1 << 20)
    expect(seen.counts['session.clipboard']).toBeLessThanOrEqual(atMost(ms))
    expect(seen.clipboard.at(-1)).toBe('the last word')
  })

  it('a flood of XVP failures reports the failed power action at most once per interval', async () => {
    const failure = Uint8Array.of(250, 0, 1, 0)
    const server = await flooder(
      new Uint8Array(64 * 1024).map((_, i) => failure[i % 4]),
      failure,
    )
    const started = performance.now()
    const seen = await watchSession(server.port)
    await new Promise((r) => setTimeout(r, FLOOD_MS + 500))
    expect(server.sent()).toBeGreaterThan(1 << 20)
    expect(seen.counts['session.powerFailed']).toBeGreaterThan(0)
    expect(seen.counts['session.powerFailed']).toBeLessThanOrEqual(atMost(performance.now() - started))
  })

  it('65535 desktop name changes in one update tell the windows at most once per interval, ending with the last name', async () => {
    const update = new Bytes().u8(0, 0).u16(65535)
    for (let i = 0; i < 65534; i++)
      update
        .u16(0, 0, 0, 0)
        .s32(-307)
        .u32(1)
        .text(i % 2 ? 'a' : 'b')
    update.u16(0, 0, 0, 0).s32(-307).string('the last name')
    const server = await flooder(update.build(), new Uint8Array(0))
    const started = performance.now()
    const seen = await watchSession(server.port)
    await new Promise((r) => setTimeout(r, FLOOD_MS))
    await until(() => seen.names.at(-1) === 'the last name')
    console.log(`names: ${(server.sent() / 2 ** 20).toFixed(1)} MiB sent, ${seen.counts['session.state']} session.state events`)
    // Besides the name changes: connecting and connected.
    expect(seen.counts['session.state']).toBeLessThanOrEqual(atMost(performance.now() - started) + 2)
    expect(seen.names.at(-1)).toBe('the last name')
  })

  it('a flood of cursor shapes reaches the windows at most once per interval, ending with the last shape', async () => {
    const server = await flooder(cursor(128), cursor(3))
    const started = performance.now()
    const seen = await watchSession(server.port)
    await new Promise((r) => setTimeout(r, FLOOD_MS))
    await until(() => seen.cursors.at(-1) === 3)
    console.log(`cursors: ${(server.sent() / 2 ** 20).toFixed(1)} MiB sent, ${seen.counts['session.cursor']} session.cursor events`)
    expect(server.sent()).toBeGreaterThan(1 << 20)
    expect(seen.counts['session.cursor']).toBeLessThanOrEqual(atMost(performance.now() - started))
    expect(seen.cursors.at(-1)).toBe(3)
  })

  it('a cursor shape and clipboard text held back when the session is closed reach the window before "closed", and nothing after it', async () => {
    const server = net.createServer((s) => {
      s.on('error', () => {})
      s.write(
        new Bytes()
          .text('RFB 003.008\n')
          .u8(1, 1)
          .u32(0)
          .bytes(serverInit(64, 48, 'two cursors'))
          .build(),
      )
      // Both shapes in one write: the second comes within the interval and is held back.
      const cut = (text: string): Uint8Array => new Bytes().u8(3, 0, 0, 0).u32(text.length).text(text).build()
      setTimeout(() => s.write(Buffer.concat([cursor(5), cut('first'), cursor(3), cut('last')])), 50)
    })
    flooders.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const seen: string[] = []
    let sessionId = ''
    const link = host.attach({
      deliver: (name, payload) => {
        if (name === 'session.cursor') seen.push(`cursor ${(payload as { cursor: { width: number } | null }).cursor?.width ?? 0}`)
        if (name === 'session.state') seen.push((payload as { state: string }).state)
        if (name === 'session.clipboard') seen.push(`text ${(payload as { text: string }).text}`)
      },
    })
    const opened = await link.request('session.open', { address: `127.0.0.1::${(server.address() as net.AddressInfo).port}` })
    sessionId = (opened as { result: { sessionId: string } }).result.sessionId
    await until(() => seen.includes('cursor 5') && seen.includes('text first'))
    expect((await link.request('session.close', { sessionId })).ok).toBe(true)
    await new Promise((r) => setTimeout(r, SERVER_EVENT_INTERVAL_MS * 3))
    expect(seen.filter((e) => e.startsWith('cursor'))).toEqual(['cursor 5', 'cursor 3'])
    expect(seen.filter((e) => e.startsWith('text'))).toEqual(['text first', 'text last'])
    expect(seen.at(-1)).toBe('closed')
  })
})
