import { AuthFailedError, RfbProtocolError, ServerRefusedError, UnsupportedError } from './errors'
import { type PixelFormat, readPixelFormat } from './pixel-format'
import { chooseSecurity, securityFor } from './security'
import { type HandshakeIo, SecurityType, securityTypeName } from './security/security-handler'
import { decodeServerString } from './text'

/** Limits on strings read during the handshake; the lengths come from the wire. */
export const MAX_REASON_BYTES = 64 * 1024
export const MAX_NAME_BYTES = 64 * 1024
/** No real framebuffer is larger; anything beyond is a broken or hostile server. */
export const MAX_FRAMEBUFFER_SIDE = 16384

/** The minor version we speak after negotiation: 3.3, 3.7 or 3.8. */
export type RfbMinorVersion = 3 | 7 | 8

/** ServerInit (RFC 6143 §7.3.2). */
export interface ServerInit {
  width: number
  height: number
  pixelFormat: PixelFormat
  name: string
}

export interface HandshakeResult {
  /** The server's version line as sent, without the newline, e.g. "RFB 003.008". */
  serverVersion: string
  minor: RfbMinorVersion
  /** Security types the server offered (3.7+) or dictated (3.3). */
  offeredSecurity: number[]
  securityType: number
  init: ServerInit
}

export interface HandshakeOptions {
  shared: boolean
  trace?: (direction: 'in' | 'out', line: string) => void
}

/**
 * Maps the server's version to the one we answer with (RFC 6143 §7.1.1): 3.5 and the UltraVNC
 * 3.4/3.6 are treated as 3.3; Apple's 3.889 and anything newer (RealVNC 4.x, 5.x) get 3.8.
 */
export function negotiateVersion(line: Uint8Array): { text: string; minor: RfbMinorVersion } {
  const text = String.fromCharCode(...line)
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(text)
  if (!m) {
    throw new RfbProtocolError(`not a VNC server (it sent ${JSON.stringify(text)})`, 0, 'RFB_ERR_NOT_RFB')
  }
  const major = Number(m[1])
  const minor = Number(m[2])
  if (major < 3 || (major === 3 && minor < 3)) {
    throw new UnsupportedError(`unsupported protocol version ${major}.${minor}`, 'RFB_ERR_VERSION')
  }
  if (major > 3 || minor >= 8) return { text: text.trimEnd(), minor: 8 }
  return { text: text.trimEnd(), minor: minor === 7 ? 7 : 3 }
}

async function readString(io: HandshakeIo, limit: number, what: string): Promise<string> {
  const at = io.position
  const lenBytes = await io.read(4)
  const len = ((lenBytes[0] << 24) | (lenBytes[1] << 16) | (lenBytes[2] << 8) | lenBytes[3]) >>> 0
  if (len > limit) throw new RfbProtocolError(`${what} of ${len} bytes exceeds the ${limit}-byte limit`, at)
  return decodeServerString(await io.read(len))
}

function u32(b: Uint8Array, o = 0): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0
}

/** Runs version, security and initialisation (RFC 6143 §7.1-7.3), reading top to bottom. */
export async function runHandshake(io: HandshakeIo, opts: HandshakeOptions): Promise<HandshakeResult> {
  const trace = opts.trace ?? (() => {})
  const version = negotiateVersion(await io.read(12))
  trace('in', `ProtocolVersion ${version.text}`)
  const reply = `RFB 003.00${version.minor}\n`
  io.write(new TextEncoder().encode(reply))
  trace('out', `ProtocolVersion ${reply.trimEnd()}`)

  let offered: number[]
  let handler
  if (version.minor === 3) {
    const type = u32(await io.read(4))
    if (type === SecurityType.Invalid) {
      throw new ServerRefusedError(await readString(io, MAX_REASON_BYTES, 'failure reason'))
    }
    offered = [type]
    trace('in', `Security (3.3) ${securityTypeName(type)}`)
    handler = securityFor(type)
    if (!handler) throw new UnsupportedError(`the server requires security type ${securityTypeName(type)}, which Tessera does not support`, 'RFB_ERR_SECURITY')
  } else {
    const count = (await io.read(1))[0]
    if (count === 0) throw new ServerRefusedError(await readString(io, MAX_REASON_BYTES, 'failure reason'))
    offered = Array.from(await io.read(count))
    trace('in', `SecurityTypes ${offered.map(securityTypeName).join(', ')}`)
    handler = chooseSecurity(offered)
    if (!handler) {
      throw new UnsupportedError(`no common security type: the server offers ${offered.map(securityTypeName).join(', ')}`, 'RFB_ERR_SECURITY')
    }
    io.write(Uint8Array.of(handler.type))
    trace('out', `SecurityType ${handler.name}`)
  }

  await handler.authenticate(io)

  // RFC 6143 §7.1.3: 3.8 always sends SecurityResult; earlier versions skip it for None.
  if (version.minor === 8 || handler.type !== SecurityType.None) {
    const result = u32(await io.read(4))
    if (result !== 0) {
      const reason = version.minor === 8 ? await readString(io, MAX_REASON_BYTES, 'failure reason') : ''
      trace('in', `SecurityResult failed ${JSON.stringify(reason)}`)
      throw new AuthFailedError(reason)
    }
    trace('in', 'SecurityResult OK')
  }

  io.write(Uint8Array.of(opts.shared ? 1 : 0))
  trace('out', `ClientInit shared=${opts.shared}`)

  const at = io.position
  const head = await io.read(20)
  const width = (head[0] << 8) | head[1]
  const height = (head[2] << 8) | head[3]
  if (width > MAX_FRAMEBUFFER_SIDE || height > MAX_FRAMEBUFFER_SIDE) {
    throw new RfbProtocolError(`ServerInit framebuffer ${width}x${height} exceeds ${MAX_FRAMEBUFFER_SIDE}x${MAX_FRAMEBUFFER_SIDE}`, at)
  }
  const pixelFormat = readPixelFormat(head, 4)
  const name = await readString(io, MAX_NAME_BYTES, 'desktop name')
  trace('in', `ServerInit ${width}x${height} ${JSON.stringify(name)}`)
  return {
    serverVersion: version.text, minor: version.minor, offeredSecurity: offered, securityType: handler.type,
    init: { width, height, pixelFormat, name },
  }
}
