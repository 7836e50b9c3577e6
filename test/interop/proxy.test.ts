// `tessera proxy`: the engine through the proxy against TigerVNC (every encoding the engine asks
// for parsed on the way), security types and encodings stripped, and a throttled viewer.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Snapshot, takeSnapshot } from '../../src/main/cli/snapshot'
import type { ProxyStats } from '../../src/main/proxy/proxy-session'
import { type ProxyServer, startProxyServer } from '../../src/main/proxy/proxy-server'
import { firstDifference } from '../helpers/compare'
import { type RunningServer, selfSignedCertificate, serverAvailable, startServer } from '../helpers/vnc-servers'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const RAW = 0

function expectSamePixels(a: Snapshot, b: Snapshot, what: string): void {
  expect(firstDifference(a.framebuffer, b.framebuffer), what).toBeNull()
}

/** A proxy in front of `port`, collecting its notes, trace and session stats. */
async function proxyTo(port: number, bufferBytes?: number, trace = false) {
  const notes: string[] = []
  const lines: string[] = []
  const sessions: ProxyStats[] = []
  const waiters: ((s: ProxyStats) => void)[] = []
  const proxy: ProxyServer = await startProxyServer(
    { host: '127.0.0.1', port: 0 },
    {
      target: { host: '127.0.0.1', port },
      bufferBytes,
      note: (l) => notes.push(l),
      trace: trace ? (l) => lines.push(l) : undefined,
      onSession: (s) => {
        sessions.push(s)
        waiters.shift()?.(s)
      },
    },
  )
  const address = proxy.address as { host: string; port: number }
  return {
    proxy,
    port: address.port,
    notes,
    lines,
    nextSession: () => new Promise<ProxyStats>((r) => (sessions.length ? r(sessions.shift()!) : waiters.push(r))),
  }
}

