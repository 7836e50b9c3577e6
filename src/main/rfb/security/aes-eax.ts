import { type Cipheriv, createCipheriv, timingSafeEqual } from 'node:crypto'

/** Bytes in an AES block, an EAX nonce as RSA-AES uses it, and an EAX tag. */
export const EAX_BLOCK = 16

const ZERO_BLOCK = new Uint8Array(EAX_BLOCK)

/** Doubling in GF(2^128), the subkey step of CMAC (NIST SP 800-38B §6.1). */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(EAX_BLOCK)
  let carry = 0
  for (let i = EAX_BLOCK - 1; i >= 0; i--) {
    out[i] = ((block[i] << 1) | carry) & 0xff
    carry = block[i] >> 7
  }
  if (carry) out[EAX_BLOCK - 1] ^= 0x87
  return out
}

function raw(c: Cipheriv, data: Uint8Array): Buffer {
  c.setAutoPadding(false)
  return Buffer.concat([c.update(data), c.final()])
}

/**
 * AES in EAX mode (Bellare, Rogaway, Wagner, "The EAX Mode of Operation", 2004) with full
 * 16-byte tags, as the RSA-AES security types use it. Node has AES-CTR and AES-CBC but not EAX:
 * EAX is CTR encryption under the tweaked CMAC of the nonce, authenticated by the tweaked CMACs
 * of header and ciphertext (OMAC^t(M) = CMAC(K, [t]_16 || M)). CMAC runs as AES-CBC with a zero
 * IV over the prepared message, so every block goes through OpenSSL.
 */
export class AesEax {
  private readonly algo: string
  private readonly k1: Uint8Array
  private readonly k2: Uint8Array

  /** `key`: 16 bytes (AES-128) or 32 bytes (AES-256); anything else throws a RangeError. */
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new RangeError(`an AES-EAX key has 16 or 32 bytes, not ${key.length}`)
    this.algo = `aes-${key.length * 8}`
    const l = raw(createCipheriv(`${this.algo}-ecb`, key, null), ZERO_BLOCK)
    this.k1 = double(l)
    this.k2 = double(this.k1)
  }

  /** OMAC^t over `data` (t = 0 nonce, 1 header, 2 ciphertext). */
  private omac(t: number, data: Uint8Array): Uint8Array {
    // The tweak block makes the message at least one block long, so the last block is never empty.
    const total = EAX_BLOCK + data.length
    const padded = total % EAX_BLOCK === 0 ? total : total + EAX_BLOCK - (total % EAX_BLOCK)
    const msg = new Uint8Array(padded)
    msg[EAX_BLOCK - 1] = t
    msg.set(data, EAX_BLOCK)
    const last = padded - EAX_BLOCK
    let sub = this.k1
    if (padded !== total) {
      msg[total] = 0x80
      sub = this.k2
    }
    for (let i = 0; i < EAX_BLOCK; i++) msg[last + i] ^= sub[i]
    const cbc = raw(createCipheriv(`${this.algo}-cbc`, this.key, ZERO_BLOCK), msg)
    return cbc.subarray(cbc.length - EAX_BLOCK)
  }

  private ctr(n: Uint8Array, data: Uint8Array): Buffer {
    // OpenSSL's CTR counts over all 128 bits, as EAX requires (wrapping at 2^128).
    return raw(createCipheriv(`${this.algo}-ctr`, this.key, n), data)
  }

  private tag(n: Uint8Array, header: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const h = this.omac(1, header)
    const c = this.omac(2, ciphertext)
    const t = new Uint8Array(EAX_BLOCK)
    for (let i = 0; i < EAX_BLOCK; i++) t[i] = n[i] ^ h[i] ^ c[i]
    return t
  }

  /** Encrypts `plaintext`; returns the ciphertext followed by the 16-byte tag. */
  seal(nonce: Uint8Array, header: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const n = this.omac(0, nonce)
    const c = this.ctr(n, plaintext)
    const out = new Uint8Array(c.length + EAX_BLOCK)
    out.set(c)
    out.set(this.tag(n, header, c), c.length)
    return out
  }

  /** Checks the tag and decrypts; null when the tag does not match (nothing is decrypted then). */
  open(nonce: Uint8Array, header: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | null {
    if (tag.length !== EAX_BLOCK) return null
    const n = this.omac(0, nonce)
    if (!timingSafeEqual(this.tag(n, header, ciphertext), tag)) return null
    return this.ctr(n, ciphertext)
  }
}
