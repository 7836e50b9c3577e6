import * as crypto from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SCRYPT_LIMITS, SCRYPT_PARAMS, openPasswords, sealPasswords } from '../../../src/main/host/export-crypto'

// Counts key derivations: a refused file must be refused before scrypt runs, not after.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>()
  return { ...real, scrypt: vi.fn(real.scrypt) }
})

const PASSPHRASE = 'correct horse battery staple'
const ENTRY = { a: { host: 'lab', port: 5901, username: 'ops', password: 'hunter2' } }
const scryptCalls = (): number => vi.mocked(crypto.scrypt).mock.calls.length

afterEach(() => {
  vi.mocked(crypto.scrypt).mockClear()
})

/** A block as an earlier Tessera wrote it (scrypt N=2^15), built here with Node's crypto alone. */
function oldStyleBlock(entries: object, passphrase: string): Record<string, unknown> {
  const salt = crypto.randomBytes(16)
  const iv = crypto.randomBytes(12)
  const key = crypto.scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 })
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
  const data = Buffer.concat([cipher.update(JSON.stringify(entries), 'utf8'), cipher.final()])
  return {
    kdf: 'scrypt',
    N: 1 << 15,
    r: 8,
    p: 1,
    cipher: 'aes-256-gcm',
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  }
}

/** A well-formed block whose numbers are whatever the attacker chose; the ciphertext is junk. */
function crafted(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    kdf: 'scrypt',
    N: 1 << 15,
    r: 8,
    p: 1,
    cipher: 'aes-256-gcm',
    salt: Buffer.alloc(16).toString('base64'),
    iv: Buffer.alloc(12).toString('base64'),
    tag: Buffer.alloc(16).toString('base64'),
    data: Buffer.alloc(32).toString('base64'),
    ...fields,
  }
}

describe('export files: key derivation cost', () => {
  it('seals new exports with scrypt N=2^17, r=8, p=1, and opens them again', async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 1 << 17, r: 8, p: 1 })
    const sealed = await sealPasswords(ENTRY, PASSPHRASE)
    expect(sealed).toMatchObject({ kdf: 'scrypt', N: 131072, r: 8, p: 1 })
    expect(await openPasswords(JSON.parse(JSON.stringify(sealed)), PASSPHRASE)).toEqual(ENTRY)
  })

  it('still opens a file an earlier version wrote with N=2^15', async () => {
    expect(await openPasswords(oldStyleBlock(ENTRY, PASSPHRASE), PASSPHRASE)).toEqual(ENTRY)
  })

  it.each([
    ['N=2^20, r=16 (2 GiB, 15 s)', { N: 1 << 20, r: 16 }],
    ['N=2^18', { N: 1 << 18 }],
    ['N=2^30', { N: 2 ** 30 }],
    ['N=2^52', { N: 2 ** 52 }],
    ['r=1024', { r: 1024 }],
    ['p=2^20', { p: 1 << 20 }],
    ['r just above the limit', { r: SCRYPT_LIMITS.r + 1 }],
    ['p just above the limit', { p: SCRYPT_LIMITS.p + 1 }],
  ])('refuses a crafted file asking for %s, quickly and without deriving a key', async (_what, fields) => {
    const started = performance.now()
    await expect(openPasswords(crafted(fields), PASSPHRASE)).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      message: expect.stringMatching(/too much memory and time.*nothing was imported/),
    })
    // Loose: the real derivation would take seconds; the refusal is a few comparisons.
    expect(performance.now() - started).toBeLessThan(500)
    expect(scryptCalls()).toBe(0)
  })

  it.each([
    ['N not a power of two', { N: 3000 }],
    ['N=1', { N: 1 }],
    ['N=0', { N: 0 }],
    ['negative r', { r: -8 }],
    ['fractional p', { p: 0.5 }],
    ['N as a string', { N: '131072' }],
    ['N beyond exact integers', { N: 2 ** 60 }],
    ['a short salt', { salt: 'AAAA' }],
    ['a long salt', { salt: Buffer.alloc(64).toString('base64') }],
    ['a long IV', { iv: Buffer.alloc(16).toString('base64') }],
    ['a short tag', { tag: Buffer.alloc(8).toString('base64') }],
    ['ciphertext over 1 MiB', { data: Buffer.alloc((1 << 20) + 3).toString('base64') }],
    ['a salt that is not base64', { salt: '!'.repeat(24) }],
    ['another cipher', { cipher: 'none' }],
    ['another KDF', { kdf: 'pbkdf2' }],
    ['a field the writer never writes', { note: 'hi' }],
    ['a salt that is not a string', { salt: 16 }],
    ['an over-long salt string', { salt: 'A'.repeat(1 << 20) }],
  ])('refuses a block with %s before deriving a key', async (_what, fields) => {
    await expect(openPasswords(crafted(fields), PASSPHRASE)).rejects.toMatchObject({ code: 'IMPORT_INVALID' })
    expect(scryptCalls()).toBe(0)
  })

  it('refuses a block that is not an object', async () => {
    for (const block of ['nope', null, [], 42]) await expect(openPasswords(block, PASSPHRASE)).rejects.toMatchObject({ code: 'IMPORT_INVALID' })
    expect(scryptCalls()).toBe(0)
  })

  it('derives (and fails on the tag) for a block within the limits: the spy does see derivations', async () => {
    await expect(openPasswords(crafted({ N: 1 << 10 }), PASSPHRASE)).rejects.toMatchObject({ code: 'IMPORT_BAD_PASSPHRASE' })
    expect(scryptCalls()).toBe(1)
  })
})

describe('export files: the sealed entries', () => {
  it('restores only entries shaped as the export writes them, skipping malformed ones', async () => {
    const good = { host: 'lab', port: 5901, password: 'pw' }
    const entries = {
      a: good,
      b: { ...good, username: 'ops' },
      extraKey: { ...good, admin: true },
      portOutOfRange: { ...good, port: 70_000 },
      portAsString: { ...good, port: '5901' },
      longHost: { ...good, host: 'h'.repeat(300) },
      longPassword: { ...good, password: 'p'.repeat(5000) },
      noPassword: { host: 'lab', port: 5901 },
      notAnObject: 'lab:5901',
    }
    const sealed = await sealPasswords(entries as never, PASSPHRASE)
    expect(await openPasswords(sealed, PASSPHRASE)).toEqual({ a: good, b: { ...good, username: 'ops' } })
  })
})
