import { describe, expect, it } from 'vitest'
import { RfbError, RfbProtocolError, UnsupportedError } from '../../../src/main/rfb/errors'
import { vncAuthResponse } from '../../../src/main/rfb/security/vnc-auth'
import { Bytes } from '../../helpers/bytes'
import { chunkings } from '../../helpers/feed'
import { serverInit } from '../../helpers/server-script'
import { type ScriptOutcome, TestHandshakeIo, runScript } from './handshake-io'

const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => i * 13)
const INIT = serverInit(6, 5, "root's tight desktop (vm:1)")

function cap(code: number, vendor: string, signature: string): Uint8Array {
  return new Bytes().s32(code).text(vendor).text(signature).build()
}

const NOTUNNEL = cap(0, 'TGHT', 'NOTUNNEL')
const NOAUTH = cap(1, 'STDV', 'NOAUTH__')
const VNCAUTH = cap(2, 'STDV', 'VNCAUTH_')
const UNIXLOGIN = cap(129, 'TGHT', 'ULGNAUTH')

function list(...caps: Uint8Array[]): Bytes {
  const b = new Bytes().u32(caps.length)
  for (const c of caps) b.bytes(c)
  return b
}

/** What TightVNC 1.3.10 sends after ServerInit: its message and encoding capabilities. */
function interactionCaps(): Uint8Array {
  return new Bytes()
    .u16(1, 2, 3, 0)
    .bytes(cap(130, 'TGHT', 'FTS_LSDT'))
    .bytes(cap(130, 'TGHT', 'FTC_LSRQ'))
    .bytes(cap(131, 'TGHT', 'FTC_DNRQ'))
    .bytes(cap(1, 'STDV', 'COPYRECT'))
    .bytes(cap(5, 'STDV', 'HEXTILE_'))
    .bytes(cap(7, 'TGHT', 'TIGHT___'))
    .build()
}

const head = (offered = [1, 16], version = 'RFB 003.008\n'): Bytes => new Bytes().text(version).u8(offered.length, ...offered)
const io = (): TestHandshakeIo => new TestHandshakeIo({ credentials: async () => ({ password: 'tight' }) })

async function everySplit(script: Uint8Array): Promise<ScriptOutcome> {
  let first: ScriptOutcome | null = null
  for (const { label, chunks } of chunkings(script)) {
    const o = await runScript(chunks, {}, io())
    if (!first) first = o
    else {
      expect(o.error?.message, label).toEqual(first.error?.message)
      expect(o.result?.tightCapabilities, label).toEqual(first.result?.tightCapabilities)
      expect(o.io.sent().equals(first.io.sent()), `bytes sent differ when fed ${label}`).toBe(true)
    }
  }
  return first!
}

