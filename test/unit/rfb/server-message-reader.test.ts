import { describe, expect, it } from 'vitest'
import { ByteQueue } from '../../../src/main/rfb/byte-queue'
import { DECODABLE_ENCODINGS } from '../../../src/main/rfb/decoders'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { ColourMap, PixelConverter } from '../../../src/main/rfb/pixel-converter'
import { RGBX8888 } from '../../../src/main/rfb/pixel-format'
import type { ServerMessageHandler, UpdateCounts } from '../../../src/main/rfb/server-message-handler'
import { MAX_CUT_TEXT_BYTES, ServerMessageReader } from '../../../src/main/rfb/server-message-reader'
import { PSEUDO_ENCODINGS } from '../../../src/main/rfb/update-flow'
import { Bytes, expectedWord } from '../../helpers/bytes'
import { chunkings, hex } from '../../helpers/feed'
import { protocolErrorOf } from '../../helpers/protocol-error'

/**
 * A reader over a fresh queue with a handler that records every call as a line. The reader is
 * given no transport at all: whatever it does shows up here or on the sink.
 */
function harness(width = 4, height = 3, opts: { clipboardActive?: boolean; stopAfterUpdate?: boolean } = {}) {
  const q = new ByteQueue()
  const sink = new FramebufferSink()
  sink.resize(width, height)
  const calls: string[] = []
  const updates: UpdateCounts[] = []
  const handler: ServerMessageHandler = {
    framebufferUpdateStart: () => calls.push('updateStart'),
    framebufferUpdateEnd: (c) => {
      calls.push(`updateEnd rects=${c.rects} bytes=${c.bytes} pixels=${c.pixels} encodings=${c.encodings.join(',')}`)
      updates.push({ ...c, encodings: [...c.encodings] })
      return !opts.stopAfterUpdate
    },
    setDesktopSize: (w, h) => {
      calls.push(`desktopSize ${w}x${h}`)
      sink.resize(w, h)
      reader.setFramebuffer(w, h)
    },
    screenLayout: (screens) => calls.push(`screens ${screens.map((s) => `${s.id}:${s.width}x${s.height}+${s.x}+${s.y}`).join(' ')}`),
    desktopSizeResult: (status) => calls.push(`desktopSizeResult ${status}`),
    setDesktopName: (name) => calls.push(`name ${name}`),
    pointerPosition: (x, y) => calls.push(`pointer ${x},${y}`),
    supportsQemuKeyEvents: () => calls.push('qemuKeyEvents'),
    supportsExtendedMouseButtons: () => calls.push('extendedMouseButtons'),
    supportsQemuAudio: () => calls.push('qemuAudio'),
    ledState: (bits) => calls.push(`leds ${bits}`),
    setColourMapEntries: (first, rgb) => calls.push(`colourMap ${first} ${Array.from(rgb).join(',')}`),
    bell: () => calls.push('bell'),
    serverCutText: (text) => calls.push(`cutText ${JSON.stringify(text)}`),
    extendedClipboardActive: () => opts.clipboardActive ?? false,
    extendedCutText: (body, at) => calls.push(`extendedCutText ${body.length} bytes at ${at}`),
    endOfContinuousUpdates: () => calls.push('endOfContinuousUpdates'),
    fence: (flags, payload) => calls.push(`fence 0x${flags.toString(16)} [${Array.from(payload).join(',')}]`),
    xvp: (version, code) => calls.push(`xvp ${version} ${code}`),
  }
  const reader = new ServerMessageReader(q, sink, handler)
  // What a session announces when it decodes everything it can.
  reader.encodingsAnnounced([...DECODABLE_ENCODINGS, ...PSEUDO_ENCODINGS], 0)
  reader.setFramebuffer(width, height)
  reader.converter = new PixelConverter(RGBX8888, new ColourMap())
  /** Pushes one chunk and steps as a session does: until the reader needs more or stops. */
  const feed = (chunk: Uint8Array): void => {
    q.push(chunk)
    while (reader.step()) {
      /* keep parsing */
    }
    q.compact()
  }
  return { q, sink, reader, calls, updates, feed }
}

function fbu(...rects: Uint8Array[]): Uint8Array {
  const b = new Bytes().u8(0, 0).u16(rects.length)
  for (const r of rects) b.bytes(r)
  return b.build()
}

