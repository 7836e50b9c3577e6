import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Encoding } from '../../src/shared/encodings'
import { DEFAULT_AUDIO_FORMAT, SampleFormat } from '../../src/main/rfb/audio/audio-format'
import { QemuAudio } from '../../src/main/rfb/audio/qemu-audio'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { RfbClient } from '../../src/main/rfb/session'
import { runCli } from '../helpers/cli-in-process'
import { beepFloppy, zeroCrossingHz } from '../helpers/qemu-beep'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Half a second of audio in the format Tessera asks for. */
const HALF_SECOND = (DEFAULT_AUDIO_FORMAT.frequency / 2) * 4

// Needs Debian's qemu-system-x86 (7.2: `-vnc ...,audiodev=` and the pc machine's `pcspk-audiodev`).
describe.skipIf(!serverAvailable('qemu'))('QEMU audio from a real QEMU whose PC speaker beeps', () => {
  let server: RunningServer
  let dir: string
  let hz = 0
  const clients: RfbClient[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-qemu-audio-'))
    const floppy = join(dir, 'beep.img')
    hz = beepFloppy(floppy, 1000)
    server = await startServer('qemu', { audio: true, extraArgs: ['-drive', `file=${floppy},format=raw,if=floppy`, '-boot', 'a'] })
  }, 60_000)

  afterAll(async () => {
    for (const c of clients) c.close()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('acknowledges -259, takes S16 stereo 48 kHz, and streams the programmed tone', async () => {
    const { client } = await connectRfb({ host: '127.0.0.1', port: server.port }, { sink: new FramebufferSink(), extraEncodings: [Encoding.QEMUAudio] })
    clients.push(client)
    const chunks: Uint8Array[] = []
    let bytes = 0
    let starts = 0
    const audio = new QemuAudio(client, {
      start: () => starts++,
      stop: () => {},
      data: (s) => {
        chunks.push(s.slice())
        bytes += s.length
      },
    })
    await until('the acknowledgement', () => audio.active)
    expect(audio.format).toEqual({ sampleFormat: SampleFormat.S16, channels: 2, frequency: 48_000 })
    await until('half a second of samples', () => bytes >= HALF_SECOND)
    expect(starts).toBe(1)
    expect(client.state).toBe('connected')
    // The first chunks may hold silence from before the guest ran: look at the latest half second.
    const all = new Uint8Array(bytes)
    let at = 0
    for (const c of chunks) {
      all.set(c, at)
      at += c.length
    }
    const tail = all.subarray(all.length - HALF_SECOND)
    const left = zeroCrossingHz(tail, 2, 48_000)
    expect(left.peak, 'a tone, not silence').toBeGreaterThan(8000)
    expect(Math.abs(left.hz - hz) / hz, `measured ${left.hz.toFixed(1)} Hz for ${hz.toFixed(1)} Hz`).toBeLessThan(0.05)
    // Stereo frames: the right channel carries the same tone.
    const right = zeroCrossingHz(tail.subarray(2), 2, 48_000)
    expect(Math.abs(right.hz - hz) / hz).toBeLessThan(0.05)
  }, 60_000)

  it('streams to a second client that joins while the tone plays (no Start for it), stops on disable (mute), flows again on enable (unmute), and sends nothing to a session that did not ask', async () => {
    const { client } = await connectRfb({ host: '127.0.0.1', port: server.port }, { sink: new FramebufferSink(), extraEncodings: [Encoding.QEMUAudio] })
    clients.push(client)
    let bytes = 0
    let starts = 0
    const chunks: Uint8Array[] = []
    const audio = new QemuAudio(client, {
      start: () => starts++,
      stop: () => {},
      data: (s) => {
        bytes += s.length
        chunks.push(s.slice())
      },
    })
    await until('samples', () => bytes > HALF_SECOND)
    expect(starts).toBe(1)
    audio.disable()
    // QEMU sends no Stop on disable (measured): what was on its way arrives, then nothing.
    await new Promise((r) => setTimeout(r, 500))
    const after = bytes
    await new Promise((r) => setTimeout(r, 1000))
    expect(bytes, 'nothing a second after the disable').toBe(after)
    expect(client.state).toBe('connected')

    // Unmute: enable alone (QEMU kept the format), and the same tone flows again.
    chunks.length = 0
    audio.enable()
    await until('samples after the enable', () => bytes > after + HALF_SECOND)
    expect(client.state).toBe('connected')
    const resumed = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let at = 0
    for (const c of chunks) {
      resumed.set(c, at)
      at += c.length
    }
    const tone = zeroCrossingHz(resumed.subarray(resumed.length - HALF_SECOND), 2, 48_000)
    expect(tone.peak, 'a tone, not silence').toBeGreaterThan(8000)
    expect(Math.abs(tone.hz - hz) / hz, `measured ${tone.hz.toFixed(1)} Hz after the enable`).toBeLessThan(0.05)
    // Still S16 stereo 48 kHz without sending the format again: the tone's frequency would be off otherwise.
    audio.disable()

    const { client: plain } = await connectRfb({ host: '127.0.0.1', port: server.port }, { sink: new FramebufferSink() })
    clients.push(plain)
    await new Promise((r) => setTimeout(r, 500))
    expect(plain.features.qemuAudio).toBe(false)
    expect(plain.state).toBe('connected')
  }, 60_000)

  it('tessera audio writes the tone as a WAV file; a server without sound exits 7', async () => {
    const wav = join(dir, 'tone.wav')
    const run = await runCli(['audio', `127.0.0.1::${server.port}`, wav, '--seconds', '1.5'])
    expect(run.err).toEqual([])
    expect(run.code).toBe(0)
    const bytes = readFileSync(wav)
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    expect(bytes.subarray(0, 4).toString('latin1') + bytes.subarray(8, 16).toString('latin1')).toBe('RIFFWAVEfmt ')
    expect([v.getUint16(20, true), v.getUint16(22, true), v.getUint32(24, true), v.getUint16(34, true)]).toEqual([1, 2, 48_000, 16])
    const dataBytes = v.getUint32(40, true)
    expect(dataBytes).toBe(bytes.length - 44)
    expect(v.getUint32(4, true)).toBe(bytes.length - 8)
    // About 1.5 s of sound (the stream starts a moment after the acknowledgement).
    expect(dataBytes / 4 / 48_000).toBeGreaterThan(0.8)
    expect(dataBytes / 4 / 48_000).toBeLessThan(1.8)
    const tone = zeroCrossingHz(bytes.subarray(44 + dataBytes - HALF_SECOND), 2, 48_000)
    expect(Math.abs(tone.hz - hz) / hz).toBeLessThan(0.05)
    expect(run.out[0]).toMatch(/tone\.wav: 1\.\d\d s of 16-bit stereo at 48000 Hz/)

    const tiger = await startServer('tigervnc', { width: 320, height: 200 })
    try {
      const none = await runCli(['audio', `127.0.0.1::${tiger.port}`, join(dir, 'none.wav'), '--seconds', '1'])
      expect(none.code).toBe(7)
      expect(none.err.join('\n')).toMatch(/this server sends no sound/)
    } finally {
      await tiger.stop()
    }
  }, 60_000)
})
