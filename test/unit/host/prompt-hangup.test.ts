import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import { HostError } from '../../../src/main/host/errors'
import type { Host } from '../../../src/main/host/host'
import type { EventName, HostEvents } from '../../../src/shared/contract'
import { EVENT_NAMES } from '../../../src/shared/schemas'
import { MiniServer } from './mini-server'

// A server that hangs up while the user is answering its password question: the host ends the
// session at once with an error that says so (the renderer closes the dialog on 'closed'), and
// the late answer finds nothing waiting. Issue 12, "Reading while a person decides".

type Event = { [K in EventName]: { name: K; payload: HostEvents[K] } }[EventName]

let dir: string
let host: Host
let mini: MiniServer
let events: Event[]

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-host-hangup-'))
  host = (await createHost({ dataDir: dir, decodeImage: null, log: () => {}, timings: { reconnect: { baseMs: 20, maxMs: 100, attempts: 3 } } })).host
  events = []
  for (const name of EVENT_NAMES) host.on(name, (payload: HostEvents[typeof name]) => events.push({ name, payload } as Event))
  mini = await new MiniServer({ password: 'sesame' }).start()
})

afterEach(async () => {
  await host.shutdown()
  await mini.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function next<K extends EventName>(name: K, test: (p: HostEvents[K]) => boolean, timeoutMs = 5_000): Promise<HostEvents[K]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const hit = events.find((e) => e.name === name && test(e.payload as HostEvents[K]))
    if (hit) return hit.payload as HostEvents[K]
    if (Date.now() > deadline) throw new Error(`no ${name}; saw ${events.map((e) => (e.name === 'session.state' ? e.payload.state : e.name)).join(', ')}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('the host and a server that hangs up during the password question', () => {
  it('ends the session at once, saying the server hung up, and does not reconnect', async () => {
    const { sessionId } = (await host.handle('session.open', { address: `127.0.0.1::${mini.port}` })) as { sessionId: string }
    await next('session.credentials', (p) => p.sessionId === sessionId)
    const hungUp = performance.now()
    mini.dropAll()
    const end = await next('session.state', (p) => p.sessionId === sessionId && p.state === 'closed', 2_000)
    expect(performance.now() - hungUp).toBeLessThan(1_500)
    expect(end.error).toMatchObject({ kind: 'network', code: 'RFB_ERR_CLOSED_WHILE_ASKING' })
    expect(end.error!.message).toMatch(/while waiting for your answer/)
    const states = events.flatMap((e) => (e.name === 'session.state' && e.payload.sessionId === sessionId ? [e.payload.state] : []))
    expect(states).not.toContain('reconnecting')
    expect(mini.connections).toBe(1)
    // The answer typed after the hang-up has nobody to go to.
    const late = await host.handle('session.credentials', { sessionId, password: 'sesame' }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(late).toBeInstanceOf(HostError)
  })

  it('on a reconnect that asks for a password, ends rather than reconnecting behind the dead question', async () => {
    mini.options.password = undefined
    const { sessionId } = (await host.handle('session.open', { address: `127.0.0.1::${mini.port}` })) as { sessionId: string }
    await next('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
    // The server comes back wanting a password nobody typed yet: the reconnect asks for it.
    mini.options.password = 'sesame'
    mini.dropAll()
    await next('session.credentials', (p) => p.sessionId === sessionId)
    const reconnects = (): number =>
      events.filter((e) => e.name === 'session.state' && e.payload.sessionId === sessionId && e.payload.state === 'reconnecting').length
    expect(reconnects()).toBe(1)
    mini.dropAll()
    const end = await next('session.state', (p) => p.sessionId === sessionId && p.state === 'closed', 2_000)
    expect(end.error).toMatchObject({ kind: 'network', code: 'RFB_ERR_CLOSED_WHILE_ASKING' })
    await new Promise((r) => setTimeout(r, 300))
    expect(reconnects()).toBe(1)
    expect(mini.connections).toBe(2)
  })
})