/** Feeds `bytes` in every chunking to a fresh harness and checks each one against `check`. */
function everyChunking(bytes: Uint8Array, check: (h: ReturnType<typeof harness>, label: string) => void, make = () => harness()): void {
  for (const { label, chunks } of chunkings(bytes)) {
    const h = make()
    for (const c of chunks) h.feed(c)
    check(h, label)
  }
}

describe('ServerMessageReader', () => {
  it('turns each server message into handler calls in wire order, in every chunking, and replies to none (it has no transport)', () => {
    // A fence request and extended clipboard caps want replies: the reader only reports them.
    const stream = new Bytes()
      .u8(2)
      .u8(1, 0)
      .u16(7, 1)
      .u16(0x1200, 0x3400, 0x5600)
      .u8(3, 0, 0, 0)
      .u32(4)
      .text('caf\xe9')
      .u8(3, 0, 0, 0)
      .u32(0)
      .u8(248, 0, 0, 0)
      .u32(0x80000003)
      .u8(2)
      .u8(9, 8)
      .u8(150)
      .u8(250, 0, 1, 1)
      .u8(250, 0, 1, 0)
      .u8(3, 0, 0, 0)
      .s32(-8)
      .u32(0x01000001, 1024)
      .build()
    everyChunking(stream, (h, label) => {
      expect(h.calls, label).toEqual([
        'bell',
        'colourMap 7 4608,13312,22016',
        'cutText "café"',
        'cutText ""',
        'fence 0x80000003 [9,8]',
        'endOfContinuousUpdates',
        'xvp 1 1',
        'xvp 1 0',
        `extendedCutText 8 bytes at ${stream.length - 16}`,
      ])
      expect(h.reader.insideMessage, label).toBe(false)
    })
  })

  it('reports pseudo-rects in wire order, draws pixel rects and counts the update', () => {
    const update = new Bytes()
      .u8(0, 0)
      .u16(0xffff)
      .bytes(
        new Bytes()
          .u16(0, 0, 0, 0)
          .s32(-307)
          .string('desk')
          .u16(2, 1, 0, 0)
          .s32(-232)
          .u16(0, 0, 0, 0)
          .s32(-261)
          .u8(4)
          .u16(0, 0, 0, 0)
          .s32(0x574d5668)
          .u32(2)
          .u16(0, 0, 0, 0)
          .s32(-258)
          .u16(0, 0, 0, 0)
          .s32(-316)
          .u16(1, 2, 2, 1)
          .s32(0)
          .pixel(RGBX8888, 255, 0, 0)
          .pixel(RGBX8888, 0, 0, 255)
          .u16(0, 0, 0, 0)
          .s32(-224)
          .build(),
      )
      .build()
    everyChunking(update, (h, label) => {
      expect(h.calls, label).toEqual([
        'updateStart',
        'name desk',
        'pointer 2,1',
        'leds 4',
        'leds 2',
        'qemuKeyEvents',
        'extendedMouseButtons',
        `updateEnd rects=8 bytes=${update.length} pixels=2 encodings=-307,-232,-261,${0x574d5668},-258,-316,0,-224`,
      ])
      expect(hex(h.sink.words[2 * 4 + 1]), label).toBe(hex(expectedWord(RGBX8888, 255, 0, 0)))
      expect(hex(h.sink.words[2 * 4 + 2]), label).toBe(hex(expectedWord(RGBX8888, 0, 0, 255)))
    })
  })

  it('reports an empty update as a start and an end', () => {
    const h = harness()
    h.feed(fbu())
    expect(h.calls).toEqual(['updateStart', 'updateEnd rects=0 bytes=4 pixels=0 encodings='])
  })

  it('resizes on DesktopSize, and on ExtendedDesktopSize only when the size changes and the status is 0', () => {
    const screen = (w: number, h: number) => new Bytes().u8(1, 0, 0, 0).u32(5).u16(0, 0, w, h).u32(0).build()
    const update = fbu(
      new Bytes().u16(0, 0, 6, 5).s32(-223).build(),
      new Bytes().u16(1, 0, 6, 5).s32(-308).bytes(screen(6, 5)).build(),
      new Bytes().u16(1, 3, 9, 9).s32(-308).bytes(screen(9, 9)).build(),
      new Bytes().u16(0, 0, 8, 7).s32(-308).bytes(screen(8, 7)).build(),
      // Inside the new size only.
      new Bytes().u16(7, 6, 1, 1).s32(0).pixel(RGBX8888, 1, 2, 3).build(),
    )
    everyChunking(update, (h, label) => {
      expect(h.calls.slice(0, -1), label).toEqual([
        'updateStart',
        'desktopSize 6x5',
        'screens 5:6x5+0+0',
        'desktopSizeResult 0',
        'screens 5:9x9+0+0',
        'desktopSizeResult 3',
        'screens 5:8x7+0+0',
        'desktopSize 8x7',
      ])
    })
  })

  it('drops oversized cut text as it streams, without a call and without holding it', () => {
    const h = harness()
    h.feed(
      new Bytes()
        .u8(3, 0, 0, 0)
        .u32(MAX_CUT_TEXT_BYTES + 1)
        .build(),
    )
    expect(h.reader.insideMessage).toBe(true)
    for (let left = MAX_CUT_TEXT_BYTES + 1; left > 0; left -= 1 << 20) {
      h.feed(new Uint8Array(Math.min(left, 1 << 20)))
      expect(h.q.length).toBe(0)
    }
    h.feed(Uint8Array.of(2))
    expect(h.calls).toEqual(['bell'])
  })

  it('holds an extended clipboard message over its caps size only once the extension is active', () => {
    const message = new Bytes().u8(3, 0, 0, 0).s32(-100).bytes(new Uint8Array(100)).u8(2).build()
    const inactive = harness()
    inactive.feed(message)
    expect(inactive.calls).toEqual(['bell'])
    const active = harness(4, 3, { clipboardActive: true })
    active.feed(message)
    expect(active.calls).toEqual(['extendedCutText 100 bytes at 0', 'bell'])
  })

  it('stops after an update when the handler says so, and goes on when stepped again', () => {
    const h = harness(4, 3, { stopAfterUpdate: true })
    h.feed(new Bytes().bytes(fbu()).u8(2).build())
    expect(h.calls).toEqual(['updateStart', 'updateEnd rects=0 bytes=4 pixels=0 encodings='])
    expect(h.reader.betweenMessages).toBe(true)
    expect(h.q.length).toBe(1)
    while (h.reader.step()) {
      /* keep parsing */
    }
    expect(h.calls.at(-1)).toBe('bell')
  })

  it('reads a registered extension message whole, waits for its bytes, and forgets it when removed', () => {
    const h = harness()
    const seen: string[] = []
    // A made-up type 77: u8 type, u8 length, then that many bytes.
    h.reader.setExtension(77, {
      read(q, at) {
        if (!q.has(2)) return false
        const len = q.peekU8(1)
        if (!q.has(2 + len)) return false
        q.skip(2)
        seen.push(`${Array.from(q.bytes(len)).join(',')} at ${at}`)
        return true
      },
    })
    h.feed(new Bytes().u8(77, 2, 0xab, 0xcd, 2).build())
    expect(seen).toEqual(['171,205 at 0'])
    expect(h.calls).toEqual(['bell'])
    h.reader.setExtension(77, null)
    expect(() => h.feed(Uint8Array.of(77, 0))).toThrow(/unknown server message type 77/)
  })

  it.each([
    ['an unknown message type', new Bytes().u8(2, 77).build(), 1, 'RFB_ERR_MESSAGE_TYPE', /unknown server message type 77/],
    ['a Fence payload over 64 bytes', new Bytes().u8(2, 248, 0, 0, 0).u32(0).u8(65).build(), 1, 'RFB_ERR_LIMIT', /Fence payload of 65 bytes/],
    ['a rect outside the framebuffer', fbu(new Bytes().u16(3, 0, 2, 1).s32(0).build()), 4, 'RFB_ERR_RECT_BOUNDS', /outside the 4x3 framebuffer/],
    ['an encoding we did not ask for', fbu(new Bytes().u16(0, 0, 1, 1).s32(99).build()), 4, 'RFB_ERR_ENCODING', /encoding 99/],
    ['a DesktopSize beyond 16384', fbu(new Bytes().u16(0, 0, 16385, 1).s32(-223).build()), 4, 'RFB_ERR_PROTOCOL', /16385x1/],
  ])('throws on %s with its code and the offset of the message or rect', (_, bytes, offset, code, message) => {
    const h = harness()
    const err = protocolErrorOf(() => h.feed(bytes))
    expect(err.offset).toBe(offset)
    expect(err.code).toBe(code)
    expect(err.message).toMatch(message)
  })
})
