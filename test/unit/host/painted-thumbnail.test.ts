// Thumbnails of H.264 sessions: the host cannot decode the video, so it saves the small picture
// the owning window sends (session.thumbnail) whenever its own copy of the screen is not whole.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DATA_FILES, createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import type { ConnectionStore } from '../../../src/main/host/connection-store'
import { decodePng } from '../../../src/main/rfb/images/png-decoder'
import type { HostReply } from '../../../src/shared/contract'
import { newProfile } from '../../../src/shared/profile'
import { type H264Server, type Script, startH264Server } from '../../helpers/h264-server'
import { FakeClient } from './fake-client'

// Annex B bytes the host carries to the window and never decodes: any well-framed bytes do.
const KEY = Uint8Array.from([0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1e, 0, 0, 0, 1, 0x68, 0xce, 0x38, 0x80, 0, 0, 1, 0x65, 0x88, 0x84])

let dir: string
let host: Host
let store: ConnectionStore
const servers: H264Server[] = []

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-painted-'))
  ;({ host, store } = await createHost({ dataDir: dir, keychain: null, decodeImage: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } }))
})

afterEach(async () => {
  await host.shutdown()
  await Promise.all(servers.splice(0).map((s) => s.close()))
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
})

function attach(label: string): { client: FakeClient; ask: (name: string, arg?: unknown) => Promise<unknown> } {
  const client = new FakeClient(label)
  const link = host.attach(client)
  const ask = async (name: string, arg?: unknown): Promise<unknown> => {
    const reply: HostReply = await link.request(name, arg)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
    return reply.result
  }
  return { client, ask }
}

async function until(what: string, test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A solid `w` x `h` RGBA picture with alpha 0 (the host must make it opaque). */
const solid = (w: number, h: number, rgb: [number, number, number]): Uint8Array => {
  const out = new Uint8Array(w * h * 4)
  for (let i = 0; i < out.length; i += 4) out.set([...rgb, 0], i)
  return out
}

/** Saves connection `id` to a new server playing `script`, opens it for `owner` with H.264 and waits for the script's frames. */
async function openH264(script: Script, owner: ReturnType<typeof attach>, id = 'video'): Promise<{ sessionId: string; profileId: string }> {
  const server = await startH264Server(64, 48, [script])
  servers.push(server)
  const profile = await store.save(newProfile({ id, name: id, host: '127.0.0.1', port: server.port }))
  const { sessionId } = (await owner.ask('session.open', { profileId: profile.id, h264: true })) as { sessionId: string }
  await until('the script', () => server.connections[0]?.sent === script.length)
  await until('the frames', () => owner.client.delivered.filter((d) => d.name === 'session.frame').length >= script.length)
  return { sessionId, profileId: profile.id }
}

/** Pixel `i` of decoded words (R in the low byte) as [r, g, b, a]. */
const rgbaAt = (words: Uint32Array, i: number): number[] => [0, 8, 16, 24].map((s) => (words[i] >>> s) & 255)

const thumbFile = (profileId: string): string => join(dir, DATA_FILES.thumbnails, `${profileId}.png`)

describe('thumbnails an H.264 window paints', () => {
  it('saves the owner window picture when the host copy has video areas, one a second at most; others are refused', async () => {
    const alice = attach('alice')
    const bob = attach('bob')
    const { sessionId, profileId } = await openH264(
      [
        [
          { kind: 'fill', x: 0, y: 0, w: 64, h: 48, rgb: [0, 0, 255] },
          { kind: 'h264', x: 0, y: 0, w: 64, h: 48, flags: 0, data: KEY },
        ],
      ],
      alice,
    )
    // Another window may not plant a picture on alice's saved connection.
    const refused = await bob.ask('session.thumbnail', { sessionId, width: 2, height: 2, rgba: solid(2, 2, [9, 9, 9]) }).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'HOST_UNKNOWN_SESSION' })
    await alice.ask('session.thumbnail', { sessionId, width: 32, height: 24, rgba: solid(32, 24, [10, 200, 30]) })
    // Within the second: dropped, the first one stays.
    await alice.ask('session.thumbnail', { sessionId, width: 32, height: 24, rgba: solid(32, 24, [250, 0, 0]) })
    await alice.ask('session.close', { sessionId })
    await host.shutdown()
    const png = decodePng(readFileSync(thumbFile(profileId)), 32, 24)
    expect([png.width, png.height]).toEqual([32, 24])
    expect(rgbaAt(png.words, 0)).toEqual([10, 200, 30, 255])
    expect(rgbaAt(png.words, png.words.length - 1)).toEqual([10, 200, 30, 255])
  })

  it('keeps its own whole picture over the window one, and saves nothing from a window that sent none', async () => {
    const alice = attach('alice')
    // Video first, then a fill over all of it: the host's copy is whole again.
    const { sessionId, profileId } = await openH264(
      [[{ kind: 'h264', x: 0, y: 0, w: 64, h: 48, flags: 0, data: KEY }], [{ kind: 'fill', x: 0, y: 0, w: 64, h: 48, rgb: [0, 0, 255] }]],
      alice,
    )
    await alice.ask('session.thumbnail', { sessionId, width: 4, height: 3, rgba: solid(4, 3, [250, 0, 0]) })
    await alice.ask('session.close', { sessionId })
    await until('the thumbnail', () => existsSync(thumbFile(profileId)))
    const png = decodePng(readFileSync(thumbFile(profileId)), 64, 48)
    expect(rgbaAt(png.words, 0)).toEqual([0, 0, 255, 255])

    const second = await openH264([[{ kind: 'h264', x: 0, y: 0, w: 64, h: 48, flags: 0, data: KEY }]], alice, 'other')
    await alice.ask('session.close', { sessionId: second.sessionId })
    await host.shutdown()
    expect(existsSync(thumbFile(second.profileId))).toBe(false)
  })

  it('announces a saved custom list with h264 as listed to an H.264 renderer, and without it to any other', async () => {
    const alice = attach('alice')
    const server = await startH264Server(64, 48, [[[{ kind: 'fill', x: 0, y: 0, w: 64, h: 48, rgb: [0, 0, 255] }]]])
    servers.push(server)
    await store.save(newProfile({ id: 'custom', name: 'custom', host: '127.0.0.1', port: server.port, encodings: ['zrle', 'h264', 'raw'] }))
    for (const h264 of [true, false]) {
      const { sessionId } = (await alice.ask('session.open', { profileId: 'custom', h264 })) as { sessionId: string }
      const index = h264 ? 0 : 1
      await until('the encodings', () => (server.connections[index]?.encodings.length ?? 0) > 0)
      await alice.ask('session.close', { sessionId })
    }
    expect(server.connections[0].encodings.slice(0, 4)).toEqual([16, 50, 0, 1])
    expect(server.connections[1].encodings.slice(0, 3)).toEqual([16, 0, 1])
    expect(server.connections[1].encodings).not.toContain(50)
  })
})
