import { describe, expect, it } from 'vitest'
import { Encoding } from '../../../../src/shared/encodings'
import { audioDisableMessage, audioEnableMessage, audioSetFormatMessage } from '../../../../src/main/rfb/audio/audio-messages'
import { SampleFormat, checkAudioFormat, maxDataBytes } from '../../../../src/main/rfb/audio/audio-format'
import { QemuAudio } from '../../../../src/main/rfb/audio/qemu-audio'
import { FramebufferSink } from '../../../../src/main/rfb/framebuffer'
import { RfbClient } from '../../../../src/main/rfb/session'
import { Bytes } from '../../../helpers/bytes'
import { FakeTransport } from '../../../helpers/fake-transport'
import { chunkings } from '../../../helpers/feed'
import { none38 } from '../../../helpers/server-script'

/** A session that announced -259, with the audio feature attached and its calls recorded. */
async function connected(announce = true) {
  const t = new FakeTransport()
  const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, extraEncodings: announce ? [Encoding.QEMUAudio] : [] })
  const calls: string[] = []
  const audio = new QemuAudio(client, {
    start: () => calls.push('start'),
    stop: () => calls.push('stop'),
    data: (s) => calls.push(`data ${Array.from(s).join(',')}`),
  })
  let error: { code: string; message: string } | null = null
  client.on('close', (e) => (error = e ? { code: e.code, message: e.message } : null))
  const p = client.start(t)
  t.serve(none38(4, 3))
  await p
  t.written.length = 0
  return { client, t, audio, calls, error: () => error }
}

const ack = new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 3).s32(-259).build()
const start = Uint8Array.of(255, 1, 0, 1)
const stop = Uint8Array.of(255, 1, 0, 0)
const data = (...bytes: number[]) =>
  new Bytes()
    .u8(255, 1)
    .u16(2)
    .u32(bytes.length)
    .u8(...bytes)
    .build()

describe('QEMU audio client messages (rfbproto QEMU Audio Client Message)', () => {
  it('encodes enable, disable and set format byte for byte', () => {
    expect(Array.from(audioEnableMessage())).toEqual([255, 1, 0, 0])
    expect(Array.from(audioDisableMessage())).toEqual([255, 1, 0, 1])
    expect(Array.from(audioSetFormatMessage({ sampleFormat: SampleFormat.S16, channels: 2, frequency: 48_000 }))).toEqual([
      255, 1, 0, 2, 3, 2, 0, 0, 0xbb, 0x80,
    ])
    expect(Array.from(audioSetFormatMessage({ sampleFormat: SampleFormat.U8, channels: 1, frequency: 8000 }))).toEqual([255, 1, 0, 2, 0, 1, 0, 0, 0x1f, 0x40])
  })

  it('refuses formats rfbproto does not allow', () => {
    expect(() => checkAudioFormat({ sampleFormat: 6 as SampleFormat, channels: 2, frequency: 48_000 })).toThrow(/unknown sample format 6/)
    expect(() => checkAudioFormat({ sampleFormat: SampleFormat.S16, channels: 3 as 2, frequency: 48_000 })).toThrow(/mono or stereo/)
    expect(() => checkAudioFormat({ sampleFormat: SampleFormat.S16, channels: 2, frequency: 10 })).toThrow(/frequency 10 Hz/)
    expect(maxDataBytes({ sampleFormat: SampleFormat.S32, channels: 2, frequency: 48_000 })).toBe(384_000)
  })
})

