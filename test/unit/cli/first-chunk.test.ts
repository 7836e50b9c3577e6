// `tessera snapshot`, `record` and `probe --trace` against a server that sends messages in the same write as ServerInit (no
// update request needed: some servers push the first picture, a bell or cut text at once). The
// engine parses them before `connectRfb` resolves; the snapshot must still see them.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli'
import { takeSnapshot } from '../../../src/main/cli/snapshot'
import { Bytes } from '../../helpers/bytes'
import { none38 } from '../../helpers/server-script'

/** A full-screen Raw update of one colour (RGBX8888, what the engine asks for). */
function rawUpdate(w: number, h: number, rgb: [number, number, number]): Uint8Array {
  const px = new Uint8Array(w * h * 4)
  for (let i = 0; i < px.length; i += 4) px.set(rgb, i)
  return new Bytes().u8(0, 0).u16(1).u16(0, 0, w, h).s32(0).bytes(px).build()
}

/**
 * A server that writes its whole greeting up to ServerInit and `after` in one write, then answers
 * nothing (or hangs up with `hangUp`): what the client needs must come from that one write.
 */
async function oneWriteServer(after: Uint8Array, hangUp = false): Promise<{ port: number; close: () => void }> {
  const server = createServer((sock) => {
    sock.on('error', () => {})
    sock.write(Buffer.concat([none38(8, 4), after]))
    if (hangUp) sock.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { port: (server.address() as { port: number }).port, close: () => server.close() }
}

describe('tessera snapshot and messages in the same chunk as ServerInit', () => {
  it('takes the picture from an update that came with ServerInit, with a bell and cut text around it', async () => {
    const bell = Uint8Array.of(2)
    const cut = new Bytes().u8(3, 0, 0, 0).u32(2).text('hi').build()
    const srv = await oneWriteServer(Buffer.concat([bell, rawUpdate(8, 4, [10, 200, 30]), cut]))
    try {
      const snap = await takeSnapshot({ host: '127.0.0.1', port: srv.port, tls: false }, { timeoutMs: 3000, encodings: [0] })
      expect(snap.updates).toBe(1)
      expect(Array.from(snap.framebuffer.data.subarray(0, 4))).toEqual([10, 200, 30, 255])
    } finally {
      srv.close()
    }
  }, 10_000)

  it('reports a server that sends garbage with ServerInit and hangs up at once, instead of waiting for the timeout', async () => {
    const srv = await oneWriteServer(Uint8Array.of(0xee, 1, 2, 3), true)
    try {
      const started = performance.now()
      const err = await takeSnapshot({ host: '127.0.0.1', port: srv.port, tls: false }, { timeoutMs: 5000, encodings: [0] }).then(
        () => null,
        (e: Error & { code?: string }) => e,
      )
      expect(err?.code).toBe('RFB_ERR_MESSAGE_TYPE')
      expect(performance.now() - started).toBeLessThan(3000)
    } finally {
      srv.close()
    }
  }, 10_000)
})

describe('tessera record and probe and messages in the same chunk as ServerInit', () => {
  it('record counts the update that came with ServerInit', async () => {
    const srv = await oneWriteServer(rawUpdate(8, 4, [1, 2, 3]))
    const dir = mkdtempSync(join(tmpdir(), 'tessera-first-chunk-'))
    const out: string[] = []
    try {
      const code = await main(
        ['record', `127.0.0.1::${srv.port}`, join(dir, 'out.fbs'), '--seconds', '0.5'],
        (l) => out.push(l),
        () => {},
      )
      expect(code).toBe(0)
      expect(out.join('\n')).toMatch(/: 1 updates,/)
    } finally {
      srv.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 15_000)

  it('record reports a server that hung up in the same chunk as ServerInit at once, not after --seconds', async () => {
    const srv = await oneWriteServer(rawUpdate(8, 4, [1, 2, 3]), true)
    const dir = mkdtempSync(join(tmpdir(), 'tessera-first-chunk-'))
    const err: string[] = []
    try {
      const started = performance.now()
      const code = await main(
        ['record', `127.0.0.1::${srv.port}`, join(dir, 'out.fbs'), '--seconds', '8'],
        () => {},
        (l) => err.push(l),
      )
      expect(code, err.join('\n')).toBe(3)
      expect(err.join('\n')).toMatch(/closed the connection/)
      expect(performance.now() - started).toBeLessThan(4000)
    } finally {
      srv.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 15_000)

  it('probe --trace shows the first update when it came with ServerInit', async () => {
    const srv = await oneWriteServer(rawUpdate(8, 4, [1, 2, 3]))
    const out: string[] = []
    try {
      const started = performance.now()
      const code = await main(
        ['probe', `127.0.0.1::${srv.port}`, '--trace', '--timeout', '8'],
        (l) => out.push(l),
        () => {},
      )
      expect(code).toBe(0)
      expect(out.join('\n')).toMatch(/first update: 1 rects/)
      expect(performance.now() - started).toBeLessThan(4000)
    } finally {
      srv.close()
    }
  }, 15_000)
})
