import { describe, expect, it, vi } from 'vitest'
import { NetworkError, TimeoutError, UnsupportedError } from '../../../../src/main/rfb/errors'
import { REPEATER_BLOCK_LENGTH, SILENT_REPEATER_MS, repeaterBlock, startRepeater } from '../../../../src/main/rfb/transport/repeater'
import type { Transport } from '../../../../src/main/rfb/transport/transport'
import { parseTarget } from '../../../../src/shared/target'
import { FakeTransport } from '../../../helpers/fake-transport'

const GREETING = Buffer.from('RFB 000.000\n', 'latin1')
const SERVER = Buffer.from('RFB 003.008\n', 'latin1')

/** The block's text (up to its first NUL), after checking it is exactly 250 bytes, NUL-padded. */
function blockText(block: Uint8Array): string {
  expect(block.length).toBe(REPEATER_BLOCK_LENGTH)
  const nul = block.indexOf(0)
  expect(nul).toBeGreaterThan(0)
  expect(
    block.subarray(nul).every((b) => b === 0),
    'padding is all NUL',
  ).toBe(true)
  return Buffer.from(block.subarray(0, nul)).toString('latin1')
}

/** Runs the handshake with the repeater's bytes cut into `chunks`, then collects what the engine would get. */
async function handshake(chunks: Uint8Array[], target = 'rep/ID:1234'): Promise<{ fake: FakeTransport; transport: Transport; got: Buffer[] }> {
  const fake = new FakeTransport()
  const opened = startRepeater(fake, parseTarget(target), 1000)
  fake.serve(...chunks)
  const transport = await opened
  const got: Buffer[] = []
  transport.start({ data: (c) => got.push(Buffer.from(c)), close: () => undefined })
  return { fake, transport, got }
}

describe('repeater block', () => {
  it('names a mode II server by ID and a mode I server by host:port, NUL-padded to 250 bytes', () => {
    expect(blockText(repeaterBlock(parseTarget('rep/ID:1234')))).toBe('ID:1234')
    expect(blockText(repeaterBlock(parseTarget('rep/id:7')))).toBe('ID:7')
    expect(blockText(repeaterBlock(parseTarget('rep/server.lan:1')))).toBe('server.lan:5901')
    expect(blockText(repeaterBlock(parseTarget('rep/10.0.0.2::6000')))).toBe('10.0.0.2:6000')
  })

  it('takes a name of 249 bytes (room for the NUL) and refuses 250', () => {
    const host = (n: number): string => 'a'.repeat(n - ':5900'.length)
    expect(blockText(repeaterBlock({ host: host(249), port: 5900, repeater: { host: 'r', port: 1 } }))).toHaveLength(249)
    expect(() => repeaterBlock({ host: host(250), port: 5900, repeater: { host: 'r', port: 1 } })).toThrow(/longer than the 249 bytes/)
  })

  it('refuses what a repeater cannot read: IPv6 literals and non-ASCII names', () => {
    expect(() => repeaterBlock(parseTarget('rep/[::1]:1'))).toThrow(UnsupportedError)
    expect(() => repeaterBlock(parseTarget('rep/h\u00f6st:1'))).toThrow(/plain ASCII/)
  })
})

