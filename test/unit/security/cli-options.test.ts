import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { UsageError, parseArgs } from '../../../src/main/cli/args'
import { FileError } from '../../../src/main/cli/files'
import { main } from '../../../src/main/cli/index'
import { CONNECT_FLAGS, CONNECT_OPTIONS, securityArg } from '../../../src/main/cli/session-options'
import { FileTrustStore } from '../../../src/main/rfb/trust/store'

const FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89'
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const security = (...argv: string[]) => securityArg(parseArgs(argv, CONNECT_OPTIONS, CONNECT_FLAGS))

describe('CLI security options', () => {
  it('default: no policy, no store, nothing accepted, and nobody to ask about a server', () => {
    expect(security()).toEqual({
      policy: undefined,
      trust: { store: undefined, acceptFingerprints: undefined, ca: undefined },
      serverKeys: { store: undefined, acceptFingerprints: undefined },
      nobodyToAsk: true,
    })
  })

  it('--allow-plain-password is the only way to let VeNCrypt Plain send the password without TLS', () => {
    expect(security('--allow-plain-password').allowPlainPassword).toBe(true)
    expect(security().allowPlainPassword).toBeUndefined()
    expect(() => security('--allow-plain-password=yes')).toThrow(UsageError)
  })

  it('reads the policy, the trust store, fingerprints in any spelling, and a CA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'))
    dirs.push(dir)
    const ca = join(dir, 'ca.pem')
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n')
    const s = security(
      '--security',
      'require-server-auth',
      '--trust-store',
      dir,
      '--accept-fingerprint',
      `sha256:${FP.replace(/:/g, '').toLowerCase()},${FP}`,
      '--ca-file',
      ca,
    )
    expect(s.policy).toBe('require-server-auth')
    expect(s.trust?.store).toBeInstanceOf(FileTrustStore)
    expect((s.trust?.store as FileTrustStore).dir).toBe(dir)
    expect(s.trust?.acceptFingerprints).toEqual([FP, FP])
    expect(s.trust?.ca).toContain('BEGIN CERTIFICATE')
  })

  it.each([
    [['--security', 'strict'], /unknown security policy "strict"/],
    [['--accept-fingerprint', 'abc'], /not a SHA-256 fingerprint/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => security(...argv)).toThrow(UsageError)
    expect(() => security(...argv)).toThrow(message)
  })

  it('a CA file that cannot be read is a local file problem (exit 9), not a usage error', () => {
    expect(() => security('--ca-file', '/nonexistent/ca.pem')).toThrow(FileError)
    expect(() => security('--ca-file', '/nonexistent/ca.pem')).toThrow('cannot read the CA file /nonexistent/ca.pem: it does not exist')
  })

  it('a bad option makes the command exit 2 with one line', async () => {
    const err: string[] = []
    const code = await main(
      ['probe', '127.0.0.1::1', '--security', 'maybe'],
      () => {},
      (l) => err.push(l),
    )
    expect(code).toBe(2)
    expect(err).toEqual([expect.stringContaining('tessera probe: unknown security policy "maybe"')])
  })

  it("the connecting commands' help lists the security options", async () => {
    for (const argv of [
      ['help', 'probe'],
      ['snapshot', '--help'],
      ['record', 'h:1', 'x.fbs', '-h'],
    ]) {
      const out: string[] = []
      expect(await main(argv, (l) => out.push(l))).toBe(0)
      expect(out.join('\n')).toMatch(/--security .*--trust-store DIR.*--accept-fingerprint/s)
    }
  })
})