describe('Tight security (16)', () => {
  it('as TightVNC without a password: no tunnels, no auth types, then capabilities after ServerInit', async () => {
    const script = head().bytes(list().build()).bytes(list().build()).u32(0).bytes(INIT).bytes(interactionCaps()).build()
    const o = await everySplit(script)
    expect(o.error).toBeUndefined()
    expect(o.result!.securityType).toBe(16)
    expect(o.result!.securityName).toBe('Tight (None)')
    expect(o.result!.init.name).toBe("root's tight desktop (vm:1)")
    const caps = o.result!.tightCapabilities!
    expect(caps.serverMessages.map((c) => c.signature)).toEqual(['FTS_LSDT'])
    expect(caps.clientMessages).toHaveLength(2)
    expect(caps.encodings.map((c) => `${c.code} ${c.vendor}${c.signature}`)).toEqual(['1 STDVCOPYRECT', '5 STDVHEXTILE_', '7 TGHTTIGHT___'])
    // Version, type 16, shared flag: no tunnel or auth request when the lists are empty.
    expect(o.io.sent().equals(Buffer.from('RFB 003.008\n\x10\x01', 'latin1'))).toBe(true)
  })

  it('as TightVNC with a password: VNC auth chosen from the list, then the DES exchange', async () => {
    const script = head([2, 16]).bytes(list().build()).bytes(list(VNCAUTH).build()).bytes(CHALLENGE).u32(0).bytes(INIT).bytes(interactionCaps()).build()
    const o = await everySplit(script)
    expect(o.error).toBeUndefined()
    expect(o.result!.securityName).toBe('Tight (VNC Authentication)')
    const expected = new Bytes().text('RFB 003.008\n').u8(16).s32(2).bytes(vncAuthResponse(CHALLENGE, 'tight')).u8(1).build()
    expect(o.io.sent().equals(Buffer.from(expected))).toBe(true)
  })

  it('prefers None over VNC auth and skips auth types it does not speak', async () => {
    const script = head([16])
      .bytes(list().build())
      .bytes(list(UNIXLOGIN, VNCAUTH, NOAUTH).build())
      .u32(0)
      .bytes(INIT)
      .bytes(interactionCaps())
      .build()
    const o = await runScript([script], {}, io())
    expect(o.error).toBeUndefined()
    expect(o.io.credentialRequests).toEqual([])
    expect(
      o.io
        .sent()
        .subarray(13, 17)
        .equals(Buffer.from([0, 0, 0, 1])),
    ).toBe(true)
  })

  it('requests NOTUNNEL when tunnels are listed', async () => {
    const script = head([16])
      .bytes(list(cap(1, 'SICR', 'SCHANNEL'), NOTUNNEL).build())
      .bytes(list().build())
      .u32(0)
      .bytes(INIT)
      .bytes(interactionCaps())
      .build()
    const o = await runScript([script], {}, io())
    expect(o.error).toBeUndefined()
    expect(
      o.io
        .sent()
        .subarray(13, 17)
        .equals(Buffer.from([0, 0, 0, 0])),
    ).toBe(true)
  })

  it('a server that requires a real tunnel is unsupported', async () => {
    const o = await runScript(
      [
        head([16])
          .bytes(list(cap(1, 'SICR', 'SCHANNEL')).build())
          .build(),
      ],
      {},
      io(),
    )
    expect(o.error).toBeInstanceOf(UnsupportedError)
    expect(o.error!.message).toContain('SICRSCHANNEL')
  })

  it('only unknown auth types: unsupported, naming them', async () => {
    const o = await runScript([head([16]).bytes(list().build()).bytes(list(UNIXLOGIN).build()).build()], {}, io())
    expect((o.error as RfbError).code).toBe('RFB_ERR_SECURITY')
    expect(o.error!.message).toContain('TGHTULGNAUTH')
  })

  it('a capability signature must match in full, not only the code', async () => {
    const o = await runScript(
      [
        head([16])
          .bytes(list().build())
          .bytes(list(cap(2, 'XXXX', 'VNCAUTH_')).build())
          .build(),
      ],
      {},
      io(),
    )
    expect((o.error as RfbError).code).toBe('RFB_ERR_SECURITY')
  })

  it('RFB 3.7 with None inside Tight has no SecurityResult', async () => {
    const script = head([16], 'RFB 003.007\n').bytes(list().build()).bytes(list(NOAUTH).build()).bytes(INIT).bytes(interactionCaps()).build()
    const o = await runScript([script], {}, io())
    expect(o.error).toBeUndefined()
    expect(o.result!.minor).toBe(7)
  })

  it.each([
    ['tunnel count', (): Uint8Array => head([16]).u32(100000).build()],
    ['auth count', (): Uint8Array => head([16]).bytes(list().build()).u32(0xffffffff).build()],
    ['interaction capability count', (): Uint8Array => head([16]).bytes(list().build()).bytes(list().build()).u32(0).bytes(INIT).u16(0, 0, 60000, 0).build()],
  ])('a hostile %s is a protocol error, not an allocation', async (_, script) => {
    const o = await runScript([script()], {}, io())
    expect(o.error).toBeInstanceOf(RfbProtocolError)
    expect(o.error!.message).toContain('exceeds')
  })

  it('is refused when encryption is required', async () => {
    const o = await runScript([head([16]).build()], { security: { policy: 'require-encryption' } }, io())
    expect((o.error as RfbError).code).toBe('RFB_ERR_POLICY')
  })
})
