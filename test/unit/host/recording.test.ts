import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { MAX_PLAYERS, Players } from '../../../src/main/host/players'
import { RecordingsFolder } from '../../../src/main/host/recordings'
import { SessionRecording } from '../../../src/main/host/session-recording'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { FBS_MAGIC, encodeFbsBlock, parseFbs } from '../../../src/main/rfb/record/fbs'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import type { HostReply } from '../../../src/shared/contract'
import type { FrameBatch } from '../../../src/shared/ops'
import type { PlayerInfo, PlayerState, RecordingState } from '../../../src/shared/recording'
import { FakeClient } from './fake-client'
import { MiniServer } from './mini-server'

let dir: string
let host: Host
const servers: MiniServer[] = []

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-recording-'))
  ;({ host } = await createHost({
    dataDir: dir,
    keychain: null,
    decodeImage: null,
    log: () => {},
    timings: { ackTimeoutMs: 60_000, thumbnailDelayMs: 60_000 },
  }))
})

afterEach(async () => {
  await host.shutdown()
  await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => undefined)))
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

/** A client that acks every frame it is given, as a window that paints at once. */
function attach(label: string): { client: FakeClient; ask: (name: string, arg?: unknown) => Promise<unknown> } {
  const client = new FakeClient(label)
  const link = host.attach(client)
  const deliver = client.deliver.bind(client)
  client.deliver = (name, payload) => {
    deliver(name, payload)
    if (name === 'session.frame') {
      const b = payload as FrameBatch
      if (players.has(b.sessionId)) void link.request('player.ack', { playerId: b.sessionId, seq: b.seq })
      else void link.request('session.ack', { sessionId: b.sessionId, seq: b.seq })
    }
  }
  const ask = async (name: string, arg?: unknown): Promise<unknown> => {
    const reply: HostReply = await link.request(name, arg)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
    return reply.result
  }
  return { client, ask }
}

/** Ids of the players the tests opened (their frames are acked with player.ack). */
const players = new Set<string>()

