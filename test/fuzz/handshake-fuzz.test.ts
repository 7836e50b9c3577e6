import { describe, expect, it } from 'vitest'
import { RfbError } from '../../src/main/rfb/errors'
import type { SecurityPolicy } from '../../src/main/rfb/security/policy'
import type { TlsSessionInfo } from '../../src/main/rfb/transport/transport'
import { MemoryTrustStore } from '../../src/main/rfb/trust/store'
import { Bytes } from '../helpers/bytes'
import { serverInit } from '../helpers/server-script'
import { TestHandshakeIo, runScript } from '../unit/security/handshake-io'
import { mutate } from './mutate'
import { Rng } from './rng'

// The security handshakes (None, VNC auth, Tight, VeNCrypt with its sub-types) under mutation:
// whatever a server sends, the handshake ends with a result or an RfbError, never an exception
// of another kind and never a wait once the server has hung up. In process: the handshake is
// promise-driven, so a case that stops progressing shows as an unsettled promise, not a blocked thread.

const SEED = 77
const CASES = 1500
const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => i)
const INIT = serverInit(8, 6, 'fuzzed')
const cap = (code: number, vendor: string, sig: string): Uint8Array => new Bytes().s32(code).text(vendor).text(sig).build()

/** Server scripts that complete, one per path through the security code. */
function scripts(): { label: string; bytes: Uint8Array; tlsInside?: Uint8Array }[] {
  const v8 = (): Bytes => new Bytes().text('RFB 003.008\n')
  const ok = new Bytes().u32(0).bytes(INIT).build()
  const ven = (subtypes: number[]): Bytes =>
    v8()
      .u8(1, 19)
      .u8(0, 2, 0)
      .u8(subtypes.length)
      .u32(...subtypes)
  const tightCaps = new Bytes()
    .u16(1, 1, 2, 0)
    .bytes(cap(130, 'TGHT', 'FTS_LSDT'))
    .bytes(cap(130, 'TGHT', 'FTC_LSRQ'))
    .bytes(cap(1, 'STDV', 'COPYRECT'))
    .bytes(cap(7, 'TGHT', 'TIGHT___'))
    .build()
  return [
    { label: '3.8 None', bytes: v8().u8(1, 1).bytes(ok).build() },
    { label: '3.8 VNC auth', bytes: v8().u8(2, 2, 30).bytes(CHALLENGE).bytes(ok).build() },
    { label: '3.8 refused', bytes: v8().u8(0).string('go away').build() },
    { label: '3.7 None', bytes: new Bytes().text('RFB 003.007\n').u8(1, 1).bytes(INIT).build() },
    { label: '3.3 VNC auth', bytes: new Bytes().text('RFB 003.003\n').u32(2).bytes(CHALLENGE).bytes(ok).build() },
    { label: 'auth failure', bytes: v8().u8(1, 2).bytes(CHALLENGE).u32(1).string('wrong').build() },
    { label: 'Tight None', bytes: v8().u8(2, 1, 16).u32(0).u32(0).bytes(ok).bytes(tightCaps).build() },
    {
      label: 'Tight VNC auth',
      bytes: v8()
        .u8(1, 16)
        .u32(1)
        .bytes(cap(0, 'TGHT', 'NOTUNNEL'))
        .u32(2)
        .bytes(cap(1, 'STDV', 'NOAUTH__'))
        .bytes(cap(2, 'STDV', 'VNCAUTH_'))
        .bytes(ok)
        .bytes(tightCaps)
        .build(),
    },
    { label: 'VeNCrypt VNC auth', bytes: ven([2]).bytes(CHALLENGE).bytes(ok).build() },
    { label: 'VeNCrypt Plain', bytes: ven([256, 1]).bytes(ok).build() },
    { label: 'VeNCrypt TLSVnc', bytes: ven([258]).u8(1).build(), tlsInside: new Bytes().bytes(CHALLENGE).bytes(ok).build() },
    { label: 'VeNCrypt TLSNone', bytes: ven([257, 2]).u8(1).build(), tlsInside: ok },
  ]
}

const ANON: TlsSessionInfo = { protocol: 'TLSv1.2', cipher: 'ADH-AES256-GCM-SHA384', authorized: false }

describe('fuzzing the security handshakes', () => {
  it(`${CASES} mutated handshakes (seed ${SEED}) end in a result or an RfbError`, async () => {
    const bases = scripts()
    const failures: string[] = []
    const outcomes: Record<string, number> = {}
    for (let i = 0; i < CASES; i++) {
      const rng = new Rng((SEED * 1000003 + i) >>> 0)
      const base = rng.pick(bases)
      // Mostly past the version line: a broken one only ever gives RFB_ERR_NOT_RFB.
      const m = mutate({ label: base.label, stream: base.bytes, fields: [], handshakeEnd: 12 }, rng, null, rng.chance(0.8))
      const inside =
        base.tlsInside && rng.chance(0.5)
          ? mutate({ label: 'inside', stream: base.tlsInside, fields: [], handshakeEnd: 0 }, rng, null, false).stream
          : base.tlsInside
      const io: TestHandshakeIo = new TestHandshakeIo({
        credentials: async () => (rng.chance(0.8) ? { username: rng.chance(0.8) ? 'u' : undefined, password: 'p' } : null),
        startTls: async () => {
          if (inside) setImmediate(() => io.push(inside))
          return ANON
        },
      })
      const policy = rng.pick<SecurityPolicy | undefined>([undefined, undefined, 'allow-unencrypted', 'require-encryption', 'require-server-auth'])
      const security = { policy, host: 'h', port: 1, anonymousTls: rng.chance(0.8), trust: { store: new MemoryTrustStore() } }
      const chunks = rng.chance(0.3) ? Array.from(m.stream, (_, k) => m.stream.subarray(k, k + 1)) : [m.stream]
      const settled = runScript(chunks, { security }, io)
      const o = await Promise.race([settled, new Promise<null>((r) => setTimeout(() => r(null), 2000))])
      const what = `case ${i} (${base.label}; ${m.steps.join('; ')})`
      if (o === null) failures.push(`${what}: never settled`)
      else if (o.error && (!(o.error instanceof RfbError) || o.error.code === 'RFB_ERR_INTERNAL')) {
        failures.push(`${what}: ${o.error.constructor.name}: ${o.error.message}\n${o.error.stack}`)
      } else {
        const key = o.error ? (o.error as RfbError).code : 'connected'
        outcomes[key] = (outcomes[key] ?? 0) + 1
      }
    }
    expect(failures, failures.slice(0, 5).join('\n\n')).toEqual([])
    // The mutations must not all die at the first byte: several paths are reached.
    expect(outcomes.connected).toBeGreaterThan(CASES / 20)
    expect(Object.keys(outcomes).length).toBeGreaterThan(6)
  }, 60_000)
})
