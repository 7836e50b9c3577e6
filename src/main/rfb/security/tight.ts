import { RfbProtocolError, UnsupportedError } from '../errors'
import { candidatesFor, choose } from './policy'
import { type HandshakeIo, type SecurityContext, type SecurityHandler, type SecurityOutcome, SecurityType, namedOffers } from './security-handler'
import { VncAuthSecurity } from './vnc-auth'

/** A Tight capability (rfbproto "Tight Security Type"): s32 code, 4-byte vendor, 8-byte signature. */
export interface TightCapability {
  code: number
  vendor: string
  signature: string
}

/** The lists TightVNC sends after ServerInit when Tight security ran (rfbproto "ServerInit", Tight extension). */
export interface TightCapabilities {
  serverMessages: TightCapability[]
  clientMessages: TightCapability[]
  encodings: TightCapability[]
}

/** Real servers list a handful; the counts come from the wire, so bound them. */
export const MAX_TIGHT_CAPABILITIES = 1024

/** Auth capabilities we speak, as registered in rfbproto: the plain RFB types wrapped. */
const AUTH_CAPABILITIES: readonly TightCapability[] = [
  { code: SecurityType.None, vendor: 'STDV', signature: 'NOAUTH__' },
  { code: SecurityType.VncAuth, vendor: 'STDV', signature: 'VNCAUTH_' },
]
const NO_TUNNEL: TightCapability = { code: 0, vendor: 'TGHT', signature: 'NOTUNNEL' }

const same = (a: TightCapability, b: TightCapability): boolean => a.code === b.code && a.vendor === b.vendor && a.signature === b.signature

function s32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
}

function parseCapabilities(b: Uint8Array, n: number): TightCapability[] {
  const caps: TightCapability[] = []
  for (let i = 0; i < n; i++) {
    const o = i * 16
    caps.push({
      code: (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3],
      vendor: String.fromCharCode(...b.subarray(o + 4, o + 8)),
      signature: String.fromCharCode(...b.subarray(o + 8, o + 16)),
    })
  }
  return caps
}

async function readCapabilityList(io: HandshakeIo, what: string): Promise<TightCapability[]> {
  const at = io.position
  const c = await io.read(4)
  const n = ((c[0] << 24) | (c[1] << 16) | (c[2] << 8) | c[3]) >>> 0
  if (n > MAX_TIGHT_CAPABILITIES) throw new RfbProtocolError(`Tight ${what} list of ${n} entries exceeds ${MAX_TIGHT_CAPABILITIES}`, at)
  return parseCapabilities(await io.read(16 * n), n)
}

export const describeCapability = (c: TightCapability): string => `${c.code} ${c.vendor}${c.signature}`

/**
 * Security type 16, Tight (rfbproto "Tight Security Type"): a list of tunnels (we take
 * NOTUNNEL, the only one registered), then a list of authentication capabilities (we speak
 * None and VNC Authentication; an empty list means None). The server then extends ServerInit
 * with its capability lists, which the handshake reads ({@link readTightInteractionCapabilities}).
 */
export class TightSecurity implements SecurityHandler {
  readonly type = SecurityType.Tight
  readonly name = 'Tight'

  constructor(private readonly ctx: SecurityContext) {}

  async authenticate(io: HandshakeIo): Promise<SecurityOutcome> {
    const { trace, options } = this.ctx
    const tunnels = await readCapabilityList(io, 'tunnel')
    trace('in', `Tight tunnels [${tunnels.map(describeCapability).join(', ')}]`)
    // "If number-of-tunnels is zero, the client must make no such request."
    if (tunnels.length > 0) {
      if (!tunnels.some((t) => same(t, NO_TUNNEL))) {
        throw new UnsupportedError(
          `the server requires a Tight tunnel (${namedOffers(tunnels.map(describeCapability))}), which Tessera does not speak`,
          'RFB_ERR_SECURITY',
        )
      }
      io.write(s32(NO_TUNNEL.code))
      trace('out', 'Tight tunnel NOTUNNEL')
    }
    const auths = await readCapabilityList(io, 'authentication')
    trace('in', `Tight authentication [${auths.map(describeCapability).join(', ')}]`)
    let inner: number = SecurityType.None
    // "If number-of-auth-types is zero, the protocol proceeds directly at security type None."
    if (auths.length > 0) {
      const codes = auths.filter((a) => AUTH_CAPABILITIES.some((k) => same(k, a))).map((a) => a.code)
      const names = namedOffers(auths.map((a) => `${a.vendor}${a.signature}`))
      inner = choose(candidatesFor(codes, [SecurityType.None, SecurityType.VncAuth], options), names, 'the server (in Tight security)', options).code
      io.write(s32(inner))
      trace('out', `Tight authentication ${inner === SecurityType.None ? 'None' : 'VNC Authentication'}`)
      if (inner === SecurityType.VncAuth) await new VncAuthSecurity().authenticate(io)
    }
    const outer = options.transport
    return {
      name: `Tight (${inner === SecurityType.None ? 'None' : 'VNC Authentication'})`,
      innerType: inner,
      encrypted: outer !== undefined,
      serverVerified: outer?.verified ?? false,
      verification: outer?.verification,
      tls: outer?.tls,
      certificate: outer?.certificate,
      tightCapabilities: true,
    }
  }
}

/**
 * The interaction capabilities that follow ServerInit after Tight security: u16 counts of
 * server messages, client messages and encodings, u16 padding, then 16 bytes per capability.
 */
export async function readTightInteractionCapabilities(io: HandshakeIo): Promise<TightCapabilities> {
  const at = io.position
  const h = await io.read(8)
  const counts = [(h[0] << 8) | h[1], (h[2] << 8) | h[3], (h[4] << 8) | h[5]]
  for (const n of counts) {
    if (n > MAX_TIGHT_CAPABILITIES) throw new RfbProtocolError(`Tight interaction capability list of ${n} entries exceeds ${MAX_TIGHT_CAPABILITIES}`, at)
  }
  const [serverMessages, clientMessages, encodings] = [
    parseCapabilities(await io.read(16 * counts[0]), counts[0]),
    parseCapabilities(await io.read(16 * counts[1]), counts[1]),
    parseCapabilities(await io.read(16 * counts[2]), counts[2]),
  ]
  return { serverMessages, clientMessages, encodings }
}