async function until(what: string, test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

const events = <T>(c: FakeClient, name: string): T[] => c.delivered.filter((d) => d.name === name).map((d) => d.payload as T)

async function replayPicture(file: string): Promise<FramebufferSink> {
  const fb = new FramebufferSink(decodeImageNode)
  await replayRecording(readFileSync(file), fb, { allowCutEnd: true })
  return fb
}

describe('recording a session', () => {
  it('records from the middle of a session into the Recordings folder, tells the window, and the file replays', async () => {
    const server = await new MiniServer({ width: 16, height: 8, colour: [10, 200, 30] }).start()
    servers.push(server)
    const alice = attach('alice')
    const { sessionId } = (await alice.ask('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string }
    await until('connected', () => events<{ state: string }>(alice.client, 'session.state').some((s) => s.state === 'connected'))
    await until('the first picture', () => events(alice.client, 'session.frame').length > 0)
    const frames = events(alice.client, 'session.frame').length

    // Someone else's session cannot be recorded.
    const bob = attach('bob')
    await expect(bob.ask('session.record', { sessionId, on: true })).rejects.toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })

    const started = (await alice.ask('session.record', { sessionId, on: true })) as { file: string }
    expect(started.file).toMatch(/^127\.0\.0\.1.* \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.fbs$/)
    expect(events<RecordingState>(alice.client, 'session.recording')[0]).toMatchObject({ sessionId, recording: { file: started.file } })
    // The full picture the recording starts with was asked for and came.
    await until('the full picture', () => events(alice.client, 'session.frame').length > frames)
    expect(await alice.ask('session.record', { sessionId, on: false })).toBeNull()
    expect(events<RecordingState>(alice.client, 'session.recording').at(-1)).toMatchObject({ recording: null, stopped: { reason: 'user', file: started.file } })

    const file = join(dir, 'Recordings', started.file)
    const fb = await replayPicture(file)
    expect([fb.width, fb.height]).toEqual([16, 8])
    expect(Array.from(fb.data.subarray(0, 4))).toEqual([10, 200, 30, 255])
    expect((await alice.ask('recordings.list')) as { name: string }[]).toEqual([expect.objectContaining({ name: started.file })])
  })

  it('stops when the session ends, and the file is still valid', async () => {
    const server = await new MiniServer({ width: 8, height: 8, colour: [1, 2, 3] }).start()
    servers.push(server)
    const alice = attach('alice')
    const { sessionId } = (await alice.ask('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string }
    await until('connected', () => events<{ state: string }>(alice.client, 'session.state').some((s) => s.state === 'connected'))
    const { file } = (await alice.ask('session.record', { sessionId, on: true })) as { file: string }
    await until('a picture', () => events(alice.client, 'session.frame').length > 1)
    await alice.ask('session.close', { sessionId })
    await until('the stop', () => events<RecordingState>(alice.client, 'session.recording').some((r) => r.stopped?.reason === 'ended'))
    const fb = await replayPicture(join(dir, 'Recordings', file))
    expect(Array.from(fb.data.subarray(0, 4))).toEqual([1, 2, 3, 255])
  })

  it('stops with a reason at the size limit, never overwrites, and is refused before the session connects', () => {
    const folder = new RecordingsFolder(join(dir, 'R'))
    const told: RecordingState[] = []
    const rec = new SessionRecording('s', (_n, p) => told.push(p as RecordingState), 200)
    const client = { width: 64, height: 64, requestUpdate: () => undefined }
    expect(() => rec.toggle(folder, null)).toThrow(/only a connected session/)
    const now = new Date()
    // The name this second would take exists already: the recording takes the next.
    const taken = folder.newRecordingPath('x', now)
    writeFileSync(taken, 'keep me')
    const { file } = rec.toggle(folder, { label: 'x', client, desktopName: 'd', cursor: null })!
    expect(readFileSync(taken, 'utf8')).toBe('keep me')
    expect(file).not.toBe(taken.split('/').at(-1))
    // A 64x64 Raw rect is far over 200 bytes.
    const sink = rec.current()!.sink
    sink.pixels(0, 0, 64, 64, new Uint32Array(64 * 64))
    sink.endUpdate()
    expect(rec.current()).toBeNull()
    expect(told.at(-1)).toMatchObject({ recording: null, stopped: { reason: 'limit' } })
    // What was written (the handshake) is a valid recording.
    expect(parseFbs(readFileSync(join(dir, 'R', file))).length).toBe(1)
  })
})

describe('playing a recording', () => {
  function install(name: string, as = name): void {
    mkdirSync(join(dir, 'Recordings'), { recursive: true })
    copyFileSync(join(__dirname, '../../fixtures/recordings', name), join(dir, 'Recordings', as))
  }

  it('opens a recording by name, paints it, seeks, plays to the end, and exports a frame and a clip', async () => {
    install('tigervnc-hextile.fbs', 'hextile.fbs')
    const alice = attach('alice')
    const info = (await alice.ask('player.open', { name: 'hextile.fbs' })) as PlayerInfo
    players.add(info.playerId)
    expect(info.durationMs).toBeGreaterThan(0)
    await until('the first picture', () => events<FrameBatch>(alice.client, 'session.frame').some((b) => b.sessionId === info.playerId))

    // Another window cannot drive it.
    const bob = attach('bob')
    await expect(bob.ask('player.seek', { playerId: info.playerId, timeMs: 0 })).rejects.toMatchObject({ code: 'HOST_NO_PLAYER' })

    const half = Math.round(info.durationMs / 2)
    await alice.ask('player.seek', { playerId: info.playerId, timeMs: half })
    expect(events<PlayerState>(alice.client, 'player.state').at(-1)).toMatchObject({ positionMs: half, playing: false })
    const { file } = (await alice.ask('player.exportFrame', { playerId: info.playerId })) as { file: string }
    const png = decodeImageNode('png', readFileSync(file), info.width, info.height)
    // The exported picture is what a straight replay of the blocks up to that time shows.
    const kept = parseFbs(readFileSync(join(dir, 'Recordings', 'hextile.fbs'))).filter((b) => b.timestampMs <= half)
    const cut = join(dir, 'cut.fbs')
    writeFileSync(cut, Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), ...kept.map((b) => encodeFbsBlock(b.data, b.timestampMs))]))
    const straight = await replayPicture(cut)
    expect(Buffer.from(png.rgba).equals(Buffer.from(straight.data))).toBe(true)

    const clip = (await alice.ask('player.exportClip', { playerId: info.playerId, fromMs: 0, toMs: 1000, fps: 5 })) as { folder: string; frames: number }
    expect(clip.frames).toBe(6)
    expect(readdirSync(clip.folder).sort()).toEqual([
      'frame-00001.png',
      'frame-00002.png',
      'frame-00003.png',
      'frame-00004.png',
      'frame-00005.png',
      'frame-00006.png',
    ])

    await alice.ask('player.control', { playerId: info.playerId, playing: true, speed: 8 })
    await until('the end', () => events<PlayerState>(alice.client, 'player.state').some((s) => s.ended && !s.playing), 30_000)
    await alice.ask('player.close', { playerId: info.playerId })
    await expect(alice.ask('player.seek', { playerId: info.playerId, timeMs: 0 })).rejects.toMatchObject({ code: 'HOST_NO_PLAYER' })
  })

  it('copies a picked recording into the folder in ordered chunks, under a free name, and plays it', async () => {
    install('tigervnc-raw.fbs', 'picked.fbs')
    const alice = attach('alice')
    const bytes = readFileSync(join(__dirname, '../../fixtures/recordings/qemu-tightpng.fbs'))
    const chunk = 16 * 1024
    let saved: unknown = null
    for (let o = 0; o < bytes.length; o += chunk) {
      const done = o + chunk >= bytes.length
      saved = await alice.ask('recordings.upload', { name: 'picked.fbs', offset: o, data: bytes.subarray(o, o + chunk), done })
      if (!done) expect(saved).toBeNull()
    }
    // picked.fbs exists already: it is kept, and the copy takes the next name.
    expect(saved).toEqual({ name: 'picked (2).fbs' })
    expect(readFileSync(join(dir, 'Recordings', 'picked (2).fbs')).equals(bytes)).toBe(true)
    expect(readFileSync(join(dir, 'Recordings', 'picked.fbs')).equals(readFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs')))).toBe(true)
    // No part file is left behind, and the list shows both.
    expect(readdirSync(join(dir, 'Recordings')).sort()).toEqual(['picked (2).fbs', 'picked.fbs'])
    const info = (await alice.ask('player.open', { name: 'picked (2).fbs' })) as PlayerInfo
    expect([info.width, info.height]).toEqual([320, 200])

    // Out of order, or not a recording at all: refused, nothing kept.
    await alice.ask('recordings.upload', { name: 'x.fbs', offset: 0, data: bytes.subarray(0, 100), done: false })
    await expect(alice.ask('recordings.upload', { name: 'x.fbs', offset: 200, data: bytes.subarray(200, 300), done: true })).rejects.toMatchObject({
      code: 'HOST_BAD_RECORDING',
    })
    await expect(alice.ask('recordings.upload', { name: 'y.fbs', offset: 0, data: Buffer.from('GIF89a not a recording'), done: true })).rejects.toMatchObject({
      code: 'RFB_ERR_FBS',
    })
    expect(readdirSync(join(dir, 'Recordings')).sort()).toEqual(['picked (2).fbs', 'picked.fbs'])
  })

  it('refuses what is not a playable recording of the folder', async () => {
    mkdirSync(join(dir, 'Recordings'), { recursive: true })
    writeFileSync(join(dir, 'Recordings', 'junk.fbs'), 'not a recording')
    const alice = attach('alice')
    await expect(alice.ask('player.open', { name: 'junk.fbs' })).rejects.toMatchObject({ code: 'RFB_ERR_FBS' })
    await expect(alice.ask('player.open', { name: 'missing.fbs' })).rejects.toMatchObject({ code: 'HOST_NO_RECORDING' })
    await expect(alice.ask('player.open', { name: '../secrets.json' })).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
  })
})

describe("a recording file picked in the desktop app's open dialog", () => {
  it('plays it where it is, owned by the window that asked, with exports in the Recordings folder', async () => {
    const elsewhere = join(dir, 'Desktop')
    mkdirSync(elsewhere)
    const path = join(elsewhere, 'demo take.fbs')
    copyFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-hextile.fbs'), path)
    const alice = attach('alice')
    const info = await host.openRecordingFile(path, alice.client)
    players.add(info.playerId)
    expect(info).toMatchObject({ name: 'demo take.fbs' })
    expect(info.durationMs).toBeGreaterThan(0)
    await until('the first picture', () => events<FrameBatch>(alice.client, 'session.frame').some((b) => b.sessionId === info.playerId))
    // Nothing was copied into the Recordings folder; exports still go there, under the file's name.
    expect(await alice.ask('recordings.list')).toEqual([])
    const { file } = (await alice.ask('player.exportFrame', { playerId: info.playerId })) as { file: string }
    expect(dirname(file)).toBe(join(dir, 'Recordings', 'Exports', 'demo take'))
    // Another window cannot drive it; its own window closes it.
    await expect(attach('bob').ask('player.seek', { playerId: info.playerId, timeMs: 0 })).rejects.toMatchObject({ code: 'HOST_NO_PLAYER' })
    await alice.ask('player.close', { playerId: info.playerId })
  })

  it('refuses a folder, a missing file and one that is not a recording, in words for the window', async () => {
    const alice = attach('alice')
    writeFileSync(join(dir, 'notes.fbs'), 'not a recording')
    await expect(host.openRecordingFile(join(dir, 'notes.fbs'), alice.client)).rejects.toMatchObject({ error: { code: 'RFB_ERR_FBS' } })
    await expect(host.openRecordingFile(join(dir, 'gone.fbs'), alice.client)).rejects.toMatchObject({ error: { code: 'HOST_NO_RECORDING' } })
    await expect(host.openRecordingFile(dir, alice.client)).rejects.toMatchObject({ error: { code: 'HOST_BAD_RECORDING' } })
  })

  it('is no request a window can send: player.open still takes only a name of the Recordings folder', async () => {
    const path = join(dir, 'outside.fbs')
    copyFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs'), path)
    const alice = attach('alice')
    await expect(alice.ask('player.open', { name: path })).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    await expect(alice.ask('player.openFile', { path })).rejects.toMatchObject({ code: 'HOST_UNKNOWN_REQUEST' })
  })
})

describe('players under a hostile window', () => {
  it('counts opens still reading their file against the limit: twelve at once open at most eight', async () => {
    mkdirSync(join(dir, 'Recordings'), { recursive: true })
    copyFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs'), join(dir, 'Recordings', 'a.fbs'))
    const alice = attach('alice')
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => alice.ask('player.open', { name: 'a.fbs' })))
    const opened = results.filter((r) => r.status === 'fulfilled')
    for (const r of opened) players.add((r.value as PlayerInfo).playerId)
    expect(opened).toHaveLength(MAX_PLAYERS)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'HOST_TOO_MANY_SESSIONS' })
    // Closing one frees its place.
    await alice.ask('player.close', { playerId: (opened[0] as PromiseFulfilledResult<PlayerInfo>).value.playerId })
    await expect(alice.ask('player.open', { name: 'a.fbs' })).resolves.toMatchObject({ name: 'a.fbs' })
  })

  it('does not keep a player whose window left while it was being opened', async () => {
    mkdirSync(join(dir, 'Recordings'), { recursive: true })
    copyFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs'), join(dir, 'Recordings', 'a.fbs'))
    const p = new Players(new RecordingsFolder(join(dir, 'Recordings')), { emit: () => {}, decodeImage: null, ackTimeoutMs: 60_000 })
    const owner = {} as Parameters<Players['open']>[1]
    const opens = Array.from({ length: MAX_PLAYERS }, () => p.open('a.fbs', owner))
    p.closeOwnedBy(owner)
    for (const r of await Promise.allSettled(opens)) expect(r).toMatchObject({ status: 'rejected', reason: { error: { code: 'HOST_NO_PLAYER' } } })
    // None of them holds a place: another window can open all eight.
    const infos = await Promise.all(Array.from({ length: MAX_PLAYERS }, () => p.open('a.fbs', undefined)))
    expect(infos).toHaveLength(MAX_PLAYERS)
    p.closeAll()
  })

  it('bounds the bytes all open recordings hold together, releasing them on close', async () => {
    mkdirSync(join(dir, 'Recordings'), { recursive: true })
    const path = join(dir, 'Recordings', 'a.fbs')
    copyFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs'), path)
    const size = statSync(path).size
    const emitted: string[] = []
    const p = new Players(
      new RecordingsFolder(join(dir, 'Recordings')),
      { emit: (n) => emitted.push(n), decodeImage: null, ackTimeoutMs: 60_000 },
      2 * size + 1,
    )
    const one = await p.open('a.fbs', undefined)
    const two = p.open('a.fbs', undefined)
    // Two at once fit; a third, even while the second is still reading, does not.
    await expect(p.open('a.fbs', undefined)).rejects.toMatchObject({ error: { code: 'HOST_RECORDING_TOO_LARGE' } })
    await two
    p.close(one.playerId, undefined)
    await expect(p.open('a.fbs', undefined)).resolves.toMatchObject({ name: 'a.fbs' })
    p.closeAll()
  })
})

