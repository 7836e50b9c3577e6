// A rect in an encoding the client did not announce is a protocol error (issue 12): a server
// must not make the viewer decode PNG or JPEG images it never asked for.
import { Encoding } from '@shared/encodings'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_ENCODINGS } from '../../../src/main/rfb/decoders'
import type { RfbError } from '../../../src/main/rfb/errors'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { RfbClient, type RfbClientOptions } from '../../../src/main/rfb/session'
import { connectTcp } from '../../../src/main/rfb/transport/tcp'
import { Bytes } from '../../helpers/bytes'
import { FakeTransport, settle } from '../../helpers/fake-transport'
import { none38 } from '../../helpers/server-script'
import { type ScriptServer, scriptServer } from '../security/script-server'

/** One FramebufferUpdate with a 2x2 rect at the origin: `body` in `encoding`. */
function update(encoding: number, body: Uint8Array): Uint8Array {
  return new Bytes().u8(0, 0).u16(1).u16(0, 0, 2, 2).s32(encoding).bytes(body).build()
}
/** A Tight-style fill (TightPNG has it too): one colour, no image data at all. */
const FILL = Uint8Array.of(0x80, 10, 20, 30)
/** A JPEG rect's body would be a JPEG file; its first bytes are enough to be refused. */
const JPEG_HEAD = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0)

let server: ScriptServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

/** Connects to a scripted server on 127.0.0.1 that sends `then` right after ServerInit. */
async function sessionAgainst(then: Uint8Array, opts: Partial<RfbClientOptions> = {}) {
  server = await scriptServer(async (c) => {
    c.send(none38(4, 3))
    await c.read(12 + 1 + 1)
    c.send(then)
  })
  const client = new RfbClient({ sink: new FramebufferSink(), ...opts })
  const closed = new Promise<RfbError | null>((resolve) => client.once('close', resolve))
  const updates: number[][] = []
  client.on('update', (u) => updates.push(u.encodings))
  await client.start(await connectTcp('127.0.0.1', server.port))
  const error = await Promise.race([closed, new Promise<'open'>((r) => setTimeout(() => r('open'), 500))])
  client.close()
  return { error, updates }
}

describe('rects in encodings that were not announced', () => {
  it('a TightPNG rect the client did not announce is a protocol error with its own code', async () => {
    expect(DEFAULT_ENCODINGS).not.toContain(Encoding.TightPNG)
    const { error, updates } = await sessionAgainst(update(Encoding.TightPNG, FILL))
    expect(error).not.toBe('open')
    expect((error as RfbError).code).toBe('RFB_ERR_ENCODING_NOT_ANNOUNCED')
    expect((error as RfbError).message).toMatch(/TightPNG.*did not announce/)
    expect(updates).toEqual([])
  })

  it('a JPEG (21) rect the client did not announce is refused before any image is decoded', async () => {
    expect(DEFAULT_ENCODINGS).not.toContain(Encoding.JPEG)
    const { error } = await sessionAgainst(update(Encoding.JPEG, JPEG_HEAD))
    expect((error as RfbError).code).toBe('RFB_ERR_ENCODING_NOT_ANNOUNCED')
  })

  it('the same TightPNG rect is decoded when the client announced TightPNG', async () => {
    const { error, updates } = await sessionAgainst(update(Encoding.TightPNG, FILL), { encodings: [Encoding.TightPNG] })
    expect(error).toBe('open')
    expect(updates).toEqual([[Encoding.TightPNG]])
  })

  it('an encoding nobody knows keeps its old code (RFB_ERR_ENCODING)', async () => {
    const { error } = await sessionAgainst(update(12345, new Uint8Array(0)))
    expect((error as RfbError).code).toBe('RFB_ERR_ENCODING')
  })

  it('after SetEncodings drops TightPNG, updates already owed may still use it; later ones may not', async () => {
    const t = new FakeTransport()
    const client = new RfbClient({ sink: new FramebufferSink(), encodings: [Encoding.TightPNG, Encoding.Raw] })
    const p = client.start(t)
    t.serve(none38(4, 3))
    await p
    const seen: { error: RfbError | null } = { error: null }
    client.on('close', (e) => (seen.error = e))
    // One request is unanswered (the first full one): it and one update of slack may follow the old list.
    client.sendEncodings(DEFAULT_ENCODINGS)
    t.serve(update(Encoding.TightPNG, FILL))
    await settle()
    t.serve(update(Encoding.TightPNG, FILL))
    await settle()
    expect(seen.error).toBeNull()
    t.serve(update(Encoding.TightPNG, FILL))
    await settle()
    expect(seen.error?.code).toBe('RFB_ERR_ENCODING_NOT_ANNOUNCED')
  })
})
