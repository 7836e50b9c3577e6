import { Encoding } from '@shared/encodings'
import { describe, expect, it } from 'vitest'
import { AnnouncedEncodings } from '../../../src/main/rfb/announced-encodings'

const OLD = [Encoding.TightPNG, Encoding.DesktopSize]
const NEW = [Encoding.ZRLE, Encoding.DesktopSize]

describe('AnnouncedEncodings', () => {
  it('allows only Raw before anything was announced, then exactly the announced list', () => {
    const a = new AnnouncedEncodings()
    expect(a.allows(Encoding.Raw)).toBe(true)
    expect(a.allows(Encoding.TightPNG)).toBe(false)
    a.announced(OLD, 0)
    a.updateStarted()
    expect(a.allows(Encoding.TightPNG)).toBe(true)
    expect(a.allows(Encoding.JPEG)).toBe(false)
    expect(a.allows(Encoding.Raw)).toBe(true)
  })

  it('after a change, keeps the old list for the updates owed to earlier requests (plus one), then drops it', () => {
    const a = new AnnouncedEncodings()
    a.announced(OLD, 0)
    // Two requests unanswered when the new list goes out: up to 2 (+1) updates may follow the old one.
    a.announced(NEW, 2)
    const seen: boolean[] = []
    for (let i = 0; i < 5; i++) {
      a.updateStarted()
      seen.push(a.allows(Encoding.TightPNG))
      expect(a.allows(Encoding.ZRLE)).toBe(true)
    }
    expect(seen).toEqual([true, true, true, false, false])
  })

  it('an update in progress when the list changes keeps the old list until the next update begins', () => {
    const a = new AnnouncedEncodings()
    a.announced(OLD, 0)
    a.updateStarted()
    a.announced(NEW, 0)
    expect(a.allows(Encoding.TightPNG)).toBe(true)
    a.updateStarted()
    expect(a.allows(Encoding.TightPNG)).toBe(true)
    a.updateStarted()
    expect(a.allows(Encoding.TightPNG)).toBe(false)
  })

  it('with continuous updates, keeps the old list however many updates come until the switch is marked', () => {
    const a = new AnnouncedEncodings()
    a.announced(OLD, 0)
    a.announced(NEW, Infinity)
    for (let i = 0; i < 50; i++) a.updateStarted()
    expect(a.allows(Encoding.TightPNG)).toBe(true)
    a.applied(0)
    a.updateStarted()
    expect(a.allows(Encoding.TightPNG)).toBe(true)
    a.updateStarted()
    expect(a.allows(Encoding.TightPNG)).toBe(false)
  })

  it('marks queued continuous switches in order: each EndOfContinuousUpdates bounds only the list before its own', () => {
    const a = new AnnouncedEncodings()
    a.announced(OLD, 0)
    a.announced(NEW, Infinity)
    a.announced([Encoding.Hextile], Infinity)
    a.applied(0)
    a.updateStarted()
    a.updateStarted()
    expect(a.allows(Encoding.TightPNG)).toBe(false)
    // ZRLE (the list in between) waits for the second mark.
    for (let i = 0; i < 10; i++) a.updateStarted()
    expect(a.allows(Encoding.ZRLE)).toBe(true)
    a.applied(0)
    a.updateStarted()
    a.updateStarted()
    expect(a.allows(Encoding.ZRLE)).toBe(false)
    expect(a.allows(Encoding.Hextile)).toBe(true)
  })
})
