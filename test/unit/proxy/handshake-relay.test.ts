import { describe, expect, it } from 'vitest'
import { RELAYED_SECURITY_TYPES, relayHandshake } from '../../../src/main/proxy/handshake-relay'
import { StreamReader } from '../../../src/main/proxy/stream-reader'
import { FakeTransport } from '../../helpers/fake-transport'
import { chunkings } from '../../helpers/feed'

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1')
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}
const reason = (s: string): Buffer => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)])
/** ServerInit for 320x240, 32 bpp true colour, named "desk". */
const SERVER_INIT = Buffer.concat([Buffer.from([1, 64, 0, 240, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]), reason('desk')])
const CHALLENGE = Buffer.alloc(16, 0xaa)
const RESPONSE = Buffer.alloc(16, 0x55)

/** Runs the relay with the server's and the viewer's bytes given up front, the server's cut into `chunks`. */
async function relay(serverChunks: Uint8Array[], viewerBytes: Buffer) {
  const s = new FakeTransport()
  const v = new FakeTransport()
  const server = new StreamReader(s, 'server')
  const viewer = new StreamReader(v, 'viewer')
  const notes: string[] = []
  const run = relayHandshake(server, viewer, (dir, line) => notes.push(`${dir} ${line}`))
  s.serve(...serverChunks)
  v.serve(viewerBytes)
  const settled = await run.then(
    (r) => ({ ok: r, error: null }),
    (e: Error) => ({ ok: null, error: e }),
  )
  return { ...settled, toServer: s.sent(), toViewer: v.sent(), notes }
}

describe('handshake relay', () => {
  it('passes VNC authentication through on 3.8, stripping what it cannot follow; split everywhere', async () => {
    const fromServer = Buffer.concat([ascii('RFB 003.008\n'), Buffer.from([3, 19, 2, 1]), CHALLENGE, u32(0), SERVER_INIT])
    const fromViewer = Buffer.concat([ascii('RFB 003.008\n'), Buffer.of(2), RESPONSE, Buffer.of(1)])
    for (const { label, chunks } of chunkings(fromServer)) {
      const r = await relay(chunks, fromViewer)
      expect(r.error, label).toBeNull()
      expect(r.ok).toMatchObject({ minor: 8, securityType: 2, stripped: [19], width: 320, height: 240, name: 'desk' })
      expect(r.toViewer.equals(Buffer.concat([ascii('RFB 003.008\n'), Buffer.from([2, 2, 1]), CHALLENGE, u32(0), SERVER_INIT])), label).toBe(true)
      expect(r.toServer.equals(Buffer.concat([ascii('RFB 003.008\n'), Buffer.of(2), RESPONSE, Buffer.of(1)])), label).toBe(true)
      expect(r.notes).toContain('proxy stripped security types the proxy cannot follow: VeNCrypt')
    }
  })

  it('speaks the lower version: a 3.3 viewer with a 3.8 server gets the type as a u32 and no SecurityResult for None', async () => {
    const r = await relay([Buffer.concat([ascii('RFB 003.008\n'), u32(1), SERVER_INIT])], Buffer.concat([ascii('RFB 003.003\n'), Buffer.of(0)]))
    // A 3.3 server picks one type itself; here the "server" was answered 3.3 and sends u32 1.
    expect(r.error).toBeNull()
    expect(r.ok).toMatchObject({ minor: 3, securityType: 1 })
    expect(r.toServer.equals(Buffer.concat([ascii('RFB 003.003\n'), Buffer.of(0)]))).toBe(true)
    expect(r.toViewer.equals(Buffer.concat([ascii('RFB 003.008\n'), u32(1), SERVER_INIT]))).toBe(true)
  })

  it('tells the viewer why when the server offers nothing the proxy can follow', async () => {
    const r = await relay([Buffer.concat([ascii('RFB 003.008\n'), Buffer.from([2, 19, 18])])], ascii('RFB 003.008\n'))
    expect(r.error?.message).toMatch(/offers only VeNCrypt, TLS; the proxy passes on None and VNC authentication/)
    expect(r.toViewer.subarray(12, 13)[0]).toBe(0)
    expect(r.toViewer.subarray(17).toString()).toMatch(/the proxy passes on None and VNC authentication/)
    expect(RELAYED_SECURITY_TYPES).toEqual([1, 2])
  })

  it("passes the server's refusal and a failed authentication on with their reasons", async () => {
    const refused = await relay([Buffer.concat([ascii('RFB 003.008\n'), Buffer.of(0), reason('too many clients')])], ascii('RFB 003.008\n'))
    expect(refused.error?.message).toBe('the server refused the connection (it said “too many clients”)')
    expect(refused.toViewer.equals(Buffer.concat([ascii('RFB 003.008\n'), Buffer.of(0), reason('too many clients')]))).toBe(true)
    const failed = await relay(
      [Buffer.concat([ascii('RFB 003.008\n'), Buffer.from([1, 2]), CHALLENGE, u32(1), reason('wrong password')])],
      Buffer.concat([ascii('RFB 003.008\n'), Buffer.of(2), RESPONSE]),
    )
    expect(failed.error?.message).toBe('authentication failed (the server said “wrong password”)')
    expect(failed.toViewer.subarray(-4 - 4 - 14).equals(Buffer.concat([u32(1), reason('wrong password')]))).toBe(true)
  })

  it('refuses a viewer that picks a type not offered, a reason beyond 64 KiB and a name beyond the limit', async () => {
    const picked = await relay([Buffer.concat([ascii('RFB 003.008\n'), Buffer.from([1, 1])])], Buffer.concat([ascii('RFB 003.008\n'), Buffer.of(2)]))
    expect(picked.error?.message).toMatch(/chose security type 2, which was not offered/)
    const long = await relay([Buffer.concat([ascii('RFB 003.008\n'), Buffer.of(0), u32(65537)])], ascii('RFB 003.008\n'))
    expect(long.error).toMatchObject({ code: 'RFB_ERR_LIMIT' })
    const init = Buffer.from(SERVER_INIT.subarray(0, 24))
    init.writeUInt32BE(65537, 20)
    const name = await relay(
      [Buffer.concat([ascii('RFB 003.008\n'), Buffer.from([1, 1]), u32(0), init])],
      Buffer.concat([ascii('RFB 003.008\n'), Buffer.of(1), Buffer.of(1)]),
    )
    expect(name.error).toMatchObject({ code: 'RFB_ERR_LIMIT' })
  })

  it('refuses a viewer that does not speak RFB, and says so', async () => {
    const r = await relay([ascii('RFB 003.008\n')], ascii('GET / HTTP/1.1'))
    expect(r.error?.message).toMatch(/the viewer did not answer with an RFB version/)
  })
})
