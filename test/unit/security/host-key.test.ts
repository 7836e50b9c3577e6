import { describe, expect, it } from 'vitest'
import { type HostKeyOptions, type HostKeyPrompt, preferredHostKeyAlgorithms, verifyHostKey } from '../../../src/main/rfb/trust/host-key'
import { HostKeyError } from '../../../src/main/rfb/trust/errors'
import {
  checkKnownHosts,
  entryMatches,
  keyAlgorithm,
  knownHostName,
  normaliseSshFingerprint,
  parseKnownHosts,
  sshFingerprint,
} from '../../../src/main/rfb/trust/known-hosts'
import { MemoryTrustStore } from '../../../src/main/rfb/trust/store'
import type { TrustDecision } from '../../../src/main/rfb/trust/verify'

// A real key (ssh-keygen -t ed25519) with the fingerprint `ssh-keygen -lf` printed for it.
const KEY_B64 = 'AAAAC3NzaC1lZDI1NTE5AAAAIJzjWjMP3UFX3jyp/tHWVTdVcd04VA3djamF+1FiBCj7'
const KEY = Buffer.from(KEY_B64, 'base64')
const KEY_FP = 'SHA256:/F2Z0KWnSEM3NRrvUYlYeTzwzG7DOlJJgCzkqc/fTjQ'
// A real ECDSA key (ssh-keygen -t ecdsa -b 256) and its `ssh-keygen -lf` fingerprint.
const ECDSA_B64 = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLvDOJhjX5yf8i6LWO9FfrK2oW3JMUaxREndR6TVZ/4vo5kG5IjeTA3+sQx7SwyMaLEZluFikjrh0OYbCOskuak='
const ECDSA = Buffer.from(ECDSA_B64, 'base64')
const ECDSA_FP = 'SHA256:L9cb3Fd4ddmIFEk4v6dp61Z78yzFd9wwF+1yQuFMTuU'
// `ssh-keygen -H` of "[gw.example]:2222 ssh-ed25519 KEY".
const HASHED = `|1|jYtGmRzf8IMwqTxCJeFlTdlSLio=|iHnePekX9sFoW4aeP8uVR4R41+M= ssh-ed25519 ${KEY_B64}`

/** A syntactically valid blob of `algorithm` whose key bytes are all `fill`. */
function blob(algorithm: string, fill: number): Buffer {
  const name = Buffer.from(algorithm)
  const len = (n: number): Buffer => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])
  return Buffer.concat([len(name.length), name, len(32), Buffer.alloc(32, fill)])
}
const line = (hosts: string, key: Buffer): string => `${hosts} ${keyAlgorithm(key)} ${key.toString('base64')}`

