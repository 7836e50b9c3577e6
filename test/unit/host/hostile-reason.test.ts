import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import type { HostEvents } from '../../../src/shared/contract'
import { Bytes } from '../../helpers/bytes'

// A server that refuses the password with a "reason" of 64 KiB holding escape sequences and bidi
// overrides: the question asking again quotes it cut short and escaped, as the error does.

let dir: string
let host: Host
let server: net.Server

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-reason-'))
  host = (await createHost({ dataDir: dir, decodeImage: null, log: () => {} })).host
})

afterEach(async () => {
  await host.shutdown()
  server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a login refused with a hostile reason', () => {
  it('asks again quoting at most 300 characters of it, controls escaped', async () => {
    const reason = Buffer.from(`\u202e\x1b[2Jdrowssap${'x'.repeat(65_000)}`, 'utf8')
    server = net.createServer((s) => {
      s.on('error', () => {})
      s.write(new Bytes().text('RFB 003.008\n').u8(1, 2).build())
      let got = 0
      s.on('data', (d) => {
        got += d.length
        // Version (12) and the chosen type (1): the challenge; then the response (16): the refusal.
        if (got === 13) s.write(new Uint8Array(16))
        if (got === 29) s.end(new Bytes().u32(1).u32(reason.length).bytes(reason).build())
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const asked: HostEvents['session.credentials'][] = []
    host.on('session.credentials', (e) => asked.push(e))
    const { sessionId } = (await host.handle('session.open', { address: `127.0.0.1::${(server.address() as net.AddressInfo).port}` })) as { sessionId: string }
    for (let i = 0; i < 100 && asked.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    await host.handle('session.credentials', { sessionId, password: 'pw', save: false })
    for (let i = 0; i < 100 && asked.length < 2; i++) await new Promise((r) => setTimeout(r, 20))
    const retry = asked[1]
    expect(retry).toMatchObject({ sessionId, retry: true })
    expect(retry.reason).toMatch(/^\\u202e\\u001b\[2Jdrowssapxxx/)
    expect(retry.reason!.length).toBeLessThan(400)
  })
})
