import { describe, expect, it } from 'vitest'
import { TYPING_LAYOUTS, layoutKey } from '../../../src/shared/keyboard-layouts'
import { scancodeFor } from '../../../src/shared/scancodes'
import { type TypedKey, planTyping, printableKeysym } from '../../../src/shared/type-text'
import { keyMessage, keyWithScancodeMessage } from '../../../src/main/rfb/input-messages'
import { noFeatures } from '../../../src/main/rfb/session-types'

/** The bytes a plan puts on the wire, as the host sends them (HostSession.key): QEMU key events when the key has a scancode. */
function wire(strokes: TypedKey[][], qemu: boolean): string {
  const features = { ...noFeatures(), qemuKeyEvents: qemu }
  const out: Uint8Array[] = []
  for (const k of strokes.flat()) {
    const sc = scancodeFor(k.code)
    out.push(sc ? keyWithScancodeMessage(features, k.keysym, sc, k.down).bytes : keyMessage(k.keysym, k.down).bytes)
  }
  return Buffer.concat(out).toString('hex')
}

const down = (keysym: number, code?: string): TypedKey => (code ? { keysym, down: true, code } : { keysym, down: true })
const up = (keysym: number, code?: string): TypedKey => ({ ...down(keysym, code), down: false })

describe('typing text as keysyms', () => {
  it('sends Latin-1 characters as their own keysym and others as Unicode keysyms, without Shift', () => {
    const plan = planTyping('aZ€é')
    expect(plan.untypable).toEqual([])
    expect(plan.strokes).toEqual([
      [down(0x61), up(0x61)],
      [down(0x5a), up(0x5a)],
      [down(0x10020ac), up(0x10020ac)],
      [down(0xe9), up(0xe9)],
    ])
  })

  it('puts RFB KeyEvents on the wire byte for byte', () => {
    // KeyEvent: type 4, down flag, 2 bytes padding, keysym (RFC 6143 §7.5.4).
    expect(wire(planTyping('A\n').strokes, false)).toBe('0401000000000041' + '0400000000000041' + '040100000000ff0d' + '040000000000ff0d')
  })

  it('types newline as Return and tab as Tab, and CR LF as one Return', () => {
    const keysyms = planTyping('a\r\nb\nc\rd\te').strokes.map((s) => s[0]?.keysym)
    expect(keysyms).toEqual([0x61, 0xff0d, 0x62, 0xff0d, 0x63, 0xff0d, 0x64, 0xff09, 0x65])
  })

  it('keeps characters beyond the BMP whole', () => {
    expect(planTyping('😀').strokes).toEqual([[down(0x101f600), up(0x101f600)]])
  })

  it('reports control characters and lone surrogates with their index instead of dropping them', () => {
    const plan = planTyping('ok\u0007\u0085x\ud800')
    expect(plan.untypable).toEqual([
      { char: '\u0007', index: 2 },
      { char: '\u0085', index: 3 },
      { char: '\ud800', index: 5 },
    ])
    expect(plan.strokes).toHaveLength(3)
    expect(printableKeysym('\u007f')).toBeNull()
  })
})

describe('typing text as scancodes in a remote layout', () => {
  it('presses Shift for upper case and releases it after the key', () => {
    expect(planTyping('A', 'us').strokes).toEqual([[down(0xffe1, 'ShiftLeft'), down(0x41, 'KeyA'), up(0x41, 'KeyA'), up(0xffe1, 'ShiftLeft')]])
  })

  it('sends QEMU Extended Key Events with the layout’s scancodes byte for byte', () => {
    // 255, sub-type 0, down (u16), keysym (u32), qnum (u32): Shift_L 0x2a, then KeyA 0x1e.
    expect(wire(planTyping('A', 'us').strokes, true)).toBe(
      'ff000001' + '0000ffe1' + '0000002a' + 'ff000001' + '00000041' + '0000001e' + 'ff000000' + '00000041' + '0000001e' + 'ff000000' + '0000ffe1' + '0000002a',
    )
  })

  it('finds the key each layout puts a character on', () => {
    expect(layoutKey('de', 'z')).toMatchObject({ code: 'KeyY', shift: false })
    expect(layoutKey('de', 'y')).toMatchObject({ code: 'KeyZ' })
    expect(layoutKey('de', '@')).toMatchObject({ code: 'KeyQ', altGr: true })
    expect(layoutKey('de', 'ß')).toMatchObject({ code: 'Minus', shift: false })
    expect(layoutKey('de', '"')).toMatchObject({ code: 'Digit2', shift: true })
    expect(layoutKey('fr', 'a')).toMatchObject({ code: 'KeyQ' })
    expect(layoutKey('fr', '1')).toMatchObject({ code: 'Digit1', shift: true })
    expect(layoutKey('fr', 'm')).toMatchObject({ code: 'Semicolon' })
    expect(layoutKey('fr', '!')).toMatchObject({ code: 'Slash', shift: false })
    expect(layoutKey('uk', '"')).toMatchObject({ code: 'Digit2', shift: true })
    expect(layoutKey('uk', '@')).toMatchObject({ code: 'Quote', shift: true })
    expect(layoutKey('uk', '#')).toMatchObject({ code: 'Backslash', shift: false })
    expect(layoutKey('uk', '\\')).toMatchObject({ code: 'IntlBackslash' })
    expect(layoutKey('us', '|')).toMatchObject({ code: 'Backslash', shift: true })
  })

  it('types every printable ASCII character on every layout but reports what a layout lacks', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('')
    for (const layout of TYPING_LAYOUTS) {
      const plan = planTyping(ascii, layout)
      expect(plan.untypable, layout).toEqual([])
      for (const keys of plan.strokes) for (const k of keys) expect(scancodeFor(k.code), `${layout} ${k.code}`).toBeGreaterThan(0)
    }
    expect(planTyping('aäb€', 'us').untypable).toEqual([
      { char: 'ä', index: 1 },
      { char: '€', index: 3 },
    ])
  })

  it('presses AltGr (ISO_Level3_Shift on the right Alt key) where the layout needs it', () => {
    expect(planTyping('€', 'de').strokes[0]).toEqual([down(0xfe03, 'AltRight'), down(0x10020ac, 'KeyE'), up(0x10020ac, 'KeyE'), up(0xfe03, 'AltRight')])
  })

  it('follows a dead key with Space so the accent stands alone, and prefers a live key where there is one', () => {
    expect(planTyping('^', 'de').strokes[0]).toEqual([down(0x5e, 'Backquote'), up(0x5e, 'Backquote'), down(0x20, 'Space'), up(0x20, 'Space')])
    // French: ^ is dead on its own key but live on AltGr+9.
    expect(planTyping('^', 'fr').strokes[0]?.map((k) => k.code)).toEqual(['AltRight', 'Digit9', 'Digit9', 'AltRight'])
  })

  it('types newline and tab with the Enter and Tab keys', () => {
    expect(planTyping('\n\t', 'fr').strokes).toEqual([
      [down(0xff0d, 'Enter'), up(0xff0d, 'Enter')],
      [down(0xff09, 'Tab'), up(0xff09, 'Tab')],
    ])
  })
})
