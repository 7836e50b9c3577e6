import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { type IpcBridge, bridgeHostToIpc } from '../../../src/main/shell/ipc-bridge'
import type { FrameBenchReport } from '../../../src/shared/frame-bench'
import { IPC_EVENT_CHANNEL, type IpcResult } from '../../../src/shared/ipc-channels'
import type { FrameBatch } from '../../../src/shared/ops'
import { REQUEST_NAMES } from '../../../src/shared/schemas'

type Handler = (event: unknown, arg: unknown) => Promise<IpcResult>

let dir: string
let host: Host
let handlers: Map<string, Handler>
let sent: { id: number; channel: string; args: unknown[] }[]
let bridge: IpcBridge
/** A window's reaction to what main sends it, beside recording it. */
let onSend: ((id: number, channel: string, args: unknown[]) => void) | null
const TRUSTED = 'file:///app/out/renderer/index.html'

const event = (url = TRUSTED, { subframe = false, id = 7 } = {}) => ({
  senderFrame: { url, parent: subframe ? {} : null },
  sender: { id },
})

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-ipc-'))
  host = (await createHost({ dataDir: dir, decodeImage: null, log: () => {} })).host
  handlers = new Map()
  sent = []
  onSend = null
  bridge = bridgeHostToIpc({
    host,
    ipcMain: {
      handle: (channel, listener) => handlers.set(channel, listener as Handler),
      removeHandler: (channel) => handlers.delete(channel),
    },
    isTrustedSender: (url, main) => main && url === TRUSTED,
    send: (id, channel, ...args) => {
      sent.push({ id, channel, args })
      onSend?.(id, channel, args)
    },
  })
  // Two windows, as the shell attaches each one it creates.
  bridge.clientOf(7)
  bridge.clientOf(8)
})

afterEach(async () => {
  bridge.dispose()
  await host.shutdown()
  rmSync(dir, { recursive: true, force: true })
})

describe('IPC bridge', () => {
  it('registers one handler per request name', () => {
    expect([...handlers.keys()].sort()).toEqual(REQUEST_NAMES.map((n) => `tessera:${n}`).sort())
  })

  it('refuses requests from anything but our renderer, before the host sees them', async () => {
    const spy = vi.spyOn(host, 'handle')
    const call = handlers.get('tessera:profiles.list')!
    for (const e of [event('https://evil.example/'), event(TRUSTED, { subframe: true }), { senderFrame: null, sender: { id: 7 } }]) {
      expect(await call(e, undefined)).toMatchObject({ ok: false, error: { kind: 'refused', code: 'HOST_UNTRUSTED_SENDER' } })
    }
    expect(spy).not.toHaveBeenCalled()
  })

  it('answers with { ok, result } or { ok: false, error } and never throws across IPC', async () => {
    expect(await handlers.get('tessera:profiles.list')!(event(), undefined)).toEqual({ ok: true, result: [] })
    const bad = await handlers.get('tessera:session.key')!(event(), { sessionId: 'x', keysym: 1e12, down: true })
    expect(bad).toMatchObject({ ok: false, error: { kind: 'protocol', code: 'HOST_INVALID_REQUEST' } })
  })

  it('sends session events to the owning renderer only, frames as exact-size copies', () => {
    const id = 'sess1'
    vi.spyOn(host, 'ownerOf').mockImplementation((s) => (s === id ? bridge.clientOf(7) : undefined))
    const big = new Uint8Array(1 << 16)
    host.emit('session.frame', { sessionId: id, seq: 1, ops: new Int32Array(64).subarray(0, 8), pixels: big.subarray(0, 4), images: big.subarray(0, 0) })
    host.emit('session.bell', { sessionId: 'someone-else' })
    host.emit('profiles.changed', { profiles: [] })
    expect(sent.map((s) => [s.id, s.channel, s.args[0]])).toEqual([
      [7, IPC_EVENT_CHANNEL, 'session.frame'],
      [7, IPC_EVENT_CHANNEL, 'profiles.changed'],
      [8, IPC_EVENT_CHANNEL, 'profiles.changed'],
    ])
    const batch = sent[0].args[1] as { ops: Int32Array; pixels: Uint8Array }
    expect(batch.ops.buffer.byteLength).toBe(32)
    expect(batch.pixels.buffer.byteLength).toBe(4)
  })

  it('uses the sender webContents id as the session owner', async () => {
    const spy = vi.spyOn(host, 'handle')
    await handlers.get('tessera:profiles.list')!(event(TRUSTED, { id: 42 }), undefined)
    expect(spy).toHaveBeenCalledWith('profiles.list', undefined, bridge.clientOf(42))
  })

  it('release detaches a window: its requests get a fresh client, owning none of the old sessions', async () => {
    const before = bridge.clientOf(7)
    const closeOwnedBy = vi.spyOn(host, 'closeOwnedBy')
    bridge.release(7)
    expect(closeOwnedBy).toHaveBeenCalledWith(before)
    host.emit('profiles.changed', { profiles: [] })
    expect(sent.map((s) => s.id)).toEqual([8])
    const spy = vi.spyOn(host, 'handle')
    await handlers.get('tessera:profiles.list')!(event(), undefined)
    expect(spy.mock.calls[0][2]).not.toBe(before)
    expect(spy.mock.calls[0][2]).toBe(bridge.clientOf(7))
  })

  it('"Measure performance…": full frames go to the asking window the way session frames do, and come back acknowledged', async () => {
    const frames: { id: number; seq: number; bufferBytes: number }[] = []
    onSend = (id, channel, args) => {
      if (channel !== IPC_EVENT_CHANNEL || args[0] !== 'session.frame') return
      // What webContents.send does before it returns: a structured clone of the arguments.
      const batch = structuredClone(args[1]) as FrameBatch
      frames.push({ id, seq: batch.seq, bufferBytes: batch.pixels.buffer.byteLength })
      setImmediate(() => void handlers.get('tessera:bench.ack')!(event(TRUSTED, { id }), { runId: batch.sessionId, seq: batch.seq }))
    }
    const r = (await handlers.get('tessera:bench.run')!(event(), { passes: 1 })) as IpcResult
    expect(r.ok).toBe(true)
    const report = (r as { result: FrameBenchReport }).result
    expect(report.received.medianMs).toBeGreaterThan(0)
    expect(report.painted.medianMs).toBeGreaterThan(0)
    // Window 7 asked: only it got the frames, each an exact-size copy (BatchCopier), as session frames are.
    expect(frames.map((f) => f.id)).toEqual([7, 7, 7, 7])
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3])
    expect(frames.every((f) => f.bufferBytes === report.frameBytes)).toBe(true)
  }, 60_000)

  it('dispose removes every handler and listener', () => {
    bridge.dispose()
    expect(handlers.size).toBe(0)
    host.emit('profiles.changed', { profiles: [] })
    expect(sent).toEqual([])
  })
})
