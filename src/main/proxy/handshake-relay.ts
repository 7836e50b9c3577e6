import { MAX_NAME_BYTES, MAX_REASON_BYTES, checkFramebufferSize, negotiateVersion } from '../rfb/handshake'
import { AuthFailedError, RfbProtocolError, ServerRefusedError, UnsupportedError } from '../rfb/errors'
import { type PixelFormat, readPixelFormat } from '../rfb/pixel-format'
import { securityTypeName } from '../rfb/security/security-handler'
import type { StreamReader } from './stream-reader'

/**
 * Security types whose bytes the proxy can follow and relay: None (1) and VNC authentication
 * (2, a challenge and its answer). Everything else either encrypts the stream (VeNCrypt, TLS,
 * RSA-AES), which would leave the proxy nothing to parse, or needs the proxy to take part.
 */
export const RELAYED_SECURITY_TYPES: readonly number[] = [1, 2]

/** What the relay learned: enough to parse the session that follows. */
export interface RelayedHandshake {
  minor: 3 | 7 | 8
  securityType: number
  /** Types the server offered that the proxy did not pass on. */
  stripped: number[]
  width: number
  height: number
  pixelFormat: PixelFormat
  name: string
}

type Note = (direction: 'S>C' | 'C>S' | 'proxy', line: string) => void

const versionLine = (minor: number): Buffer => Buffer.from(`RFB 003.00${minor}\n`, 'latin1')

/** A reason string as RFB writes it: u32 length, then the bytes. */
function reasonBytes(text: string): Buffer {
  const body = Buffer.from(text, 'utf8')
  const head = Buffer.alloc(4)
  head.writeUInt32BE(body.length)
  return Buffer.concat([head, body])
}

async function readReason(server: StreamReader): Promise<Buffer> {
  const len = await server.u32()
  if (len > MAX_REASON_BYTES) throw new RfbProtocolError(`reason of ${len} bytes exceeds ${MAX_REASON_BYTES}`, 0, 'RFB_ERR_LIMIT')
  return server.read(len)
}

/**
 * Relays RFC 6143 §7.1-7.3 between a viewer and a server, reading every field and checking every
 * length: the version (the lower of both, 3.3/3.7/3.8), the security types (only
 * {@link RELAYED_SECURITY_TYPES} pass; the viewer is told why when nothing is left), VNC
 * authentication's challenge and answer, SecurityResult with its reason, ClientInit and
 * ServerInit. Throws the engine's errors (the server's refusal as ServerRefusedError or
 * AuthFailedError, after passing it on to the viewer).
 */
