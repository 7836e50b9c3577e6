import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto'
import { LIMITS } from '@shared/schemas'
import { ValidationError, checked, int, literal, object, optional, string } from '@shared/validate'
import * as v from 'valibot'
import { StoreError } from './connection-store'

/**
 * Saved passwords in an address-book export, sealed with a passphrase: scrypt derives an
 * AES-256-GCM key from it and a random per-file salt; a random IV per file; the GCM tag makes a
 * wrong passphrase and any edit to the ciphertext fail the same way. Nothing here ever holds a
 * password in a form that reaches the file unencrypted.
 */

/** One password, with the address it was saved for: a password is only restored to that address. */
export interface SealedEntry {
  host: string
  port: number
  username?: string
  password: string
}

export interface SealedPasswords {
  kdf: 'scrypt'
  /** scrypt cost parameters, kept in the file so later versions may raise them. */
  N: number
  r: number
  p: number
  cipher: 'aes-256-gcm'
  salt: string
  iv: string
  tag: string
  data: string
}

/** Cost of new exports: 128 MiB and a fraction of a second per derivation. Earlier versions wrote N=2^15; those files still open. */
export const SCRYPT_PARAMS = { N: 1 << 17, r: 8, p: 1 } as const
/**
 * The most a file may ask for, checked before any key is derived: a crafted file must not make
 * the host allocate gigabytes or spin for seconds (N=2^20, r=16 cost 2 GiB and 15 s). These are
 * the parameters we write; a file above them came from elsewhere and is refused.
 */
export const SCRYPT_LIMITS = { N: SCRYPT_PARAMS.N, r: SCRYPT_PARAMS.r, p: SCRYPT_PARAMS.p } as const
const SALT_BYTES = 16
const IV_BYTES = 12
const TAG_BYTES = 16
/** The sealed passwords of the largest file the host imports (LIMITS.importText). */
const MAX_DATA_BYTES = 1 << 20
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function deriveKey(passphrase: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes (128 MiB for our N=2^17, r=8); Node's default cap of 32 MiB is far too tight.
  const maxmem = 128 * N * r + 128 * r * p + (1 << 20)
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem }, (e, key) => (e ? reject(e) : resolve(key)))
  })
}

/** Seals `entries` (keyed by exported profile id) under `passphrase`. */
export async function sealPasswords(entries: Record<string, SealedEntry>, passphrase: string): Promise<SealedPasswords> {
  const { N, r, p } = SCRYPT_PARAMS
  const salt = randomBytes(SALT_BYTES)
  const iv = randomBytes(IV_BYTES)
  const key = await deriveKey(passphrase, salt, N, r, p)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const data = Buffer.concat([cipher.update(JSON.stringify(entries), 'utf8'), cipher.final()])
  key.fill(0)
  return {
    kdf: 'scrypt',
    N,
    r,
    p,
    cipher: 'aes-256-gcm',
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  }
}

/**
 * Opens what `sealPasswords` made. Throws StoreError IMPORT_BAD_PASSPHRASE when the passphrase
 * is wrong or the block was altered (GCM cannot tell the two apart), IMPORT_INVALID when the
 * block is not one of ours.
 */
export async function openPasswords(block: unknown, passphrase: string): Promise<Record<string, SealedEntry>> {
  const b = parseBlock(block)
  const key = await deriveKey(passphrase, b.salt, b.N, b.r, b.p)
  let plain: string
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, b.iv, { authTagLength: TAG_BYTES })
    decipher.setAuthTag(b.tag)
    plain = Buffer.concat([decipher.update(b.data), decipher.final()]).toString('utf8')
  } catch {
    throw new StoreError('IMPORT_BAD_PASSPHRASE', 'the passphrase is wrong, or the file was changed after it was exported; nothing was imported')
  } finally {
    key.fill(0)
  }
  return parseEntries(plain)
}

const invalid = (what: string): StoreError => new StoreError('IMPORT_INVALID', `the file's saved passwords cannot be read (${what})`)

/** Base64 (at most the length `max` bytes encode to: a huge string is refused before the pattern sees it), decoded to `min`..`max` bytes. */
function base64Bytes(min: number, max: number) {
  return checked(
    v.pipe(
      string({ max: Math.ceil(max / 3) * 4, pattern: BASE64 }),
      v.transform((text: string): Buffer => Buffer.from(text, 'base64')),
      v.check((buf: Buffer) => buf.length >= min && buf.length <= max, min === max ? `must hold ${max} bytes` : `must hold at most ${max} bytes`),
    ),
  )
}

// Any positive cost reads here; whether it is one we derive with is decided after, with its own words.
const cost = int(1, Number.MAX_SAFE_INTEGER)

/** The sealed-passwords block exactly as {@link sealPasswords} writes it. */
const blockSchema = object({
  kdf: literal('scrypt'),
  N: cost,
  r: cost,
  p: cost,
  cipher: literal('aes-256-gcm'),
  salt: base64Bytes(SALT_BYTES, SALT_BYTES),
  iv: base64Bytes(IV_BYTES, IV_BYTES),
  tag: base64Bytes(TAG_BYTES, TAG_BYTES),
  data: base64Bytes(0, MAX_DATA_BYTES),
})

/** One sealed password, as the export writes it from a saved profile. */
const entrySchema = object({
  host: string({ max: LIMITS.host }),
  port: int(1, 65535),
  username: optional(string({ max: LIMITS.username })),
  password: string({ max: LIMITS.password }),
})

function parseBlock(block: unknown): v.InferOutput<typeof blockSchema> {
  let b: v.InferOutput<typeof blockSchema>
  try {
    b = blockSchema.parse(block, 'passwords')
  } catch (e) {
    if (e instanceof ValidationError) throw invalid(e.message)
    throw e
  }
  const { N, r, p } = b
  if (N > SCRYPT_LIMITS.N || r > SCRYPT_LIMITS.r || p > SCRYPT_LIMITS.p) {
    throw new StoreError(
      'IMPORT_INVALID',
      `the saved passwords in this file are locked with settings that would take too much memory and time to open (scrypt N=${N}, r=${r}, p=${p}; Tessera accepts at most N=${SCRYPT_LIMITS.N}, r=${SCRYPT_LIMITS.r}, p=${SCRYPT_LIMITS.p}); nothing was imported`,
    )
  }
  // scrypt's N is a power of two above 1 (N is at most 2^17 here, so 32-bit arithmetic is exact).
  if (N < 2 || (N & (N - 1)) !== 0) throw invalid('unsupported key derivation parameters')
  return b
}

function parseEntries(plain: string): Record<string, SealedEntry> {
  let data: unknown
  try {
    data = JSON.parse(plain)
  } catch {
    throw invalid('not JSON')
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw invalid('not an object')
  const out: Record<string, SealedEntry> = {}
  for (const [id, e] of Object.entries(data)) {
    // Authenticated, so only our own writer made this; still, skip anything malformed rather than trust it.
    const checkedEntry = v.safeParse(entrySchema, e)
    if (!checkedEntry.success) continue
    const x = checkedEntry.output
    out[id] = { host: x.host, port: x.port, password: x.password, ...(x.username ? { username: x.username } : {}) }
  }
  return out
}

/** The sealed `passwords` block of one of our JSON exports, or undefined. */
export function sealedBlockOf(text: string): unknown {
  if (!/^\s*\{/.test(text)) return undefined
  try {
    return (JSON.parse(text) as { passwords?: unknown }).passwords ?? undefined
  } catch {
    return undefined // The store reports what is wrong with the file.
  }
}
