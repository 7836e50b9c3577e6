import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/index'
import { takeSnapshot } from '../../../src/main/cli/snapshot'
import { TimeoutError } from '../../../src/main/rfb/errors'
import { MAX_QUEUED_SERVERS, listenForServers } from '../../../src/main/rfb/transport/listen'
import { Bytes } from '../../helpers/bytes'
import { serverInit } from '../../helpers/server-script'

/** Connects to a listening viewer as a server would, and serves a 2x1 screen in Raw. */
function reverseServer(port: number): net.Socket {
  const s = net.connect(port, '127.0.0.1')
  let stage = 0
  let buf = Buffer.alloc(0)
  s.on('connect', () => s.write(new Bytes().text('RFB 003.008\n').u8(1, 1).build()))
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d])
    if (stage === 0 && buf.length >= 13) {
      stage = 1
      buf = buf.subarray(13)
      s.write(new Bytes().u32(0).build())
    } else if (stage === 1 && buf.length >= 1) {
      stage = 2
      s.write(serverInit(2, 1, 'reverse'))
    }
    // Answer every FramebufferUpdateRequest (type 3, 10 bytes) with the whole screen.
    for (let i = buf.indexOf(3); stage === 2 && i >= 0 && buf.length - i >= 10; i = buf.indexOf(3)) {
      buf = buf.subarray(i + 10)
      s.write(new Bytes().u8(0, 0).u16(1).u16(0, 0, 2, 1).s32(0).u8(255, 0, 0, 0, 0, 0, 255, 0).build())
    }
  })
  s.on('error', () => {})
  return s
}

describe('listening for reverse connections', () => {
  it('a server that connects is handshaken with as if we had connected, and its screen decodes', async () => {
    const listener = await listenForServers({ host: '127.0.0.1', port: 0 })
    try {
      const server = reverseServer(listener.port)
      const transport = await listener.next(5000)
      const snap = await takeSnapshot({ host: '127.0.0.1', port: 0 }, { transport, timeoutMs: 5000 })
      expect(snap.info.init.name).toBe('reverse')
      expect(Array.from(snap.framebuffer.words)).toEqual([0xff0000ff, 0xffff0000])
      server.destroy()
    } finally {
      await listener.close()
    }
  })

  it('servers that connect while nobody waits are queued up to a bound, and one that resets while queued is dropped without crashing', async () => {
    const uncaught: unknown[] = []
    const onUncaught = (e: unknown): number => uncaught.push(e)
    process.on('uncaughtException', onUncaught)
    const listener = await listenForServers({ host: '127.0.0.1', port: 0 })
    const peers: net.Socket[] = []
    try {
      // A reset is what `tessera listen` meets when a second server gives up during the first one's snapshot.
      const connect = async (): Promise<net.Socket> => {
        const s = net.connect(listener.port, '127.0.0.1')
        s.on('error', () => {})
        peers.push(s)
        await new Promise((r) => s.once('connect', r))
        return s
      }
      const resetter = await connect()
      resetter.write('RFB 003.008\n')
      await new Promise((r) => setTimeout(r, 100))
      resetter.resetAndDestroy()
      // A flood of connections beyond the bound: the extra ones are closed at once.
      const flood = await Promise.all(Array.from({ length: MAX_QUEUED_SERVERS + 4 }, connect))
      const closedAtOnce = await Promise.all(
        flood.map((s) => Promise.race([new Promise((r) => s.once('close', () => r(true))), new Promise((r) => setTimeout(() => r(false), 500))])),
      )
      expect(closedAtOnce.filter(Boolean).length).toBe(4)
      // The reset one left the queue: the next server handed over is a live one.
      const first = await listener.next(1000)
      expect(first.description).toMatch(/^127\.0\.0\.1:\d+$/)
      first.close()
      expect(uncaught).toEqual([])
    } finally {
      process.off('uncaughtException', onUncaught)
      for (const s of peers) s.destroy()
      await listener.close()
    }
  })

  it('nobody connecting ends in a timeout, and a busy port in a clear error', async () => {
    const listener = await listenForServers({ host: '127.0.0.1', port: 0 })
    try {
      await expect(listener.next(50)).rejects.toBeInstanceOf(TimeoutError)
      await expect(listenForServers({ host: '127.0.0.1', port: listener.port })).rejects.toThrow(/port is in use/)
    } finally {
      await listener.close()
    }
  })

  it('tessera listen writes the screen of the first server that connects', async () => {
    const probe = await listenForServers({ host: '127.0.0.1', port: 0 })
    const port = probe.port
    await probe.close()
    const lines: string[] = []
    const file = `${process.env.TMPDIR ?? '/tmp'}/tessera-listen-${process.pid}.png`
    const run = main(
      ['listen', file, '--host', '127.0.0.1', '--port', String(port), '--timeout', '5'],
      (l) => lines.push(l),
      (l) => lines.push(l),
    )
    while (!lines.some((l) => l.startsWith('listening'))) await new Promise((r) => setTimeout(r, 10))
    const server = reverseServer(port)
    expect(await run, lines.join('\n')).toBe(0)
    expect(lines.at(-1)).toMatch(/2x1 from "reverse" \(reverse connection from 127\.0\.0\.1:\d+\)/)
    server.destroy()
  })
})
