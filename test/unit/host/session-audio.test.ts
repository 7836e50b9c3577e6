import { describe, expect, it } from 'vitest'
import type { HostEvents } from '../../../src/shared/contract'
import { Encoding } from '../../../src/shared/encodings'
import { newProfile } from '../../../src/shared/profile'
import { SessionAudio, wantsAudio } from '../../../src/main/host/session-audio'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RfbClient } from '../../../src/main/rfb/session'
import { Bytes } from '../../helpers/bytes'
import { FakeTransport } from '../../helpers/fake-transport'
import { none38 } from '../../helpers/server-script'

type AudioEvent = HostEvents['session.audio']

async function relay(on = true) {
  const events: AudioEvent[] = []
  const audio = new SessionAudio('s1', { emit: (name, payload) => name === 'session.audio' && events.push(payload as AudioEvent) })
  const t = new FakeTransport()
  const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, extraEncodings: audio.encodings(on) })
  audio.follow(client, on)
  const p = client.start(t)
  t.serve(none38(4, 3))
  await p
  t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 3).s32(-259).build(), Uint8Array.of(255, 1, 0, 1))
  return { audio, t, client, events }
}

/** `frames` stereo S16 frames whose every byte is `fill`. */
const data = (frames: number, fill: number) =>
  new Bytes()
    .u8(255, 1)
    .u16(2)
    .u32(frames * 4)
    .bytes(new Uint8Array(frames * 4).fill(fill))
    .build()

describe('a session’s sound on its way to the renderer', () => {
  it('plays the sound unless the connection says no or the session is a wall tile', () => {
    expect(wantsAudio(null, false)).toBe(true)
    expect(wantsAudio(newProfile({ id: 'a', host: 'h' }), false)).toBe(true)
    expect(wantsAudio(newProfile({ id: 'a', host: 'h', audio: false }), false)).toBe(false)
    expect(wantsAudio(null, true)).toBe(false)
    expect(new SessionAudio('s', { emit: () => {} }).encodings(true)).toEqual([Encoding.QEMUAudio])
  })

  it('sends samples as events, at most two unacknowledged', async () => {
    const { t, audio, events } = await relay()
    t.serve(data(480, 1), data(480, 2), data(480, 3))
    expect(events.map((e) => [e.seq, e.samples.length, e.samples[0], e.channels, e.rate])).toEqual([
      [1, 1920, 1, 2, 48_000],
      [2, 1920, 2, 2, 48_000],
    ])
    t.serve(data(480, 4))
    expect(events).toHaveLength(2)
    audio.ack(1)
    // What waited goes out as one event.
    expect(events.map((e) => [e.seq, e.samples.length, e.samples[0], e.samples[1920], e.hostDropped])).toEqual([
      [1, 1920, 1, undefined, 0],
      [2, 1920, 2, undefined, 0],
      [3, 3840, 3, 4, 0],
    ])
  })

  it('holds at most 250 ms for a renderer that stops acknowledging, dropping the oldest and counting it', async () => {
    const { t, audio, events } = await relay()
    // 40 chunks of 25 ms: one second, while the renderer acknowledges nothing.
    for (let i = 0; i < 40; i++) t.serve(data(1200, i))
    expect(events).toHaveLength(2)
    audio.ack(2)
    const third = events[2]
    expect(third.samples.length).toBe(12_000 * 4)
    // The newest 10 chunks (30-39) survive.
    expect(third.samples[0]).toBe(30)
    expect(third.hostDropped).toBe(28 * 1200)
    // An acknowledgement for an event never sent changes nothing.
    audio.ack(99)
    expect(events).toHaveLength(3)
  })

  it('holds nothing for a flood of empty data messages while the renderer is behind', async () => {
    const { t, audio, events } = await relay()
    t.serve(data(480, 1), data(480, 2))
    const flood = new Uint8Array(8 * 100_000)
    for (let o = 0; o < flood.length; o += 8) flood.set([255, 1, 0, 2, 0, 0, 0, 0], o)
    t.serve(flood)
    // What waits for the renderer: the queue's length is the bound an 8-byte message could grow (peeked, private).
    expect((audio as unknown as { queue: unknown[] }).queue).toHaveLength(0)
    audio.ack(2)
    expect(events).toHaveLength(2)
  })

  it('sends again after a hand-over to another window, whose predecessor never acknowledged', async () => {
    const { t, audio, events } = await relay()
    t.serve(data(480, 1), data(480, 2), data(480, 3))
    expect(events).toHaveLength(2)
    // The old window is gone with events 1 and 2: without the hand-over nothing would ever go out again.
    audio.handOver()
    expect(events.map((e) => [e.seq, e.samples[0]])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ])
    t.serve(data(480, 4))
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4])
    // A late acknowledgement from the old window changes nothing.
    audio.ack(2)
    t.serve(data(480, 5))
    expect(events).toHaveLength(4)
  })

  it('mute asks the server to stop (disable) and drops what was still on its way; unmute enables it again', async () => {
    const { t, audio, events } = await relay()
    t.serve(data(480, 1))
    expect(events).toHaveLength(1)
    audio.ack(1)
    t.written.length = 0
    audio.setMuted(true)
    audio.setMuted(true)
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 1])
    // QEMU sends no Stop: data already on its way still arrives, and goes nowhere.
    t.serve(data(480, 2))
    expect(events).toHaveLength(1)
    t.written.length = 0
    audio.setMuted(false)
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 0])
    t.serve(data(480, 3))
    expect(events.map((e) => [e.seq, e.samples[0]])).toEqual([
      [1, 1],
      [2, 3],
    ])
  })

  it('stays muted across a reconnect (no enable on the new connection) and a hand-over', async () => {
    const { audio, events, client } = await relay()
    audio.setMuted(true)
    client.close()
    // The next connection attempt, as HostSession makes it.
    const t = new FakeTransport()
    const next = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false, extraEncodings: audio.encodings(true) })
    audio.follow(next, true)
    const p = next.start(t)
    t.serve(none38(4, 3))
    await p
    t.written.length = 0
    t.serve(new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 3).s32(-259).build())
    expect(Array.from(t.sent()), 'the format only, no enable').toEqual([255, 1, 0, 2, 3, 2, 0, 0, 0xbb, 0x80])
    audio.handOver()
    t.serve(data(480, 7))
    expect(events).toEqual([])
    t.written.length = 0
    audio.setMuted(false)
    expect(Array.from(t.sent())).toEqual([255, 1, 0, 0])
    t.serve(data(480, 8))
    expect(events.map((e) => e.samples[0])).toEqual([8])
    next.close()
  })

  it('announces nothing and relays nothing when sound is off', async () => {
    const { client, events } = await relay(false)
    // The acknowledgement for an encoding never announced ends the session.
    expect(client.state).toBe('closed')
    expect(events).toEqual([])
  })
})
