import { describe, expect, it } from 'vitest'
import { LaunchCodes } from '../../../src/main/web/launch-codes'

describe('LaunchCodes', () => {
  it('redeems a code once', () => {
    const codes = new LaunchCodes()
    const code = codes.issue()
    expect(code).toMatch(/^[\w-]{22}$/)
    expect(codes.redeem(code)).toBe(true)
    expect(codes.redeem(code)).toBe(false)
  })

  it('refuses a code once its time is up, and codes it never issued', () => {
    let now = 1_000
    const codes = new LaunchCodes(60_000, () => now)
    const late = codes.issue()
    const early = codes.issue()
    now += 59_999
    expect(codes.redeem(early)).toBe(true)
    now += 1
    expect(codes.redeem(late)).toBe(false)
    expect(codes.redeem('')).toBe(false)
    expect(codes.redeem('never-issued-never-iss')).toBe(false)
  })

  it('keeps each code independent and drops the oldest beyond its cap', () => {
    const codes = new LaunchCodes()
    const all = Array.from({ length: 17 }, () => codes.issue())
    expect(new Set(all).size).toBe(17)
    expect(codes.redeem(all[0])).toBe(false)
    for (const code of all.slice(1)) expect(codes.redeem(code)).toBe(true)
  })
})