describe('known_hosts parsing', () => {
  it('reads plain, hashed and marked lines and skips comments and damaged ones', () => {
    const other = blob('ssh-rsa', 1)
    const entries = parseKnownHosts(
      [
        '# comment',
        '',
        `gw.example,10.0.0.1 ssh-ed25519 ${KEY_B64} user@host`,
        HASHED,
        `@revoked * ${line('', other).trim()}`,
        `@cert-authority *.example ${line('', other).trim()}`,
        `broken ssh-rsa ${KEY_B64}`,
        'too-short ssh-ed25519',
        `@unknown-marker h ssh-ed25519 ${KEY_B64}`,
      ].join('\n'),
    )
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.algorithm])).toEqual([
      [3, undefined, 'gw.example,10.0.0.1', 'ssh-ed25519'],
      [4, undefined, HASHED.split(' ')[0], 'ssh-ed25519'],
      [5, '@revoked', '*', 'ssh-rsa'],
      [6, '@cert-authority', '*.example', 'ssh-rsa'],
    ])
    expect(entries[0].key.equals(KEY)).toBe(true)
  })

  it('names servers as OpenSSH does: bare on port 22, [host]:port otherwise', () => {
    expect(knownHostName('GW.example', 22)).toBe('gw.example')
    expect(knownHostName('gw.example', 2222)).toBe('[gw.example]:2222')
  })

  it.each([
    ['gw.example', 'gw.example', 22, true],
    ['gw.example', 'gw.example', 2222, false],
    ['[gw.example]:2222', 'gw.example', 2222, true],
    ['*.example', 'gw.example', 22, true],
    ['gw?.example', 'gw1.example', 22, true],
    ['*.example,!gw.example', 'gw.example', 22, false],
    ['other,GW.EXAMPLE', 'gw.example', 22, true],
  ] as const)('pattern %j against %s:%i matches: %s', (hosts, host, port, want) => {
    const [entry] = parseKnownHosts(`${hosts} ssh-ed25519 ${KEY_B64}`)
    expect(entryMatches(entry, host, port)).toBe(want)
  })

  it('matches hashed names by HMAC-SHA1 of [host]:port', () => {
    const [entry] = parseKnownHosts(HASHED)
    expect(entryMatches(entry, 'gw.example', 2222)).toBe(true)
    expect(entryMatches(entry, 'gw.example', 22)).toBe(false)
    expect(entryMatches(entry, 'other.example', 2222)).toBe(false)
  })

  it('says match, changed (same algorithm), other-type (only other algorithms known), unknown or revoked', () => {
    const rsa = blob('ssh-rsa', 7)
    const entries = parseKnownHosts([line('gw.example', KEY), line('rsa.example', rsa), `@revoked * ${line('', blob('ssh-ed25519', 9)).trim()}`].join('\n'))
    expect(checkKnownHosts(entries, 'gw.example', 22, KEY).status).toBe('match')
    expect(checkKnownHosts(entries, 'gw.example', 22, blob('ssh-ed25519', 2)).status).toBe('changed')
    expect(checkKnownHosts(entries, 'gw.example', 22, blob('ecdsa-sha2-nistp256', 2))).toMatchObject({
      status: 'other-type',
      entries: [{ algorithm: 'ssh-ed25519', line: 1 }],
    })
    expect(checkKnownHosts(entries, 'nobody.example', 22, KEY).status).toBe('unknown')
    expect(checkKnownHosts(entries, 'gw.example', 22, blob('ssh-ed25519', 9)).status).toBe('revoked')
  })
})

describe('SSH fingerprints', () => {
  it('match ssh-keygen -l', () => {
    expect(sshFingerprint(KEY)).toBe(KEY_FP)
  })

  const hex = Buffer.from(KEY_FP.slice(7) + '=', 'base64').toString('hex')
  it.each([KEY_FP, KEY_FP.slice(7), `${KEY_FP}=`, `sha256:${KEY_FP.slice(7)}`, hex, hex.toUpperCase().match(/../g)!.join(':')])('reads %j', (text) => {
    expect(normaliseSshFingerprint(text)).toBe(KEY_FP)
  })

  it.each(['', 'SHA256:short', 'MD5:aa:bb', 'zz'.repeat(32)])('refuses %j', (text) => {
    expect(normaliseSshFingerprint(text)).toBeNull()
  })
})