describe('QEMU audio on a session', () => {
  it('announces -259 only when asked to', async () => {
    for (const announce of [true, false]) {
      const t = new FakeTransport()
      const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, extraEncodings: announce ? [Encoding.QEMUAudio] : [] })
      const p = client.start(t)
      t.serve(none38(4, 3))
      await p
      const sent = t.sent()
      // SetEncodings: type 2, padding, count, then s32 encodings.
      const at = sent.indexOf(2)
      const view = new DataView(sent.buffer, sent.byteOffset + at)
      const list = Array.from({ length: view.getUint16(2) }, (_, i) => view.getInt32(4 + 4 * i))
      expect(list.includes(-259), `announce=${announce}`).toBe(announce)
      client.close()
    }
  })

  it('sends format and enable only after the acknowledgement rect, once', async () => {
    const { t, audio, client } = await connected()
    expect(Array.from(t.sent())).toEqual([])
    expect(audio.active).toBe(false)
    t.serve(ack, ack)
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 2, 3, 2, 0, 0, 0xbb, 0x80, 255, 1, 0, 0])
    expect(client.features.qemuAudio).toBe(true)
    t.written.length = 0
    audio.disable()
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 1])
  })

  it('mutes with disable and unmutes with enable alone (QEMU keeps the format per client), never twice in a row', async () => {
    const { t, audio } = await connected()
    t.serve(ack)
    t.written.length = 0
    audio.disable()
    audio.disable()
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 1])
    expect(audio.active).toBe(false)
    t.written.length = 0
    audio.enable()
    audio.enable()
    // A second enable would make QEMU log "audio already running".
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 0])
    expect(audio.active).toBe(true)
  })

  it('muted before the acknowledgement: sends only the format then, and enable on unmute', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, extraEncodings: [Encoding.QEMUAudio] })
    const audio = new QemuAudio(client, { start: () => {}, stop: () => {}, data: () => {} }, undefined, undefined, true)
    const p = client.start(t)
    t.serve(none38(4, 3))
    await p
    t.written.length = 0
    audio.enable()
    audio.disable()
    expect(Array.from(t.sent()), 'nothing before the acknowledgement').toEqual([])
    t.serve(ack)
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 2, 3, 2, 0, 0, 0xbb, 0x80])
    expect([audio.acknowledgedByServer, audio.active]).toEqual([true, false])
    t.written.length = 0
    audio.enable()
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 0])
    client.close()
  })

  it('reads start, data and stop wherever the stream is split', async () => {
    const stream = new Bytes()
      .bytes(ack)
      .bytes(start)
      .bytes(data(1, 2, 3, 4, 5, 6, 7, 8))
      .bytes(stop)
      .build()
    for (const { label, chunks } of chunkings(stream)) {
      const { t, calls, client, error } = await connected()
      for (const c of chunks) t.serve(c)
      expect(calls, label).toEqual(['start', 'data 1,2,3,4,5,6,7,8', 'stop'])
      expect(error(), label).toBeNull()
      client.close()
    }
  })

  it('takes data without a start as the start of the stream (QEMU sends no Start to a client that joins a playing stream)', async () => {
    const { t, calls, client } = await connected()
    t.serve(ack, data(1, 2, 3, 4), start, data(5, 6, 7, 8), stop, data(9, 9, 9, 9, 9, 9, 9, 9))
    expect(calls).toEqual(['start', 'data 1,2,3,4', 'start', 'data 5,6,7,8', 'stop', 'start', 'data 9,9,9,9,9,9,9,9'])
    expect(client.state).toBe('connected')
  })

  it('ends the session on data longer than one second of audio, before holding it', async () => {
    const { t, error, client } = await connected()
    t.serve(ack, start, new Bytes().u8(255, 1).u16(2).u32(192_004).build())
    expect(client.state).toBe('closed')
    expect(error()).toMatchObject({ code: 'RFB_ERR_LIMIT', message: expect.stringMatching(/192004 bytes exceeds one second of audio \(192000 bytes\)/) })
  })

  it('ends the session on data that is not whole frames', async () => {
    const { t, error } = await connected()
    t.serve(ack, start, data(1, 2, 3))
    expect(error()).toMatchObject({ code: 'RFB_ERR_PROTOCOL', message: expect.stringMatching(/3 bytes is not whole frames of 4 bytes/) })
  })

  it('ends the session on an unknown operation', async () => {
    const { t, error } = await connected()
    t.serve(ack, Uint8Array.of(255, 1, 0, 3))
    expect(error()).toMatchObject({ code: 'RFB_ERR_PROTOCOL', message: expect.stringMatching(/unknown operation 3/) })
  })

  it('ends the session on another QEMU submessage: its length cannot be known', async () => {
    const { t, error } = await connected()
    t.serve(ack, Uint8Array.of(255, 2, 0, 0))
    expect(error()).toMatchObject({ code: 'RFB_ERR_MESSAGE_TYPE', message: expect.stringMatching(/submessage 2/) })
  })

  it('keeps message 255 unknown once detached, and refuses an acknowledgement nobody asked for', async () => {
    const a = await connected()
    a.audio.detach()
    a.t.serve(Uint8Array.of(255, 1, 0, 1))
    expect(a.error()).toMatchObject({ code: 'RFB_ERR_MESSAGE_TYPE', message: expect.stringMatching(/unknown server message type 255/) })
    const b = await connected(false)
    b.t.serve(ack)
    expect(b.error()).toMatchObject({ code: 'RFB_ERR_ENCODING_NOT_ANNOUNCED' })
    expect(Array.from(b.t.sent())).toEqual([])
  })

  it('asks for nothing from a server that never acknowledges (a server that ignores the format stays silent)', async () => {
    const { t, audio, calls } = await connected()
    t.serve(new Bytes().u8(0, 0).u16(0).build())
    expect(audio.active).toBe(false)
    expect(Array.from(t.sent())).toEqual([])
    expect(calls).toEqual([])
  })
})
