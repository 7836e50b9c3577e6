import { type KeyObject, constants, createPrivateKey, createPublicKey, generateKeyPair, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto'

/** TigerVNC's bounds on RSA-AES key lengths (CSecurityRSAAES MinKeyLength, MaxKeyLength). */
export const RSA_MIN_BITS = 1024
export const RSA_MAX_BITS = 8192

/**
 * Our own key's length. TigerVNC matches the server's, but servers accept any length in the
 * bounds (noVNC always sends 2048), and a server asking for 8192 bits would make us spend
 * seconds generating a key for every connection.
 */
export const CLIENT_KEY_BITS = 2048

/** An RSA public key as RSA-AES sends it: bit length, then modulus and exponent, each as long as the modulus. */
export interface WireRsaKey {
  bits: number
  /** Big-endian, ceil(bits / 8) bytes. */
  n: Uint8Array
  /** Big-endian, padded with leading zeros to the modulus' length. */
  e: Uint8Array
}

/** The client's key pair for one exchange. */
export interface ClientRsaKey {
  wire: WireRsaKey
  privateKey: KeyObject
}

/** Bytes of a key of `bits` bits. */
export const keyBytes = (bits: number): number => Math.ceil(bits / 8)

/** The key message: u32 bits, n, e (what verifyServer hashes for the fingerprint, too). */
export function encodeRsaKey(k: WireRsaKey): Uint8Array {
  const out = new Uint8Array(4 + 2 * k.n.length)
  new DataView(out.buffer).setUint32(0, k.bits)
  out.set(k.n, 4)
  out.set(k.e, 4 + k.n.length)
  return out
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url')

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0
  while (i < b.length - 1 && b[i] === 0) i++
  return b.subarray(i)
}

function padTo(b: Uint8Array, size: number): Uint8Array {
  const v = stripZeros(b)
  const out = new Uint8Array(size)
  out.set(v.subarray(Math.max(0, v.length - size)), Math.max(0, size - v.length))
  return out
}

/** Node's KeyObject for a key from the wire; throws when OpenSSL refuses it (even modulus, zero exponent...). */
export function publicKeyObject(k: WireRsaKey): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: b64url(stripZeros(k.n)), e: b64url(stripZeros(k.e)) }, format: 'jwk' })
}

/** A fresh key pair of `bits` bits with e = 65537, as TigerVNC makes its own. */
export async function generateClientKey(bits: number): Promise<ClientRsaKey> {
  const { privateKey } = await new Promise<{ privateKey: KeyObject }>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 65537 }, (err, _pub, priv) => (err ? reject(err) : resolve({ privateKey: priv }))),
  )
  return clientKeyFrom(privateKey, bits)
}

/** The wire form of a private key's public half (tests give fixed keys this way). */
export function clientKeyFrom(privateKey: KeyObject | string, bits: number): ClientRsaKey {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey
  const jwk = key.export({ format: 'jwk' })
  const size = keyBytes(bits)
  return {
    wire: { bits, n: padTo(Buffer.from(jwk.n!, 'base64url'), size), e: padTo(Buffer.from(jwk.e!, 'base64url'), size) },
    privateKey: key,
  }
}

/**
 * RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1), the padding nettle's rsa_encrypt uses: 00 02,
 * at least 8 non-zero random bytes, 00, the message. Padded here and sent through raw RSA, so the
 * random source can be fixed in tests; `random` must give non-zero-biased secure bytes.
 */
export function rsaEncrypt(key: KeyObject, size: number, message: Uint8Array, random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  if (message.length > size - 11) throw new RangeError(`an RSA key of ${size} bytes cannot carry ${message.length} bytes`)
  const block = new Uint8Array(size)
  block[1] = 2
  const ps = block.subarray(2, size - message.length - 1)
  let filled = 0
  while (filled < ps.length) {
    for (const b of random(ps.length - filled)) if (b !== 0 && filled < ps.length) ps[filled++] = b
  }
  block.set(message, size - message.length)
  return publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block)
}

/**
 * RSAES-PKCS1-v1_5 decryption of a message of exactly `expect` bytes; null when the block is not
 * a valid encryption of such a message. Raw RSA plus our own check: Node refuses PKCS#1 v1.5
 * decryption (the Marvin attack), which cannot hurt here: the key lives for one exchange and
 * answers one message.
 */
export function rsaDecrypt(key: KeyObject, ciphertext: Uint8Array, expect: number): Uint8Array | null {
  let block: Buffer
  try {
    block = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext)
  } catch {
    return null
  }
  const sep = block.length - expect - 1
  if (block[0] !== 0 || block[1] !== 2 || sep < 10 || block[sep] !== 0) return null
  for (let i = 2; i < sep; i++) if (block[i] === 0) return null
  return Uint8Array.from(block.subarray(sep + 1))
}