describe('host key decisions', () => {
  const host = 'gw.example'
  const port = 2222
  const asker = (answer: TrustDecision): { ask: (p: HostKeyPrompt) => Promise<TrustDecision>; prompts: HostKeyPrompt[] } => {
    const prompts: HostKeyPrompt[] = []
    return { prompts, ask: async (p) => (prompts.push(p), answer) }
  }
  const refusal = async (opts: HostKeyOptions, key: Buffer = KEY): Promise<HostKeyError> => {
    const e = await verifyHostKey(key, host, port, opts).then(
      () => null,
      (x: unknown) => x,
    )
    expect(e, 'the key should have been refused').toBeInstanceOf(HostKeyError)
    return e as HostKeyError
  }

  it("asks about an unknown key; 'always' is remembered and then not asked again", async () => {
    const store = new MemoryTrustStore()
    const a = asker('always')
    expect(await verifyHostKey(KEY, host, port, { store, ask: a.ask })).toEqual({ how: 'user', algorithm: 'ssh-ed25519', fingerprintSha256: KEY_FP })
    expect(a.prompts).toEqual([{ host, port, algorithm: 'ssh-ed25519', fingerprintSha256: KEY_FP }])
    expect(store.get('gw.example:2222')).toEqual({ sha256: KEY_FP, subject: 'ssh-ed25519' })
    expect((await verifyHostKey(KEY, host, port, { store, ask: a.ask })).how).toBe('store')
    expect(a.prompts).toHaveLength(1)
  })

  it("'once' is not remembered; 'reject' refuses", async () => {
    const store = new MemoryTrustStore()
    expect((await verifyHostKey(KEY, host, port, { store, ask: asker('once').ask })).how).toBe('user-once')
    expect(store.get('gw.example:2222')).toBeUndefined()
    expect((await refusal({ store, ask: asker('reject').ask })).code).toBe('RFB_ERR_HOSTKEY_REJECTED')
  })

  it('refuses a key that differs from the stored one, with both fingerprints, without asking', async () => {
    const store = new MemoryTrustStore()
    store.remember('gw.example:2222', { sha256: KEY_FP, subject: 'ssh-ed25519' })
    const a = asker('always')
    const other = blob('ssh-ed25519', 3)
    const e = await refusal({ store, ask: a.ask, acceptFingerprints: [sshFingerprint(other)] }, other)
    expect(e.code).toBe('RFB_ERR_HOSTKEY_CHANGED')
    expect(e.expectedSha256).toBe(KEY_FP)
    expect(e.message).toContain(KEY_FP)
    expect(e.message).toContain(sshFingerprint(other))
    expect(a.prompts).toHaveLength(0)
  })

  it('trusts known_hosts (hashed too) and refuses a changed key it lists', async () => {
    const knownHosts = parseKnownHosts(HASHED)
    expect((await verifyHostKey(KEY, host, port, { knownHosts })).how).toBe('known-hosts')
    const e = await refusal({ knownHosts, ask: asker('always').ask }, blob('ssh-ed25519', 4))
    expect(e.code).toBe('RFB_ERR_HOSTKEY_CHANGED')
    expect(e.message).toContain('known_hosts (line 1)')
  })

  it('refuses a revoked key even when its fingerprint was accepted', async () => {
    const knownHosts = parseKnownHosts(`@revoked * ssh-ed25519 ${KEY_B64}`)
    expect((await refusal({ knownHosts, acceptFingerprints: [KEY_FP] })).code).toBe('RFB_ERR_HOSTKEY_REVOKED')
  })

  it('accepts a fingerprint given in advance in any form and remembers it', async () => {
    const store = new MemoryTrustStore()
    const hex = Buffer.from(`${KEY_FP.slice(7)}=`, 'base64').toString('hex')
    expect((await verifyHostKey(KEY, host, port, { store, acceptFingerprints: [hex] })).how).toBe('fingerprint')
    expect(store.get('gw.example:2222')?.sha256).toBe(KEY_FP)
  })

  describe('a key of another type than the known one (OpenSSH: "a different kind of key")', () => {
    it('known_hosts lists ed25519, the server presents ecdsa: a warning prompt, and "always" is only "once"', async () => {
      expect(keyAlgorithm(ECDSA)).toBe('ecdsa-sha2-nistp256')
      expect(sshFingerprint(ECDSA)).toBe(ECDSA_FP)
      const knownHosts = parseKnownHosts(`# mine\n[gw.example]:2222 ssh-ed25519 ${KEY_B64}`)
      expect(checkKnownHosts(knownHosts, host, port, ECDSA)).toMatchObject({ status: 'other-type', entries: [{ algorithm: 'ssh-ed25519', line: 2 }] })
      const store = new MemoryTrustStore()
      const a = asker('always')
      expect(await verifyHostKey(ECDSA, host, port, { knownHosts, store, ask: a.ask })).toEqual({
        how: 'user-once',
        algorithm: 'ecdsa-sha2-nistp256',
        fingerprintSha256: ECDSA_FP,
      })
      expect(a.prompts).toEqual([{ host, port, algorithm: 'ecdsa-sha2-nistp256', fingerprintSha256: ECDSA_FP, knownAlgorithms: ['ssh-ed25519'] }])
      // Nothing remembered: the next connection is judged against the ed25519 key again.
      expect(store.get('gw.example:2222')).toBeUndefined()
      expect((await verifyHostKey(KEY, host, port, { knownHosts, store })).how).toBe('known-hosts')
    })

    it('the trust store remembers ed25519, the server presents ecdsa: warned, and the stored key stays', async () => {
      const store = new MemoryTrustStore()
      store.remember('gw.example:2222', { sha256: KEY_FP, subject: 'ssh-ed25519' })
      const a = asker('always')
      expect((await verifyHostKey(ECDSA, host, port, { store, ask: a.ask })).how).toBe('user-once')
      expect(a.prompts[0].knownAlgorithms).toEqual(['ssh-ed25519'])
      expect(store.get('gw.example:2222')).toEqual({ sha256: KEY_FP, subject: 'ssh-ed25519' })
      expect((await refusal({ store, ask: asker('reject').ask }, ECDSA)).code).toBe('RFB_ERR_HOSTKEY_REJECTED')
    })

    it('a first contact is not warned about, and may be trusted always', async () => {
      const a = asker('always')
      const store = new MemoryTrustStore()
      expect((await verifyHostKey(ECDSA, host, port, { knownHosts: parseKnownHosts(`other.example ssh-ed25519 ${KEY_B64}`), store, ask: a.ask })).how).toBe(
        'user',
      )
      expect(a.prompts[0].knownAlgorithms).toBeUndefined()
    })

    it('with nobody to ask it is refused as RFB_ERR_HOSTKEY_TYPE_CHANGED, saying what is known where', async () => {
      const knownHosts = parseKnownHosts(`[gw.example]:2222 ssh-ed25519 ${KEY_B64}`)
      const e = await refusal({ knownHosts }, ECDSA)
      expect(e.code).toBe('RFB_ERR_HOSTKEY_TYPE_CHANGED')
      expect(e.message).toContain('different kind of key is known for it (ssh-ed25519 in known_hosts (line 1))')
      expect(e.message).toContain('could be an attack')
      expect(e.message).toContain(ECDSA_FP)
    })

    it('asks the server for the known key types first, as OpenSSH does, so one holding several keys shows the known one', () => {
      const store = new MemoryTrustStore()
      expect(preferredHostKeyAlgorithms(host, port, { store })).toEqual([])
      const knownHosts = parseKnownHosts(
        [
          line('[gw.example]:2222', blob('ssh-rsa', 1)),
          `other.example ecdsa-sha2-nistp256 ${ECDSA_B64}`,
          `@revoked ${line('[gw.example]:2222', blob('ecdsa-sha2-nistp384', 2))}`,
          line('[gw.example]:2222', blob('sk-ssh-ed25519@openssh.com', 3)),
        ].join('\n'),
      )
      expect(knownHosts).toHaveLength(4)
      expect(preferredHostKeyAlgorithms(host, port, { knownHosts })).toEqual(['rsa-sha2-512', 'rsa-sha2-256'])
      store.remember('gw.example:2222', { sha256: ECDSA_FP, subject: 'ecdsa-sha2-nistp256' })
      expect(preferredHostKeyAlgorithms(host, port, { knownHosts, store })).toEqual(['ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256'])
    })

    it('an ecdsa key accepted in advance is used but does not replace the stored ed25519 one', async () => {
      const store = new MemoryTrustStore()
      store.remember('gw.example:2222', { sha256: KEY_FP, subject: 'ssh-ed25519' })
      expect((await verifyHostKey(ECDSA, host, port, { store, acceptFingerprints: [ECDSA_FP] })).how).toBe('fingerprint')
      expect(store.get('gw.example:2222')?.sha256).toBe(KEY_FP)
    })
  })

  it('refuses an unknown key when nobody can be asked, naming its fingerprint', async () => {
    const e = await refusal({})
    expect(e.code).toBe('RFB_ERR_HOSTKEY_UNKNOWN')
    expect(e.message).toContain(KEY_FP)
  })
})