export async function relayHandshake(server: StreamReader, viewer: StreamReader, note: Note): Promise<RelayedHandshake> {
  const serverVersion = negotiateVersion(await server.read(12))
  note('S>C', `ProtocolVersion ${serverVersion.text}`)
  viewer.transport.write(versionLine(serverVersion.minor))
  const viewerLine = await viewer.read(12)
  let viewerVersion
  try {
    viewerVersion = negotiateVersion(viewerLine)
  } catch {
    throw new RfbProtocolError(`the viewer did not answer with an RFB version (it sent ${JSON.stringify(viewerLine.toString('latin1'))})`, 0, 'RFB_ERR_NOT_RFB')
  }
  const minor = Math.min(serverVersion.minor, viewerVersion.minor) as 3 | 7 | 8
  note('C>S', `ProtocolVersion RFB 003.00${minor}`)
  server.transport.write(versionLine(minor))

  let type: number
  const stripped: number[] = []
  if (minor === 3) {
    type = await server.u32()
    if (type === 0) {
      const reason = await readReason(server)
      viewer.transport.write(Buffer.concat([Buffer.alloc(4), reasonBytes(reason.toString('utf8'))]))
      throw new ServerRefusedError(reason.toString('utf8'))
    }
    if (!RELAYED_SECURITY_TYPES.includes(type)) {
      viewer.transport.write(Buffer.concat([Buffer.alloc(4), reasonBytes(`the proxy cannot pass on ${securityTypeName(type)}`)]))
      throw new UnsupportedError(`the server requires ${securityTypeName(type)}, which the proxy cannot pass on`, 'RFB_ERR_SECURITY')
    }
    note('S>C', `Security ${securityTypeName(type)}`)
    const out = Buffer.alloc(4)
    out.writeUInt32BE(type)
    viewer.transport.write(out)
  } else {
    const count = await server.u8()
    if (count === 0) {
      const reason = await readReason(server)
      viewer.transport.write(Buffer.concat([Buffer.of(0), reasonBytes(reason.toString('utf8'))]))
      throw new ServerRefusedError(reason.toString('utf8'))
    }
    const offered = [...(await server.read(count))]
    const passed = offered.filter((t) => RELAYED_SECURITY_TYPES.includes(t))
    stripped.push(...offered.filter((t) => !passed.includes(t)))
    note('S>C', `SecurityTypes ${offered.map(securityTypeName).join(', ')}`)
    if (stripped.length) note('proxy', `stripped security types the proxy cannot follow: ${stripped.map(securityTypeName).join(', ')}`)
    if (passed.length === 0) {
      const why = `the server offers only ${offered.map(securityTypeName).join(', ')}; the proxy passes on None and VNC authentication`
      viewer.transport.write(Buffer.concat([Buffer.of(0), reasonBytes(why)]))
      throw new UnsupportedError(why, 'RFB_ERR_SECURITY')
    }
    viewer.transport.write(Buffer.from([passed.length, ...passed]))
    type = await viewer.u8()
    if (!passed.includes(type)) throw new RfbProtocolError(`the viewer chose security type ${type}, which was not offered`, 0, 'RFB_ERR_SECURITY')
    note('C>S', `SecurityType ${securityTypeName(type)}`)
    server.transport.write(Buffer.of(type))
  }

  if (type === 2) {
    viewer.transport.write(await server.read(16))
    note('S>C', 'VncAuth challenge (16 bytes)')
    server.transport.write(await viewer.read(16))
    note('C>S', 'VncAuth response (16 bytes)')
  }
  // RFC 6143 §7.1.3: 3.8 always sends SecurityResult; 3.3 and 3.7 only after VNC authentication.
  if (minor === 8 || type === 2) {
    const result = await server.u32()
    const out = Buffer.alloc(4)
    out.writeUInt32BE(result)
    if (result !== 0) {
      const reason = minor === 8 ? (await readReason(server)).toString('utf8') : 'authentication failed'
      viewer.transport.write(minor === 8 ? Buffer.concat([out, reasonBytes(reason)]) : out)
      note('S>C', `SecurityResult failed: ${reason}`)
      throw new AuthFailedError(reason)
    }
    viewer.transport.write(out)
    note('S>C', 'SecurityResult ok')
  }

  const shared = await viewer.u8()
  note('C>S', `ClientInit shared=${shared !== 0}`)
  server.transport.write(Buffer.of(shared))
  const head = await server.read(24)
  const width = head.readUInt16BE(0)
  const height = head.readUInt16BE(2)
  checkFramebufferSize(width, height, 0, 'framebuffer size')
  const pixelFormat = readPixelFormat(head, 4)
  const nameLength = head.readUInt32BE(20)
  if (nameLength > MAX_NAME_BYTES) throw new RfbProtocolError(`desktop name of ${nameLength} bytes exceeds ${MAX_NAME_BYTES}`, 0, 'RFB_ERR_LIMIT')
  const name = await server.read(nameLength)
  viewer.transport.write(Buffer.concat([head, name]))
  note('S>C', `ServerInit ${width}x${height} "${name.toString('utf8')}"`)
  return { minor, securityType: type, stripped, width, height, pixelFormat, name: name.toString('utf8') }
}
