import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { bridgeHostToIpc } from '../../../src/main/shell/ipc-bridge'
import { startWebServer } from '../../../src/main/web/server'
import { socketProtocols } from '../../../src/shared/web-auth'
import type { HostReply } from '../../../src/shared/contract'
import { type ServerMessage, decodeServerMessage, encodeClientMessage } from '../../../src/shared/ws-codec'
import { FakeClient } from './fake-client'
import { MiniServer } from './mini-server'

let dir: string
let host: Host
let logged: string[]

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-endpoint-'))
  logged = []
  host = (await createHost({ dataDir: dir, decodeImage: null, log: (m) => logged.push(m) })).host
})

afterEach(async () => {
  await host.shutdown()
  rmSync(dir, { recursive: true, force: true })
})

async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A port free a moment ago (the request takes 1-65535, not 0). */
async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
  const { port } = s.address() as net.AddressInfo
  await new Promise<void>((ok) => s.close(() => ok()))
  return port
}

/** A request the contract refuses: a keysym far outside 32 bits. */
const BAD_KEY = { name: 'session.key', arg: { sessionId: 'x', keysym: 1e12, down: true } }

describe('host endpoint', () => {
  it('answers with a reply value: the result, or the error the host raised', async () => {
    const link = host.attach(new FakeClient('a'))
    expect(await link.request('profiles.list', undefined)).toEqual({ ok: true, result: [] })
    expect(await link.request(BAD_KEY.name, BAD_KEY.arg)).toMatchObject({ ok: false, error: { kind: 'protocol', code: 'HOST_INVALID_REQUEST' } })
    expect(await link.request('shell.openExternal', 'file:///')).toMatchObject({ ok: false, error: { code: 'HOST_UNKNOWN_REQUEST' } })
  })

  it('turns a failure that is not a HostError into "internal error", never its message', async () => {
    const link = host.attach(new FakeClient('a'))
    vi.spyOn(host, 'handle').mockRejectedValue(new Error('secret detail'))
    expect(await link.request('profiles.list', undefined)).toEqual({ ok: false, error: { kind: 'protocol', code: 'HOST_INTERNAL', message: 'internal error' } })
  })

  it('routes session events to the session owner only and profile changes to every client', async () => {
    const vnc = await new MiniServer().start()
    try {
      const alice = new FakeClient('alice')
      const bob = new FakeClient('bob')
      const a = host.attach(alice)
      host.attach(bob)
      const opened = (await a.request('session.open', { address: `127.0.0.1::${vnc.port}` })) as HostReply & { ok: true }
      const { sessionId } = opened.result as { sessionId: string }
      await until('a frame', () => alice.names().includes('session.frame'))
      // The new address book entry concerns everyone; the session itself only its owner.
      await until('the new entry', () => bob.names().includes('profiles.changed'))
      expect(bob.names().filter((n) => n.startsWith('session.'))).toEqual([])
      // Another client cannot drive the session (closing it is allowed: see session-registry tests).
      expect(await host.attach(new FakeClient('mallory')).request('session.pointer', { sessionId, buttons: 1, x: 0, y: 0 })).toMatchObject({
        ok: false,
        error: { code: 'HOST_UNKNOWN_SESSION' },
      })
    } finally {
      await vnc.stop()
    }
  })

  it('tells only the client that started listening about servers knocking', async () => {
    const owner = new FakeClient('owner')
    const other = new FakeClient('other')
    const link = host.attach(owner)
    host.attach(other)
    const port = await freePort()
    expect(await link.request('listen.start', { port, host: '127.0.0.1' })).toEqual({ ok: true, result: { port } })
    const vnc = new MiniServer({ width: 4, height: 3 })
    const socket = vnc.connectOut(port)
    try {
      await until('listen.incoming', () => owner.names().includes('listen.incoming'))
      expect(other.names()).not.toContain('listen.incoming')
    } finally {
      socket.destroy()
      vnc.dropAll()
    }
  })

  it("detaching stops delivery and ends the client's sessions and listener", async () => {
    const vnc = await new MiniServer().start()
    try {
      const alice = new FakeClient('alice')
      const link = host.attach(alice)
      await link.request('session.open', { address: `127.0.0.1::${vnc.port}` })
      // Connected and remembered in the address book: nothing of the session's is still being written.
      await until('the new entry', () => alice.names().includes('profiles.changed'))
      const seen = alice.delivered.length
      link.detach()
      link.detach()
      expect(host.sessionIds()).toEqual([])
      host.emit('profiles.changed', { profiles: [] })
      expect(alice.delivered).toHaveLength(seen)
    } finally {
      await vnc.stop()
    }
  })

  it('a client whose transport throws is logged and does not keep events from the others', () => {
    const broken = new FakeClient('broken')
    broken.deliver = () => {
      throw new Error('socket gone')
    }
    const fine = new FakeClient('fine')
    host.attach(broken)
    host.attach(fine)
    host.emit('profiles.changed', { profiles: [] })
    expect(fine.names()).toEqual(['profiles.changed'])
    expect(logged).toEqual(['cannot deliver profiles.changed: socket gone'])
  })
})

describe('both transports go through the one endpoint', () => {
  it('IPC and WebSocket each attach a client, get the same events and the same error for a bad message', async () => {
    const attach = vi.spyOn(host, 'attach')

    // Electron IPC, with a stand-in for ipcMain and the webContents.
    const handlers = new Map<string, (event: unknown, arg: unknown) => Promise<HostReply>>()
    const ipcSent: unknown[][] = []
    const bridge = bridgeHostToIpc({
      host,
      ipcMain: { handle: (c, l) => handlers.set(c, l as never), removeHandler: (c) => handlers.delete(c) },
      isTrustedSender: () => true,
      send: (_id, _channel, ...args) => ipcSent.push(args),
    })
    const ipcReply = await handlers.get(`tessera:${BAD_KEY.name}`)!({ senderFrame: { url: 'x', parent: null }, sender: { id: 1 } }, BAD_KEY.arg)

    // Browser mode's WebSocket.
    const web = await startWebServer({ host, rendererDir: dir, token: 'T', log: () => {} })
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, socketProtocols('T'), { headers: { Origin: `http://127.0.0.1:${web.port}` } })
    const inbox: ServerMessage[] = []
    ws.on('message', (data: Buffer, isBinary: boolean) => inbox.push(decodeServerMessage(isBinary ? new Uint8Array(data) : data.toString())))
    await new Promise((ok, fail) => ws.once('open', ok).once('error', fail))
    try {
      ws.send(encodeClientMessage({ type: 'request', id: 1, name: BAD_KEY.name as never, arg: BAD_KEY.arg }))
      await until('the response', () => inbox.some((m) => m.type === 'response'))
      expect(attach).toHaveBeenCalledTimes(2)

      const wsResponse = inbox.find((m) => m.type === 'response') as { error?: unknown }
      expect(ipcReply.ok).toBe(false)
      expect(wsResponse.error).toEqual((ipcReply as { error: unknown }).error)

      host.emit('profiles.changed', { profiles: [] })
      await until('the WebSocket event', () => inbox.some((m) => m.type === 'event'))
      expect(inbox.find((m) => m.type === 'event')).toEqual({ type: 'event', name: 'profiles.changed', payload: { profiles: [] } })
      expect(ipcSent).toEqual([['profiles.changed', { profiles: [] }]])
    } finally {
      ws.close()
      await web.close()
      bridge.dispose()
    }
  })
})
