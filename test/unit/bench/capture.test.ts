import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Encoding } from '@shared/encodings'
import { capture } from '../../../bench/recording/capture'
import { Bytes } from '../../helpers/bytes'
import { clientMessageLength } from '../../helpers/client-message-length'
import { imageUpdate, none38 } from '../../helpers/server-script'

const W = 64
const H = 48

/** A whole-screen Raw update in the client's RGBX8888: 4 bytes a pixel. */
const rawScreen = (fill: number): Uint8Array => imageUpdate(Encoding.Raw, W, H, new Uint8Array(W * H * 4).fill(fill))
/** A FramebufferUpdate of no rects, as a server may send unasked. */
const emptyUpdate = new Bytes().u8(0, 0).u16(0).build()

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

/**
 * A still screen that changes once, late: the first request is answered, later ones wait. After
 * `lateMs` the server sends an update nobody asked for and, in the same write, the first half of
 * the whole screen that answers the waiting request; the second half follows `restMs` later. This
 * is QEMU's order when its guest sets a video mode: the new desktop size, then the new screen.
 */
async function lateChangeServer(lateMs: number, restMs: number): Promise<number> {
  const server = net.createServer((sock) => {
    sock.on('error', () => {})
    let buf = Buffer.alloc(0)
    let handshake = 12 + 1 + 1
    let requests = 0
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      const skip = Math.min(handshake, buf.length)
      handshake -= skip
      buf = buf.subarray(skip)
      for (let n = clientMessageLength(buf, 'late-change server'); n !== null && buf.length >= n; n = clientMessageLength(buf, 'late-change server')) {
        if (buf[0] === 3 && ++requests === 1) sock.write(rawScreen(0x40))
        buf = buf.subarray(n)
      }
    })
    const screen = rawScreen(0x80)
    const half = screen.length >> 1
    const late = setTimeout(() => {
      sock.write(Buffer.concat([emptyUpdate, screen.subarray(0, half)]))
      setTimeout(() => sock.write(screen.subarray(half)), restMs)
    }, lateMs)
    sock.on('close', () => clearTimeout(late))
    sock.write(none38(W, H, 'late change'))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => server.close())
  return (server.address() as net.AddressInfo).port
}

describe('capture (npm run bench:record)', () => {
  it('ends the recording at a message boundary when an unasked update comes just before the answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-capture-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const port = await lateChangeServer(400, 150)
    // Time is up long before the change: the request in flight waits for it.
    const r = await capture({ host: '127.0.0.1', port }, join(dir, 'late.fbs'), { encodings: [Encoding.Raw], seconds: 0.1 })
    // The first screen, the unasked update and the new screen, all whole (capture replays the file to check).
    expect(r.updates).toBe(3)
    expect(r.encodings).toEqual(['Raw'])
  })
})