describe('recording names a window may not use', () => {
  it('refuses a link in the Recordings folder (it would read what it points to) and does not list it', async () => {
    mkdirSync(join(dir, 'Recordings'), { recursive: true })
    const outside = join(dir, 'outside.fbs')
    copyFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs'), outside)
    symlinkSync(outside, join(dir, 'Recordings', 'link.fbs'))
    const alice = attach('alice')
    await expect(alice.ask('player.open', { name: 'link.fbs' })).rejects.toMatchObject({ code: 'HOST_BAD_RECORDING' })
    expect(await alice.ask('recordings.list')).toEqual([])
  })

  it('keeps the exports of a recording named "...fbs" or "..fbs" inside their own Exports folder', async () => {
    const alice = attach('alice')
    const bytes = readFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs'))
    for (const name of ['...fbs', '..fbs']) {
      expect(await alice.ask('recordings.upload', { name, offset: 0, data: bytes, done: true })).toEqual({ name })
      const info = (await alice.ask('player.open', { name })) as PlayerInfo
      players.add(info.playerId)
      const { file } = (await alice.ask('player.exportFrame', { playerId: info.playerId })) as { file: string }
      expect(dirname(dirname(file))).toBe(join(dir, 'Recordings', 'Exports'))
      await alice.ask('player.close', { playerId: info.playerId })
    }
    // Nothing but the recordings and Exports in the folder itself.
    expect(readdirSync(join(dir, 'Recordings')).sort()).toEqual(['...fbs', '..fbs', 'Exports'])
  })
})
