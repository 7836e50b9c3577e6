import { AuthFailedError, RfbProtocolError, ServerRefusedError, UnsupportedError } from './errors'
import { type PixelFormat, readPixelFormat } from './pixel-format'
import { chooseSecurity, securityFor } from './security'
import type { SecurityOptions } from './security/policy'
import {
  type HandshakeIo,
  type LinkSecurity,
  type SecurityContext,
  type SecurityOutcome,
  type ServerKeyInfo,
  type StreamCipher,
  SecurityType,
  securityTypeName,
} from './security/security-handler'
import { type TightCapabilities, readTightInteractionCapabilities } from './security/tight'
import { decodeServerString } from './text'
import type { SshSessionInfo } from './transport/ssh'
import type { TlsSessionInfo } from './transport/transport'
import type { CertificateInfo } from './trust/certificate'
import type { ServerVerification } from './trust/verify'

/** Limits on strings read during the handshake; the lengths come from the wire. */
export const MAX_REASON_BYTES = 64 * 1024
export const MAX_NAME_BYTES = 64 * 1024
/** No real framebuffer is larger; anything beyond is a broken or hostile server. */
export const MAX_FRAMEBUFFER_SIDE = 16384
/**
 * Pixels in all (64 Mpixel, 256 MiB of RGBA): more than two 8K screens side by side, yet a
 * hostile 16384x16384 cannot make the viewer allocate a gigabyte per copy.
 */
export const MAX_FRAMEBUFFER_PIXELS = 1 << 26

/** Refuses a framebuffer size from the wire beyond the side and area limits. */
export function checkFramebufferSize(width: number, height: number, at: number, what: string): void {
  if (width > MAX_FRAMEBUFFER_SIDE || height > MAX_FRAMEBUFFER_SIDE || width * height > MAX_FRAMEBUFFER_PIXELS) {
    throw new RfbProtocolError(
      `${what} ${width}x${height} exceeds the limits (${MAX_FRAMEBUFFER_SIDE} on a side, ${MAX_FRAMEBUFFER_PIXELS / 2 ** 20} Mpixel in all)`,
      at,
    )
  }
}

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
  /** What ran, for people: "None", "VeNCrypt X509Vnc", "Tight (VNC Authentication)". */
  securityName: string
  /** Everything after the handshake is encrypted (VeNCrypt TLS or X509 sub-types, or a `vncs://` transport). */
  encrypted: boolean
  /** The server proved its identity: its certificate is vouched for by a CA, the trust store or the user. */
  serverVerified: boolean
  /** How the identity was established, when a certificate was involved. */
  serverVerification?: ServerVerification
  /** The TLS session protecting the connection, if any. */
  tls?: TlsSessionInfo
  /** The SSH tunnel carrying the connection, if any. */
  ssh?: SshSessionInfo
  certificate?: CertificateInfo
  /** RSA-AES only: the server's key and who vouched for it. */
  serverKey?: ServerKeyInfo
  /** Tight security only: what the server said it supports, read right after ServerInit. */
  tightCapabilities?: TightCapabilities
}

export interface HandshakeOptions {
  shared: boolean
  trace?: (direction: 'in' | 'out', line: string) => void
  /** Policy, trust decisions and the server's name; default: allow unencrypted, trust nothing new. */
  security?: SecurityOptions
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

/** `io` whose password requests say how the answer would travel (`ctx.link`, which TLS updates). */
function withLink(io: HandshakeIo, ctx: SecurityContext): HandshakeIo {
  return {
    read: (n) => io.read(n),
    write: (data) => io.write(data),
    credentials: (kind) => io.credentials(kind, { ...(ctx.link ?? { encrypted: false }) }),
    get position() {
      return io.position
    },
    startTls: (options) => io.startTls(options),
    ...(io.encryptStream ? { encryptStream: (cipher: StreamCipher) => io.encryptStream!(cipher) } : {}),
  }
}

/** Runs version, security and initialisation (RFC 6143 §7.1-7.3), reading top to bottom. */
export async function runHandshake(rawIo: HandshakeIo, opts: HandshakeOptions): Promise<HandshakeResult> {
  const trace = opts.trace ?? (() => {})
  const version = negotiateVersion(await rawIo.read(12))
  trace('in', `ProtocolVersion ${version.text}`)
  const reply = `RFB 003.00${version.minor}\n`
  rawIo.write(new TextEncoder().encode(reply))
  trace('out', `ProtocolVersion ${reply.trimEnd()}`)

  // The policy filters what the server offers before anything is chosen or sent (security/policy.ts).
  const security = opts.security ?? {}
  const outer = security.transport
  const link: LinkSecurity = { encrypted: outer !== undefined, ...(outer?.verified ? { verification: outer.verification } : {}) }
  const ctx: SecurityContext = { options: security, trace, link }
  const io = withLink(rawIo, ctx)
  let offered: number[]
  let handler
  if (version.minor === 3) {
    const type = u32(await io.read(4))
    if (type === SecurityType.Invalid) {
      throw new ServerRefusedError(await readString(io, MAX_REASON_BYTES, 'failure reason'))
    }
    offered = [type]
    trace('in', `Security (3.3) ${securityTypeName(type)}`)
    handler = securityFor(type, ctx)
  } else {
    const count = (await io.read(1))[0]
    if (count === 0) throw new ServerRefusedError(await readString(io, MAX_REASON_BYTES, 'failure reason'))
    offered = Array.from(await io.read(count))
    trace('in', `SecurityTypes ${offered.map(securityTypeName).join(', ')}`)
    handler = chooseSecurity(offered, ctx)
    io.write(Uint8Array.of(handler.type))
    trace('out', `SecurityType ${handler.name}`)
  }

  const outcome: SecurityOutcome = (await handler.authenticate(io)) ?? {
    name: handler.name,
    innerType: handler.type,
    encrypted: security.transport !== undefined,
    serverVerified: security.transport?.verified ?? false,
    verification: security.transport?.verification,
    tls: security.transport?.tls,
    certificate: security.transport?.certificate,
  }

  // RFC 6143 §7.1.3: 3.8 always sends SecurityResult; earlier versions skip it for None.
  if (version.minor === 8 || outcome.innerType !== SecurityType.None) {
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
  checkFramebufferSize(width, height, at, 'ServerInit framebuffer')
  const pixelFormat = readPixelFormat(head, 4)
  const name = await readString(io, MAX_NAME_BYTES, 'desktop name')
  trace('in', `ServerInit ${width}x${height} ${JSON.stringify(name)}`)
  // Still initialisation: TightVNC extends ServerInit with its capability lists (rfbproto, Tight).
  const tightCapabilities = outcome.tightCapabilities ? await readTightInteractionCapabilities(io) : undefined
  if (tightCapabilities) {
    const t = tightCapabilities
    trace('in', `Tight capabilities: ${t.serverMessages.length} server messages, ${t.clientMessages.length} client messages, ${t.encodings.length} encodings`)
  }
  return {
    serverVersion: version.text,
    minor: version.minor,
    offeredSecurity: offered,
    securityType: handler.type,
    init: { width, height, pixelFormat, name },
    securityName: outcome.name,
    encrypted: outcome.encrypted,
    serverVerified: outcome.serverVerified,
    serverVerification: outcome.verification,
    tls: outcome.tls,
    certificate: outcome.certificate,
    ...(outcome.serverKey ? { serverKey: outcome.serverKey } : {}),
    tightCapabilities,
    ssh: security.transport?.ssh,
  }
}
