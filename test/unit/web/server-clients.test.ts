import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createHost } from '../../../src/main/host/create-host'
import { type Host, MAX_SESSIONS } from '../../../src/main/host/host'
import { CLOSE_TOO_MANY_CLIENTS, MAX_CLIENTS, type WebServer, startWebServer } from '../../../src/main/web/server'
import { newProfile } from '../../../src/shared/profile'
import { socketProtocols } from '../../../src/shared/web-auth'
import { type ServerMessage, decodeServerMessage, encodeClientMessage } from '../../../src/shared/ws-codec'

// The cap on authenticated sockets in browser mode: one past it is closed with a code that says
// why, and the sockets already open keep working.

let work: string
let host: Host
let web: WebServer
const sockets: WebSocket[] = []

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-web-clients-'))
  mkdirSync(join(work, 'renderer'))
  writeFileSync(join(work, 'renderer', 'index.html'), '<!doctype html>')
  host = (await createHost({ dataDir: join(work, 'data'), decodeImage: null, log: () => {} })).host
  web = await startWebServer({ host, rendererDir: join(work, 'renderer'), token: 'T0ken-for-tests', log: () => {} })
})

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate()
  await web.close()
  await host.shutdown()
  rmSync(work, { recursive: true, force: true })
})

interface Client {
  ws: WebSocket
  /** Resolves with the close code and reason once the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>
  call(name: string, arg?: unknown): Promise<ServerMessage>
}

/** An authenticated socket, open (or already closed by the server) once this resolves. */
function connect(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, socketProtocols(web.token), { headers: { Origin: `http://127.0.0.1:${web.port}` } })
    sockets.push(ws)
    const replies = new Map<number, (m: ServerMessage) => void>()
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const m = decodeServerMessage(isBinary ? new Uint8Array(data) : data.toString())
      if (m.type === 'response') replies.get(m.id)?.(m)
    })
    const closed = new Promise<{ code: number; reason: string }>((done) => ws.once('close', (code, reason) => done({ code, reason: reason.toString() })))
    let id = 0
    const call = (name: string, arg?: unknown): Promise<ServerMessage> => {
      const myId = ++id
      ws.send(encodeClientMessage({ type: 'request', id: myId, name: name as never, arg }))
      return new Promise((done, fail) => {
        replies.set(myId, done)
        setTimeout(() => fail(new Error(`no reply to ${name} within 5 s`)), 5_000)
      })
    }
    ws.once('open', () => resolve({ ws, closed, call }))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

const listeners = (): number => host.listenerCount('profiles.changed')

describe('browser-mode WebSocket cap', () => {
  it('fits a browser tab for every session the host allows, plus an address book and a wall, and stays bounded', () => {
    expect(MAX_CLIENTS).toBeGreaterThanOrEqual(MAX_SESSIONS + 2)
    expect(MAX_CLIENTS).toBeLessThanOrEqual(2 * MAX_SESSIONS)
  })

  it(`accepts ${MAX_CLIENTS} sockets, closes the next with ${CLOSE_TOO_MANY_CLIENTS}, and the others keep working`, async () => {
    const before = listeners()
    const open: Client[] = []
    for (let i = 0; i < MAX_CLIENTS; i++) open.push(await connect())
    for (const c of open) expect(await c.call('profiles.list')).toMatchObject({ type: 'response', result: [] })
    // The host's endpoint routes events to every socket from one set of listeners: none per socket.
    expect(listeners()).toBe(before)

    const extra = await connect()
    expect(await extra.closed).toEqual({ code: CLOSE_TOO_MANY_CLIENTS, reason: expect.stringMatching(/too many Tessera tabs/) })
    // The refused socket was never attached: nothing of it stays in the host either.
    expect(listeners()).toBe(before)

    for (const c of open) {
      expect(c.ws.readyState).toBe(WebSocket.OPEN)
      expect(await c.call('profiles.list')).toMatchObject({ type: 'response', result: [] })
    }
    // Events still reach every open socket.
    const events = open.map(
      (c) =>
        new Promise<void>((done) =>
          c.ws.on('message', (data: Buffer, isBinary: boolean) => {
            const m = decodeServerMessage(isBinary ? new Uint8Array(data) : data.toString())
            if (m.type === 'event' && m.name === 'profiles.changed') done()
          }),
        ),
    )
    expect(await open[0].call('profiles.save', newProfile({ id: '', name: 'Lab', host: 'lab' }))).toMatchObject({ type: 'response', result: { name: 'Lab' } })
    await Promise.all(events)
  })

  it('a place freed by a closed socket can be taken again', async () => {
    const open: Client[] = []
    for (let i = 0; i < MAX_CLIENTS; i++) open.push(await connect())
    const refused = await connect()
    expect((await refused.closed).code).toBe(CLOSE_TOO_MANY_CLIENTS)
    open[0].ws.close()
    await open[0].closed
    const again = await connect()
    expect(await again.call('profiles.list')).toMatchObject({ type: 'response', result: [] })
    expect(again.ws.readyState).toBe(WebSocket.OPEN)
  })
})
