import { describe, expect, it } from 'vitest'
import { QNUM_BY_CODE, scancodeFor } from '../../../src/shared/scancodes'

describe('QEMU scancodes', () => {
  it.each([
    ['KeyA', 0x1e],
    ['KeyQ', 0x10],
    ['Digit1', 0x02],
    ['Enter', 0x1c],
    ['Escape', 0x01],
    ['Space', 0x39],
    ['ShiftLeft', 0x2a],
    ['ShiftRight', 0x36],
    ['ControlLeft', 0x1d],
    ['ControlRight', 0x9d],
    ['AltLeft', 0x38],
    ['AltRight', 0xb8],
    ['MetaLeft', 0xdb],
    ['ArrowUp', 0xc8],
    ['Delete', 0xd3],
    ['NumpadEnter', 0x9c],
    ['NumpadDivide', 0xb5],
    ['Numpad7', 0x47],
    ['F1', 0x3b],
    ['F12', 0x58],
    ['IntlBackslash', 0x56],
    ['Pause', 0xc6],
    ['PrintScreen', 0x54],
  ])('%s is 0x%s', (code, qnum) => {
    expect(scancodeFor(code)).toBe(qnum)
  })

  it('gives 0 for keys without a scancode', () => {
    expect(scancodeFor('Unidentified')).toBe(0)
    expect(scancodeFor(undefined)).toBe(0)
  })

  it('keeps every scancode within one byte of qnum space', () => {
    for (const [code, q] of Object.entries(QNUM_BY_CODE)) {
      expect(q > 0 && q <= 0xff, `${code}: 0x${q.toString(16)}`).toBe(true)
    }
  })
})
