// A server that stops reading while the person keeps working: what we write must not pile up
// in the socket for as long as the window stays open (docs/security.md, "Hostile servers").
import { afterEach, describe, expect, it } from 'vitest'
import type { RfbError } from '../../../src/main/rfb/errors'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { MAX_WRITE_BACKLOG, WRITE_BACKLOG_CEILING } from '../../../src/main/rfb/read-gate'
import { RfbClient } from '../../../src/main/rfb/session'
import { connectTcp } from '../../../src/main/rfb/transport/tcp'
import { none38 } from '../../helpers/server-script'
import { type ScriptServer, scriptServer } from './script-server'

let server: ScriptServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

/** A server past ServerInit that never reads again; resolves with the client and its transport. */
async function deafServer() {
  server = await scriptServer(async (c) => {
    c.send(none38(64, 48))
    await c.read(12 + 1 + 1)
    c.stopReading()
  })
  const client = new RfbClient({ sink: new FramebufferSink() })
  const transport = await connectTcp('127.0.0.1', server.port)
  const closed = new Promise<RfbError | null>((resolve) => client.once('close', (e: RfbError | null) => resolve(e)))
  await client.start(transport)
  return { client, transport, closed }
}

const MiB = 2 ** 20
/** A clipboard text of `mib` MiB (plain cut text goes out up to 1 MiB), different each time. */
const text = (mib: number, n: number): string => `${n}:`.padEnd(mib * MiB, 'x')

describe('a server that stops reading what we send', () => {
  it('ends the session with a clear error once what waits to go out passes the ceiling', async () => {
    const { client, transport, closed } = await deafServer()
    let ended = false
    void closed.then(() => (ended = true))
    let peak = 0
    let offers = 0
    // The kernel's socket buffers take the first few MiB; what is left waits in the transport.
    while (!ended && offers < 200) {
      client.sendClipboard(text(1, offers++))
      for (let i = 0; i < 1000; i++) client.sendPointer(0, i % 64, 1)
      peak = Math.max(peak, transport.writeBacklog)
      await new Promise((r) => setImmediate(r))
    }
    const error = await closed
    console.log(`deaf server: ${offers} clipboard offers, peak backlog ${(peak / MiB).toFixed(1)} MiB; ${error?.message}`)
    expect(error?.code).toBe('RFB_ERR_NOT_READING')
    expect(error?.message).toMatch(/stopped reading/)
    expect(peak, 'the ceiling was really reached').toBeGreaterThan(WRITE_BACKLOG_CEILING)
    expect(peak, 'unsent writes at their peak').toBeLessThan(WRITE_BACKLOG_CEILING + 2 * MiB)
  }, 30_000)

  it('keeps a session whose backlog passes the read-gate line but not the ceiling', async () => {
    const { client, transport, closed } = await deafServer()
    let ended = false
    void closed.then(() => (ended = true))
    for (let n = 0; n < 24; n++) client.sendClipboard(text(1, n))
    await new Promise((r) => setTimeout(r, 500))
    expect(transport.writeBacklog, 'more waiting than the read-gate line').toBeGreaterThan(MAX_WRITE_BACKLOG)
    expect(ended, 'session still open').toBe(false)
    client.close()
    await closed
  }, 30_000)
})
