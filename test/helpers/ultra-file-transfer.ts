import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { RfbClient } from '../../src/main/rfb/session'
import { openRemoteFiles } from '../../src/main/rfb/file-transfer'
import { UltraFiles } from '../../src/main/rfb/file-transfer/ultra-files'
import { Bytes } from './bytes'
import { FakeTransport, settle } from './fake-transport'
import { serverInit } from './server-script'

/** An x11vnc -ultrafilexfer handshake: RFB 3.6 (answered as 3.3), security None, ServerInit. */
export function ultra36(): Uint8Array {
  return new Bytes()
    .text('RFB 003.006\n')
    .u32(1)
    .bytes(serverInit(4, 3, 'ultra'))
    .build()
}

/** A server FileTransfer message; `sizeHigh` follows the body (a good rfbFileHeader). */
export function ft(contentType: number, param: number, size: number, body: ArrayLike<number> = [], sizeHigh?: number): Uint8Array {
  const b = new Bytes()
    .u8(7, contentType, param, 0)
    .u32(size >>> 0, body.length)
    .bytes(body)
  if (sizeHigh !== undefined) b.u32(sizeHigh)
  return b.build()
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A WIN32_FIND_DATA cut after the name, as libvncserver sends it (little-endian, Unix seconds as FILETIME). */
export function findData(
  name: ArrayLike<number> | string,
  opts: { folder?: boolean; size?: number; sizeHigh?: number; mtimeLow?: number; mtimeHigh?: number } = {},
): Uint8Array {
  const n = typeof name === 'string' ? utf8(name) : Uint8Array.from(name)
  const out = new Uint8Array(44 + n.length)
  const v = new DataView(out.buffer)
  v.setUint32(0, opts.folder ? 0x10 : 0x80, true)
  v.setUint32(20, opts.mtimeLow ?? 1_700_000_000, true)
  v.setUint32(24, opts.mtimeHigh ?? 0, true)
  v.setUint32(28, opts.sizeHigh ?? 0, true)
  v.setUint32(32, opts.size ?? 0, true)
  out.set(n, 44)
  return out
}

/** One client FileTransfer message as sent. */
export interface SentMessage {
  contentType: number
  param: number
  size: number
  body: Buffer
  /** The 4 bytes after an offer's body. */
  sizeHigh?: number
}

/** Splits what the client wrote into FileTransfer messages (after the handshake, nothing else is sent). */
export function sentMessages(t: FakeTransport): SentMessage[] {
  const all = t.sent()
  const out: SentMessage[] = []
  let at = 0
  while (at < all.length) {
    if (all[at] !== 7) throw new Error(`client message type ${all[at]} at ${at}, not a FileTransfer`)
    const contentType = all[at + 1]
    const length = all.readUInt32BE(at + 8)
    const m: SentMessage = { contentType, param: all[at + 2], size: all.readUInt32BE(at + 4), body: all.subarray(at + 12, at + 12 + length) }
    at += 12 + length
    if (contentType === 8) {
      m.sizeHigh = all.readUInt32BE(at)
      at += 4
    }
    out.push(m)
  }
  return out
}

/** A session on a fake transport, past ServerInit with an RFB 3.6 server; nothing written yet. */
export async function ultraSession(): Promise<{ client: RfbClient; t: FakeTransport; closed: () => Error | null | undefined }> {
  const t = new FakeTransport()
  const client = new RfbClient({ sink: new FramebufferSink(), autoUpdate: false })
  let closed: Error | null | undefined
  client.on('close', (e) => (closed = e))
  const p = client.start(t)
  t.serve(ultra36())
  await p
  t.written.length = 0
  return { client, t, closed: () => closed }
}

/** {@link ultraSession} with file transfer opened by the factory (permission granted); nothing written yet. */
export async function ultraFiles(
  timeoutMs?: number,
): Promise<{ client: RfbClient; t: FakeTransport; files: UltraFiles; closed: () => Error | null | undefined }> {
  const s = await ultraSession()
  const opening = openRemoteFiles(s.client, { timeoutMs })
  s.t.serve(ft(14, 0, 1))
  const files = await opening
  if (!(files instanceof UltraFiles)) throw new Error('openRemoteFiles did not open UltraVNC file transfer for an RFB 3.6 server')
  await settle()
  s.t.written.length = 0
  return { ...s, files }
}
