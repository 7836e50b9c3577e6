import { describe, expect, it } from 'vitest'
import { DEFAULT_TIMINGS } from '../../../src/main/host/host'
import { OFFER_TTL_MS, PixelOffers } from '../../../src/main/web/pixel-offers'

describe('PixelOffers', () => {
  it('gives each offer an unguessable ticket that works once', () => {
    const offers = new PixelOffers()
    const socket = {}
    const bytes = Uint8Array.of(1, 2, 3)
    const a = offers.offer(socket, bytes)
    const b = offers.offer(socket, bytes)
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(b).not.toBe(a)
    expect(offers.take(a)).toBe(bytes)
    expect(offers.take(a)).toBeNull()
    expect(offers.take('')).toBeNull()
    expect(offers.size).toBe(1)
  })

  it("holds at most 8 offers a socket, dropping its oldest, and none of a closed socket's", () => {
    const offers = new PixelOffers()
    const one = {}
    const other = {}
    const tickets = Array.from({ length: 10 }, (_, i) => offers.offer(one, Uint8Array.of(i)))
    const kept = offers.offer(other, Uint8Array.of(99))
    expect(offers.size).toBe(9)
    expect(offers.take(tickets[0])).toBeNull()
    expect(offers.take(tickets[1])).toBeNull()
    expect(offers.take(tickets[2])).toEqual(Uint8Array.of(2))
    // Taking one makes room: the next offer drops nothing.
    offers.offer(one, Uint8Array.of(10))
    expect(offers.take(tickets[3])).toEqual(Uint8Array.of(3))
    offers.drop(one)
    expect(offers.size).toBe(1)
    expect(offers.take(tickets[9])).toBeNull()
    expect(offers.take(kept)).toEqual(Uint8Array.of(99))
  })
})

describe('PixelOffers expiry', () => {
  it("refuses a ticket once its batch's memory may be reused (the session's ack timeout), and lets the memory go", () => {
    let now = 1000
    const offers = new PixelOffers(() => now)
    const socket = {}
    const early = offers.offer(socket, Uint8Array.of(1))
    const late = offers.offer(socket, Uint8Array.of(2))
    now += OFFER_TTL_MS - 1
    expect(offers.take(early)).toEqual(Uint8Array.of(1))
    now += 2
    // Past the TTL: the page would read memory a later batch may be written into.
    expect(offers.take(late)).toBeNull()
    const kept = offers.offer(socket, Uint8Array.of(3))
    offers.offer({}, Uint8Array.of(4))
    now += OFFER_TTL_MS + 1
    // A new offer sweeps out expired ones, so their memory is not held.
    offers.offer(socket, Uint8Array.of(5))
    expect(offers.size).toBe(1)
    expect(offers.take(kept)).toBeNull()
  })

  it('expires offers before a session gives up waiting for its ack', () => {
    expect(OFFER_TTL_MS).toBeLessThan(DEFAULT_TIMINGS.ackTimeoutMs)
  })
})
