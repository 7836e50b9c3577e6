import { randomBytes } from 'node:crypto'

/** Big-endian bytes to a BigInt. */
export function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

/** A BigInt as exactly `size` big-endian bytes (the low bytes when it is longer). */
export function fromBigInt(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size)
  let x = v
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn)
    x >>= 8n
  }
  return out
}

/** base^exp mod m, by squaring and multiplying. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n % m
  let b = base % m
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m
    b = (b * b) % m
    e >>= 1n
  }
  return result
}

/** One side of a Diffie-Hellman exchange over the server's group (ARD, MSLogonII), numbers as `size`-byte big-endian. */
export interface DhExchange {
  /** Our public value g^x mod p. */
  publicKey: Uint8Array
  /** The shared secret (server public)^x mod p. */
  secret: Uint8Array
}

/** Bytes of our private exponent: 256 bits, as strong as these groups get, and cheap: the cost grows with its length. */
const PRIVATE_BYTES = 32

/**
 * Our half of Diffie-Hellman with the server's generator, prime and public value. Throws a
 * RangeError for values that make no group (p < 5, g or the server's value outside 2..p-2),
 * which would leave a secret anyone can guess. `random` gives the private exponent's bytes
 * (at most 256 bits, fewer for smaller groups).
 */
export function dhExchange(
  generator: Uint8Array,
  prime: Uint8Array,
  serverPublic: Uint8Array,
  size: number,
  random: (n: number) => Uint8Array = randomBytes,
): DhExchange {
  const p = toBigInt(prime)
  const g = toBigInt(generator)
  const y = toBigInt(serverPublic)
  if (p < 5n) throw new RangeError('the prime is too small')
  if (g < 2n || g > p - 2n) throw new RangeError('the generator is not in the group')
  if (y < 2n || y > p - 2n) throw new RangeError("the server's public value is not in the group")
  let x = 0n
  while (x < 2n) x = toBigInt(random(Math.min(size, PRIVATE_BYTES))) % (p - 1n)
  return { publicKey: fromBigInt(modPow(g, x, p), size), secret: fromBigInt(modPow(y, x, p), size) }
}
