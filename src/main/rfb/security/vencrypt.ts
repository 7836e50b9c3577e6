import { RfbProtocolError, ServerRefusedError, UnsupportedError } from '../errors'
import { checkServerCertificate } from './certificate-check'
import { type Candidate, candidatesFor, choose } from './policy'
import { sendPlainCredentials } from './plain'
import {
  type HandshakeIo,
  type SecurityContext,
  type SecurityHandler,
  type SecurityOutcome,
  SecurityType,
  offeredNames,
  securityTypeName,
} from './security-handler'
import { type UnprovenReader, refuseUnprovenReader } from './unproven-reader'
import { VncAuthSecurity } from './vnc-auth'

/** VeNCrypt 0.2 sub-types (VeNCrypt spec §6.2.19.0.2); 1 and 2 are the plain RFB types. */
export const enum VeNCryptSubType {
  Plain = 256,
  TLSNone = 257,
  TLSVnc = 258,
  TLSPlain = 259,
  X509None = 260,
  X509Vnc = 261,
  X509Plain = 262,
}

/** Sub-types Tessera speaks. 19 (VeNCrypt itself) is never chosen: the spec forbids the loop. */
const SPEAKS: readonly number[] = [
  SecurityType.None,
  SecurityType.VncAuth,
  VeNCryptSubType.Plain,
  VeNCryptSubType.TLSNone,
  VeNCryptSubType.TLSVnc,
  VeNCryptSubType.TLSPlain,
  VeNCryptSubType.X509None,
  VeNCryptSubType.X509Vnc,
  VeNCryptSubType.X509Plain,
]

/** The authentication that follows the TLS layer (or runs alone) for each sub-type. */
function innerType(sub: number): number {
  switch (sub) {
    case VeNCryptSubType.TLSNone:
    case VeNCryptSubType.X509None:
    case SecurityType.None:
      return SecurityType.None
    case VeNCryptSubType.TLSVnc:
    case VeNCryptSubType.X509Vnc:
    case SecurityType.VncAuth:
      return SecurityType.VncAuth
    default:
      return VeNCryptSubType.Plain
  }
}

const isTls = (sub: number): boolean => sub >= VeNCryptSubType.TLSNone && sub <= VeNCryptSubType.X509Plain
const isX509 = (sub: number): boolean => sub >= VeNCryptSubType.X509None

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
}

/**
 * Security type 19, VeNCrypt 0.2 (VeNCrypt spec §6.2.19): version exchange, the server's list of
 * u32 sub-types, our choice by policy, then optionally TLS (anonymous for TLS*, certificate for
 * X509*) and the inner authentication (None, VNC auth or Plain) over it.
 *
 * The u8 "accepted" byte after the choice is not in the spec. Servers send it for the TLS and
 * X509 sub-types only: TigerVNC writes it from its TLS layer (SSecurityTLS), x11vnc and QEMU
 * offer nothing else. For the plain sub-types 1, 2 and 256 TigerVNC (the one server listing
 * them) goes straight on with that type's exchange, so no byte is read for them.
 */
export class VeNCryptSecurity implements SecurityHandler {
  readonly type = SecurityType.VeNCrypt
  readonly name = 'VeNCrypt'

  constructor(private readonly ctx: SecurityContext) {}

  async authenticate(io: HandshakeIo): Promise<SecurityOutcome> {
    const { trace, options } = this.ctx
    const [major, minor] = await io.read(2)
    trace('in', `VeNCrypt version ${major}.${minor}`)
    if (major === 0 && minor < 2) {
      // 0.1 is obsolete (u8 sub-types numbered 19-25); 0.0 tells the server we cannot go on.
      io.write(Uint8Array.of(0, 0))
      throw new UnsupportedError(`the server speaks only VeNCrypt ${major}.${minor}, which is obsolete`, 'RFB_ERR_SECURITY')
    }
    io.write(Uint8Array.of(0, 2))
    trace('out', 'VeNCrypt version 0.2')
    const status = (await io.read(1))[0]
    if (status !== 0) throw new ServerRefusedError(`the server refused VeNCrypt 0.2 (status ${status})`)

    const count = (await io.read(1))[0]
    if (count === 0) throw new ServerRefusedError('the server offers no VeNCrypt sub-types')
    const list = await io.read(4 * count)
    const offered: number[] = []
    for (let i = 0; i < count; i++) offered.push(((list[4 * i] << 24) | (list[4 * i + 1] << 16) | (list[4 * i + 2] << 8) | list[4 * i + 3]) >>> 0)
    const names = offeredNames(offered)
    trace('in', `VeNCrypt sub-types ${offered.map(securityTypeName).join(', ')}`)

    let chosen: Candidate
    try {
      chosen = choose(candidatesFor(offered, SPEAKS, options), names, 'the server (in VeNCrypt)', options)
    } catch (e) {
      // "The client chooses ... or 0 for it being unable to choose one": tell the server, then stop.
      io.write(u32(0))
      throw e
    }
    io.write(u32(chosen.code))
    trace('out', `VeNCrypt sub-type ${chosen.name}`)

    const outer = options.transport
    const outcome: SecurityOutcome = {
      name: `VeNCrypt ${chosen.name}`,
      innerType: innerType(chosen.code),
      encrypted: outer !== undefined,
      serverVerified: outer?.verified ?? false,
      verification: outer?.verification,
      tls: outer?.tls,
      certificate: outer?.certificate,
    }

    let problem: string | undefined
    if (isTls(chosen.code)) {
      const ack = (await io.read(1))[0]
      if (ack !== 1) throw new ServerRefusedError(`the server refused VeNCrypt ${chosen.name} (it answered ${ack} instead of 1)`)
      const anonymous = !isX509(chosen.code)
      const tls = await io.startTls({ anonymous, servername: options.host, ca: options.trust?.ca })
      trace('in', `TLS ${tls.protocol} ${tls.cipher}${tls.certificate ? '' : ' (anonymous)'}`)
      outcome.encrypted = true
      outcome.tls = tls
      if (!anonymous) {
        // Before anything else is sent (a password, or even ClientInit), the server must pass.
        const verdict = await checkServerCertificate(tls, options)
        trace('in', `certificate ${verdict.certificate.sha256} ${verdict.verified ? `verified (${verdict.how})` : `not verified: ${verdict.problem}`}`)
        outcome.certificate = verdict.certificate
        problem = verdict.problem
        if (verdict.verified || !outcome.serverVerified) {
          outcome.serverVerified = verdict.verified
          outcome.verification = verdict.how
        }
      }
      // The password prompt tells the user how the answer would travel.
      this.ctx.link = { encrypted: true, ...(outcome.serverVerified ? { verification: outcome.verification } : {}) }
    }

    switch (outcome.innerType) {
      case SecurityType.None:
        break
      case SecurityType.VncAuth:
        await new VncAuthSecurity().authenticate(io)
        trace('out', 'VNC authentication response')
        break
      case VeNCryptSubType.Plain: {
        // The password is readable inside TLS: an unproven certificate's holder must not get it (unproven-reader.ts).
        const cert = outcome.serverVerified ? undefined : outcome.certificate
        const reader: UnprovenReader | undefined = cert && { kind: 'certificate', type: chosen.name, certificate: cert, problem }
        await sendPlainCredentials(io, () => reader && refuseUnprovenReader(options, reader))
        trace('out', 'Plain user name and password')
        break
      }
      default:
        throw new RfbProtocolError(`unexpected VeNCrypt sub-type ${chosen.code}`, io.position)
    }
    return outcome
  }
}