describe.skipIf(!serverAvailable('tigervnc'))('tessera proxy against TigerVNC', () => {
  let vnc: RunningServer
  let tmp: string
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tessera-proxy-'))
    const tls = selfSignedCertificate(tmp)
    // VeNCrypt first, None last: the proxy must strip what it cannot follow and leave None.
    vnc = await startServer('tigervnc', { content: 'static', width: 320, height: 240, tls, securityTypes: ['X509None', 'TLSNone', 'None'] })
  }, 60_000)
  afterAll(async () => {
    await vnc?.stop()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('a snapshot through the proxy equals a direct Raw one, in Raw and in the default encodings', async () => {
    const p = await proxyTo(vnc.port, undefined, true)
    try {
      const direct = await takeSnapshot({ host: '127.0.0.1', port: vnc.port }, { encodings: [RAW], timeoutMs: 20_000 })
      const viaRaw = await takeSnapshot({ host: '127.0.0.1', port: p.port }, { encodings: [RAW], timeoutMs: 20_000 })
      expectSamePixels(viaRaw, direct, 'Raw through the proxy')
      expect(viaRaw.info.offeredSecurity).toEqual([1])
      const viaDefault = await takeSnapshot({ host: '127.0.0.1', port: p.port }, { timeoutMs: 20_000 })
      expectSamePixels(viaDefault, direct, 'default encodings through the proxy')
      expect(
        [...viaDefault.encodings].some((e) => e !== RAW),
        'the server used a compressed encoding',
      ).toBe(true)
      expect(p.notes.join('\n')).toMatch(/stripped security types the proxy cannot follow: VeNCrypt/)
      const trace = p.lines.join('\n')
      expect(trace).toMatch(/S>C ServerInit 320x240/)
      expect(trace).toMatch(/C>S SetEncodings Tight, /)
      expect(trace).toMatch(/S>C FramebufferUpdate \d+ rects/)
      expect(trace).toMatch(/S>C {3}rect \d+x\d+\+\d+\+\d+ Raw/)
    } finally {
      await p.proxy.close()
    }
  }, 60_000)

  it('a throttled viewer: the proxy reads the server far ahead of it, up to the bound, then pauses', async () => {
    const bound = 8 * 1024 * 1024
    const p = await proxyTo(vnc.port, bound)
    const rate = 256 * 1024
    const seconds = 2.5
    let consumed = 0
    try {
      const sock = net.connect({ host: '127.0.0.1', port: p.port })
      await new Promise((r) => sock.once('connect', r))
      const inbox: Buffer[] = []
      const onData = (d: Buffer): void => void inbox.push(d)
      sock.on('data', onData)
      const take = async (n: number): Promise<Buffer> => {
        const deadline = Date.now() + 10_000
        while (Buffer.concat(inbox).length < n) {
          if (Date.now() > deadline) throw new Error(`viewer handshake: waited for ${n} bytes`)
          await new Promise((r) => setTimeout(r, 5))
        }
        const all = Buffer.concat(inbox)
        inbox.length = 0
        if (all.length > n) inbox.push(all.subarray(n))
        return all.subarray(0, n)
      }
      expect((await take(12)).toString('latin1')).toBe('RFB 003.008\n')
      sock.write('RFB 003.008\n')
      const count = (await take(1))[0]
      expect([...(await take(count))]).toEqual([1])
      sock.write(Buffer.of(1))
      expect((await take(4)).readUInt32BE(0)).toBe(0)
      sock.write(Buffer.of(1))
      const init = await take(24)
      await take(init.readUInt32BE(20))
      // From here on the viewer reads at `rate` only; TCP holds back the rest.
      sock.off('data', onData)
      sock.pause()
      if (inbox.length) sock.unshift(Buffer.concat(inbox))
      // Raw, and a full-screen request every 10 ms whatever has been read: 307 KB asked for each time.
      const setEncodings = Buffer.alloc(8)
      setEncodings[0] = 2
      setEncodings.writeUInt16BE(1, 2)
      sock.write(setEncodings)
      const request = Buffer.from([3, 0, 0, 0, 0, 0, 320 >> 8, 320 & 255, 0, 240])
      const asking = setInterval(() => sock.write(request), 10)
      const reading = setInterval(() => {
        const n = Math.min(rate / 20, sock.readableLength)
        if (n > 0) consumed += (sock.read(n) as Buffer | null)?.length ?? 0
      }, 50)
      await new Promise((r) => setTimeout(r, seconds * 1000))
      clearInterval(asking)
      clearInterval(reading)
      sock.destroy()
    } finally {
      await p.proxy.close()
    }
    const s = await p.nextSession()
    const fullSpeed = s.firstPause ? (s.firstPause.bytes / 1e6 / (s.firstPause.ms / 1000)).toFixed(1) : '-'
    console.log(
      `throttled viewer: took ${(consumed / 1e6).toFixed(2)} MB in ${seconds} s; the proxy read ${(s.serverBytes / 1e6).toFixed(1)} MB from the server ` +
        `(${s.firstPause ? `${(s.firstPause.bytes / 1e6).toFixed(1)} MB in the first ${s.firstPause.ms.toFixed(0)} ms, ${fullSpeed} MB/s` : 'never paused'}), ` +
        `held at most ${(s.peakBuffered / 1e6).toFixed(1)} MB (bound ${(bound / 1e6).toFixed(1)} MB), paused ${s.pauses} times, ${s.updates} updates`,
    )
    // The server was drained far ahead of the viewer, and the proxy did not wait for it to read.
    expect(s.serverBytes).toBeGreaterThan(5 * consumed)
    expect(s.serverBytes).toBeGreaterThan(bound)
    // At the bound, reading stopped: what was held never grew past it by more than one update.
    expect(s.pauses).toBeGreaterThanOrEqual(1)
    expect(s.peakBuffered).toBeLessThan(bound + 2 * 320 * 240 * 4 + 65536)
    // Everything forwarded was whole messages, the last of them possibly cut by the viewer's close.
    expect(s.error).toBeNull()
  }, 60_000)
})