describe('repeater handshake', () => {
  const stream = Buffer.concat([GREETING, SERVER])

  it('reads the greeting, sends the block, and hands over the server stream (whole)', async () => {
    const { fake, got } = await handshake([stream])
    expect(blockText(fake.sent())).toBe('ID:1234')
    expect(Buffer.concat(got).toString('latin1')).toBe('RFB 003.008\n')
  })

  it('works with the bytes split at every offset and byte by byte', async () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const { fake, got, transport } = await handshake([stream.subarray(0, cut), stream.subarray(cut)])
      expect(blockText(fake.sent()), `cut at ${cut}`).toBe('ID:1234')
      expect(Buffer.concat(got).toString('latin1'), `cut at ${cut}`).toBe('RFB 003.008\n')
      transport.close()
    }
    const { got } = await handshake([...stream].map((b) => Uint8Array.of(b)))
    expect(Buffer.concat(got).toString('latin1')).toBe('RFB 003.008\n')
  })

  it('keeps bytes arriving between the handshake and the engine start, and pauses the stream meanwhile', async () => {
    const fake = new FakeTransport()
    const opened = startRepeater(fake, parseTarget('rep/ID:1'), 1000)
    fake.serve(GREETING)
    const transport = await opened
    expect(fake.paused).toBe(true)
    fake.serve(SERVER.subarray(0, 4), SERVER.subarray(4))
    const got: Buffer[] = []
    transport.start({ data: (c) => got.push(Buffer.from(c)), close: () => undefined })
    expect(fake.paused).toBe(false)
    expect(Buffer.concat(got).toString('latin1')).toBe('RFB 003.008\n')
    fake.serve(Buffer.from('more'))
    expect(Buffer.concat(got).toString('latin1')).toBe('RFB 003.008\nmore')
  })

  it('says so when the peer is a VNC server and not a repeater, and sends it nothing', async () => {
    const fake = new FakeTransport()
    const opened = startRepeater(fake, parseTarget('rep/ID:1'), 1000)
    fake.serve(SERVER)
    await expect(opened).rejects.toThrow(/is a VNC server \(it greets with RFB 003\.008\), not an UltraVNC repeater/)
    await expect(opened).rejects.toMatchObject({ code: 'RFB_ERR_REPEATER' })
    expect(fake.sent().length).toBe(0)
    expect(fake.closed).toBe(true)
  })

  it('refuses any other greeting', async () => {
    const fake = new FakeTransport()
    const opened = startRepeater(fake, parseTarget('rep/ID:1'), 1000)
    fake.serve(Buffer.from('HTTP/1.1 400'))
    await expect(opened).rejects.toThrow(/not an UltraVNC repeater/)
  })

  it('gives up when no greeting comes in time', async () => {
    vi.useFakeTimers()
    try {
      const fake = new FakeTransport()
      const opened = startRepeater(fake, parseTarget('rep/ID:1'), 3000)
      fake.serve(GREETING.subarray(0, 11))
      const failed = expect(opened).rejects.toThrow(TimeoutError)
      await vi.advanceTimersByTimeAsync(3001)
      await failed
      expect(fake.closed).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('reports a close before the greeting as a repeater problem', async () => {
    const fake = new FakeTransport()
    const opened = startRepeater(fake, parseTarget('rep/ID:1'), 1000)
    fake.end()
    await expect(opened).rejects.toThrow(NetworkError)
    await expect(opened).rejects.toThrow(/closed the connection before greeting/)
  })

  it('refuses a name it cannot send before reading anything', async () => {
    const fake = new FakeTransport()
    await expect(startRepeater(fake, parseTarget('rep/[::1]:1'), 1000)).rejects.toThrow(/IPv6/)
    expect(fake.closed).toBe(true)
  })
})

describe('a repeater that sends no greeting', () => {
  /** Starts the handshake against a peer that stays silent, lets the wait run out, and starts the engine on what it resolves with. */
  async function silent(timeoutMs = 10_000): Promise<{ fake: FakeTransport; got: Buffer[]; closed: () => boolean }> {
    vi.useFakeTimers()
    try {
      const fake = new FakeTransport()
      const opened = startRepeater(fake, parseTarget('rep/ID:77'), timeoutMs)
      await vi.advanceTimersByTimeAsync(Math.min(SILENT_REPEATER_MS, timeoutMs / 2) - 1)
      expect(fake.sent().length, 'nothing sent while a greeting may still come').toBe(0)
      await vi.advanceTimersByTimeAsync(1)
      const transport = await opened
      expect(blockText(fake.sent())).toBe('ID:77')
      const got: Buffer[] = []
      let ended = false
      transport.start({ data: (c) => got.push(Buffer.from(c)), close: () => (ended = true) })
      return { fake, got, closed: () => ended }
    } finally {
      vi.useRealTimers()
    }
  }

  it('gets the block after a quiet moment, and the server stream follows, split at every offset', async () => {
    for (let cut = 0; cut <= SERVER.length; cut++) {
      const { fake, got } = await silent()
      fake.serve(...[SERVER.subarray(0, cut), SERVER.subarray(cut), Buffer.from('ab')].filter((c) => c.length > 0))
      expect(Buffer.concat(got).toString('latin1'), `cut at ${cut}`).toBe('RFB 003.008\nab')
    }
  })

  it('drops a greeting that still comes first after the block went out (a slow repeater), whole, split or byte by byte', async () => {
    const stream = Buffer.concat([GREETING, SERVER])
    for (let cut = 1; cut < stream.length; cut++) {
      const { fake, got } = await silent()
      fake.serve(stream.subarray(0, cut), stream.subarray(cut))
      expect(Buffer.concat(got).toString('latin1'), `cut at ${cut}`).toBe('RFB 003.008\n')
    }
    const { fake, got } = await silent()
    fake.serve(...[...stream].map((b) => Uint8Array.of(b)))
    expect(Buffer.concat(got).toString('latin1')).toBe('RFB 003.008\n')
  })

  it('waits half the timeout when that is shorter', async () => {
    const { fake } = await silent(1000)
    expect(fake.closed).toBe(false)
  })

  it('hands on the few bytes it held back when the stream ends within them', async () => {
    const { fake, got, closed } = await silent()
    fake.serve(Buffer.from('RFB 0'))
    expect(got).toHaveLength(0)
    fake.end()
    expect(Buffer.concat(got).toString('latin1')).toBe('RFB 0')
    expect(closed()).toBe(true)
  })

  it('a peer that sends part of a greeting is not silent: it must finish it in time', async () => {
    vi.useFakeTimers()
    try {
      const fake = new FakeTransport()
      const opened = startRepeater(fake, parseTarget('rep/ID:1'), 10_000)
      fake.serve(GREETING.subarray(0, 3))
      const failed = expect(opened).rejects.toThrow(TimeoutError)
      await vi.advanceTimersByTimeAsync(SILENT_REPEATER_MS + 1)
      expect(fake.sent().length).toBe(0)
      await vi.advanceTimersByTimeAsync(10_000)
      await failed
    } finally {
      vi.useRealTimers()
    }
  })
})
