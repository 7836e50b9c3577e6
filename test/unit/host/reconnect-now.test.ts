import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import type { HostEvents } from '../../../src/shared/contract'
import { MiniServer } from './mini-server'

type State = HostEvents['session.state']

let dir: string
let host: Host
let server: MiniServer | null = null
const states: State[] = []

/** The first state event after `from` that `test` accepts, within `timeoutMs`. */
async function nextState(test: (s: State) => boolean, from: number, timeoutMs: number): Promise<State> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = states.slice(from).find(test)
    if (found) return found
    if (Date.now() > deadline) throw new Error(`no such state within ${timeoutMs} ms; saw ${states.map((s) => s.state).join(', ')}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-host-'))
  // A wait long enough that only "Reconnect now" can explain a quick reconnection.
  host = (
    await createHost({ dataDir: dir, keychain: null, decodeImage: null, log: () => {}, timings: { reconnect: { baseMs: 10_000, maxMs: 40_000, attempts: 3 } } })
  ).host
  host.on('session.state', (s: State) => states.push(s))
})

afterEach(async () => {
  await host.shutdown()
  await server?.stop().catch(() => undefined)
  states.length = 0
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

describe('session.reconnect ("Reconnect now")', () => {
  it('tries at once while the session waits to reconnect, and starts the back-off afresh', async () => {
    server = await new MiniServer({}).start()
    const { sessionId } = (await host.handle('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string }
    await nextState((s) => s.sessionId === sessionId && s.state === 'connected', 0, 5_000)
    await server.stop()
    const waiting = await nextState((s) => s.sessionId === sessionId && s.state === 'reconnecting', 0, 5_000)
    expect(waiting.retryInMs).toBe(10_000)
    // Still down: the attempt fails at once and the wait starts again from the first step (not 20 s).
    let from = states.length
    await host.handle('session.reconnect', { sessionId })
    const again = await nextState((s) => s.sessionId === sessionId && s.state === 'reconnecting', from, 2_000)
    expect(again.retryInMs).toBe(10_000)
    // Back: connected long before the 10 s wait.
    await server.restart()
    from = states.length
    const asked = Date.now()
    await host.handle('session.reconnect', { sessionId })
    await nextState((s) => s.sessionId === sessionId && s.state === 'connected', from, 2_000)
    expect(Date.now() - asked).toBeLessThan(2_000)
    // Connected: nothing to do.
    from = states.length
    await host.handle('session.reconnect', { sessionId })
    await new Promise((r) => setTimeout(r, 100))
    expect(states.slice(from)).toEqual([])
  })
})
