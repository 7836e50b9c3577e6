import { afterEach, describe, expect, it, vi } from 'vitest'
import { ALTGR_WINDOW_MS, type KeyEventLike, KeyboardInput, type Platform, detectPlatform } from '../../../src/renderer/src/input/keyboard'
import { SPECIAL_COMBOS } from '../../../src/renderer/src/input/keysyms'
import { scancodeFor } from '../../../src/shared/scancodes'

type Sent = [keysym: number, down: boolean, code?: string]

function setup(platform: Platform = 'other') {
  const sent: Sent[] = []
  const kb = new KeyboardInput((keysym, down, code) => sent.push(code === undefined ? [keysym, down] : [keysym, down, code]), platform)
  return { kb, sent }
}

let clock = 1000
function ev(key: string, code: string, extra: Partial<KeyEventLike> = {}): KeyEventLike {
  const location = /Left$/.test(code) ? 1 : /Right$/.test(code) ? 2 : /^Numpad/.test(code) ? 3 : 0
  return { key, code, location, repeat: false, timeStamp: clock++, metaKey: false, ...extra }
}

afterEach(() => vi.useRealTimers())

describe('KeyboardInput', () => {
  it('presses and releases a letter with its code', () => {
    const { kb, sent } = setup()
    expect(kb.keydown(ev('a', 'KeyA'))).toBe(true)
    expect(kb.keyup(ev('a', 'KeyA'))).toBe(true)
    expect(sent).toEqual([
      [0x61, true, 'KeyA'],
      [0x61, false, 'KeyA'],
    ])
  })

  it('releases a key with the keysym it was pressed with, even if Shift changed meanwhile', () => {
    const { kb, sent } = setup()
    kb.keydown(ev('Shift', 'ShiftLeft'))
    kb.keydown(ev('A', 'KeyA'))
    kb.keyup(ev('Shift', 'ShiftLeft'))
    kb.keyup(ev('a', 'KeyA'))
    expect(sent).toEqual([
      [0xffe1, true, 'ShiftLeft'],
      [0x41, true, 'KeyA'],
      [0xffe1, false, 'ShiftLeft'],
      [0x41, false, 'KeyA'],
    ])
  })

  it('sends auto-repeat as repeated presses, then one release', () => {
    const { kb, sent } = setup()
    kb.keydown(ev('x', 'KeyX'))
    kb.keydown(ev('x', 'KeyX', { repeat: true }))
    kb.keydown(ev('x', 'KeyX', { repeat: true }))
    kb.keyup(ev('x', 'KeyX'))
    expect(sent).toEqual([
      [0x78, true, 'KeyX'],
      [0x78, true, 'KeyX'],
      [0x78, true, 'KeyX'],
      [0x78, false, 'KeyX'],
    ])
  })

  it('ignores a dead key and sends the character it composes with the next key', () => {
    const { kb, sent } = setup()
    expect(kb.keydown(ev('Dead', 'BracketLeft'))).toBe(false)
    expect(kb.keyup(ev('Dead', 'BracketLeft'))).toBe(false)
    kb.keydown(ev('ê', 'KeyE'))
    kb.keyup(ev('e', 'KeyE'))
    expect(sent).toEqual([
      [0xea, true, 'KeyE'],
      [0xea, false, 'KeyE'],
    ])
  })

  it('a dead key followed by space sends the accent itself', () => {
    const { kb, sent } = setup()
    kb.keydown(ev('Dead', 'Equal'))
    kb.keyup(ev('Dead', 'Equal'))
    kb.keydown(ev('´', 'Space'))
    kb.keyup(ev(' ', 'Space'))
    expect(sent).toEqual([
      [0xb4, true, 'Space'],
      [0xb4, false, 'Space'],
    ])
  })

  it('Linux/mac AltGr: ISO_Level3_Shift, then the produced character', () => {
    const { kb, sent } = setup('other')
    kb.keydown(ev('AltGraph', 'AltRight'))
    kb.keydown(ev('@', 'KeyQ'))
    kb.keyup(ev('@', 'KeyQ'))
    kb.keyup(ev('AltGraph', 'AltRight'))
    expect(sent).toEqual([
      [0xfe03, true, 'AltRight'],
      [0x40, true, 'KeyQ'],
      [0x40, false, 'KeyQ'],
      [0xfe03, false, 'AltRight'],
    ])
  })

  it('Windows AltGr: drops the fake ControlLeft that comes with the same timestamp', () => {
    vi.useFakeTimers()
    const { kb, sent } = setup('windows')
    kb.keydown({ ...ev('Control', 'ControlLeft'), timeStamp: 5000 })
    kb.keydown({ ...ev('AltGraph', 'AltRight'), timeStamp: 5000 })
    kb.keydown(ev('€', 'KeyE'))
    kb.keyup(ev('€', 'KeyE'))
    kb.keyup(ev('Control', 'ControlLeft'))
    kb.keyup(ev('AltGraph', 'AltRight'))
    vi.advanceTimersByTime(ALTGR_WINDOW_MS * 2)
    expect(sent).toEqual([
      [0xfe03, true, 'AltRight'],
      [0x010020ac, true, 'KeyE'],
      [0x010020ac, false, 'KeyE'],
      [0xfe03, false, 'AltRight'],
    ])
    expect(kb.heldCount).toBe(0)
  })

  it('Windows: a real Ctrl+Alt is kept (Control pressed before anything else follows)', () => {
    vi.useFakeTimers()
    const { kb, sent } = setup('windows')
    kb.keydown({ ...ev('Control', 'ControlLeft'), timeStamp: 100 })
    kb.keydown({ ...ev('Alt', 'AltLeft'), timeStamp: 180 })
    kb.keydown(ev('Delete', 'Delete'))
    kb.releaseAll()
    expect(sent.slice(0, 3)).toEqual([
      [0xffe3, true, 'ControlLeft'],
      [0xffe9, true, 'AltLeft'],
      [0xffff, true, 'Delete'],
    ])
    expect(sent.slice(3)).toEqual([
      [0xffff, false, 'Delete'],
      [0xffe9, false, 'AltLeft'],
      [0xffe3, false, 'ControlLeft'],
    ])
  })

  it('Windows: a Control held alone is pressed once the AltGr window has passed', () => {
    vi.useFakeTimers()
    const { kb, sent } = setup('windows')
    kb.keydown(ev('Control', 'ControlLeft'))
    expect(sent).toEqual([])
    vi.advanceTimersByTime(ALTGR_WINDOW_MS + 1)
    expect(sent).toEqual([[0xffe3, true, 'ControlLeft']])
    kb.keyup(ev('Control', 'ControlLeft'))
    expect(sent).toEqual([
      [0xffe3, true, 'ControlLeft'],
      [0xffe3, false, 'ControlLeft'],
    ])
  })

  it('Windows: Ctrl+C typed quickly keeps its order', () => {
    vi.useFakeTimers()
    const { kb, sent } = setup('windows')
    kb.keydown(ev('Control', 'ControlLeft'))
    kb.keydown(ev('c', 'KeyC'))
    kb.keyup(ev('c', 'KeyC'))
    kb.keyup(ev('Control', 'ControlLeft'))
    expect(sent).toEqual([
      [0xffe3, true, 'ControlLeft'],
      [0x63, true, 'KeyC'],
      [0x63, false, 'KeyC'],
      [0xffe3, false, 'ControlLeft'],
    ])
  })

  it('Windows: PrintScreen arrives as a keyup alone and is pressed and released', () => {
    const { kb, sent } = setup('windows')
    expect(kb.keyup(ev('PrintScreen', 'PrintScreen'))).toBe(true)
    expect(sent).toEqual([
      [0xff61, true, 'PrintScreen'],
      [0xff61, false, 'PrintScreen'],
    ])
  })

  it('macOS: keys typed with Command held are released at once (Chrome sends no keyup)', () => {
    const { kb, sent } = setup('mac')
    kb.keydown(ev('Meta', 'MetaLeft'))
    kb.keydown(ev('c', 'KeyC', { metaKey: true }))
    kb.keyup(ev('Meta', 'MetaLeft'))
    expect(sent).toEqual([
      [0xffeb, true, 'MetaLeft'],
      [0x63, true, 'KeyC'],
      [0x63, false, 'KeyC'],
      [0xffeb, false, 'MetaLeft'],
    ])
    expect(kb.heldCount).toBe(0)
  })

  it('macOS: each CapsLock event toggles (press and release)', () => {
    const { kb, sent } = setup('mac')
    kb.keydown(ev('CapsLock', 'CapsLock'))
    kb.keyup(ev('CapsLock', 'CapsLock'))
    expect(sent).toEqual([
      [0xffe5, true, 'CapsLock'],
      [0xffe5, false, 'CapsLock'],
      [0xffe5, true, 'CapsLock'],
      [0xffe5, false, 'CapsLock'],
    ])
  })

  it('numpad follows NumLock through `key`', () => {
    const { kb, sent } = setup()
    kb.keydown(ev('7', 'Numpad7'))
    kb.keyup(ev('7', 'Numpad7'))
    kb.keydown(ev('Home', 'Numpad7'))
    kb.keyup(ev('Home', 'Numpad7'))
    kb.keydown(ev('Enter', 'NumpadEnter'))
    kb.keyup(ev('Enter', 'NumpadEnter'))
    expect(sent.map((s) => s[0])).toEqual([0xffb7, 0xffb7, 0xff95, 0xff95, 0xff8d, 0xff8d])
  })

  it('releases every held key in reverse order on releaseAll (window blur)', () => {
    const { kb, sent } = setup()
    kb.keydown(ev('Control', 'ControlLeft'))
    kb.keydown(ev('Shift', 'ShiftLeft'))
    kb.keydown(ev('T', 'KeyT'))
    sent.length = 0
    kb.releaseAll()
    expect(sent).toEqual([
      [0x54, false, 'KeyT'],
      [0xffe1, false, 'ShiftLeft'],
      [0xffe3, false, 'ControlLeft'],
    ])
    expect(kb.heldCount).toBe(0)
    // Late keyups after the release send nothing more.
    expect(kb.keyup(ev('T', 'KeyT'))).toBe(false)
    expect(sent).toHaveLength(3)
  })

  it('ignores a keyup for a key it never saw go down', () => {
    const { kb, sent } = setup()
    expect(kb.keyup(ev('a', 'KeyA'))).toBe(false)
    expect(sent).toEqual([])
  })

  it('does not consume keys without keysym (Fn)', () => {
    const { kb, sent } = setup()
    expect(kb.keydown(ev('Fn', 'Fn'))).toBe(false)
    expect(sent).toEqual([])
  })

  it('types a key that produced several characters one by one', () => {
    const { kb, sent } = setup()
    kb.keydown(ev('لا', 'KeyB'))
    expect(sent).toEqual([
      [0x01000644, true],
      [0x01000644, false],
      [0x01000627, true],
      [0x01000627, false],
    ])
  })

  it('sends a special combination pressed in order and released in reverse', () => {
    const { kb, sent } = setup()
    kb.sendCombo(SPECIAL_COMBOS.ctrlAltDel.keys)
    expect(sent).toEqual([
      [0xffe3, true, 'ControlLeft'],
      [0xffe9, true, 'AltLeft'],
      [0xffff, true, 'Delete'],
      [0xffff, false, 'Delete'],
      [0xffe9, false, 'AltLeft'],
      [0xffe3, false, 'ControlLeft'],
    ])
  })

  it('works for events without a code (virtual keyboards)', () => {
    const { kb, sent } = setup()
    kb.keydown(ev('q', ''))
    kb.keyup(ev('q', ''))
    expect(sent).toEqual([
      [0x71, true],
      [0x71, false],
    ])
  })
})

describe('KeyboardInput lock LED sync', () => {
  const CAPS: Sent[] = [
    [0xffe5, true, 'CapsLock'],
    [0xffe5, false, 'CapsLock'],
  ]
  const NUM: Sent[] = [
    [0xff7f, true, 'NumLock'],
    [0xff7f, false, 'NumLock'],
  ]
  /** A key event seen with these local lock states. */
  const locked = (key: string, code: string, local: { caps?: boolean; num?: boolean }) =>
    ev(key, code, { getModifierState: (k: string) => (k === 'CapsLock' ? !!local.caps : k === 'NumLock' ? !!local.num : false) })

  it('sends nothing extra while the server has never reported its LEDs', () => {
    const { kb, sent } = setup()
    kb.keydown(locked('A', 'KeyA', { caps: true, num: true }))
    expect(sent).toEqual([[0x41, true, 'KeyA']])
  })

  it('taps Caps Lock (XT 0x3a by its code) before a key when the local lock differs from the server LED', () => {
    const { kb, sent } = setup()
    kb.setServerLocks({ capsLock: false, numLock: false })
    kb.keydown(locked('A', 'KeyA', { caps: true }))
    kb.keyup(locked('A', 'KeyA', { caps: true }))
    expect(sent).toEqual([...CAPS, [0x41, true, 'KeyA'], [0x41, false, 'KeyA']])
    expect(scancodeFor('CapsLock')).toBe(0x3a)
  })

  it('taps Num Lock (XT 0x45 by its code) the other way round too', () => {
    const { kb, sent } = setup()
    kb.setServerLocks({ capsLock: false, numLock: true })
    kb.keydown(locked('End', 'Numpad1', {}))
    expect(sent).toEqual([...NUM, [0xff9c, true, 'Numpad1']])
    expect(scancodeFor('NumLock')).toBe(0x45)
  })

  it('fixes a difference once, then waits for the server to report again', () => {
    const { kb, sent } = setup()
    kb.setServerLocks({ capsLock: true, numLock: false })
    kb.keydown(locked('a', 'KeyA', {}))
    kb.keyup(locked('a', 'KeyA', {}))
    kb.keydown(locked('b', 'KeyB', {}))
    expect(sent.filter((k) => k[0] === 0xffe5)).toEqual(CAPS)
    // The server confirms; a later difference (Caps Lock pressed outside the window) is fixed again.
    kb.setServerLocks({ capsLock: false, numLock: false })
    sent.length = 0
    kb.keydown(locked('C', 'KeyC', { caps: true }))
    expect(sent).toEqual([...CAPS, [0x43, true, 'KeyC']])
  })

  it("leaves the lock key's own press alone: it toggles the server by itself", () => {
    const { kb, sent } = setup()
    kb.setServerLocks({ capsLock: false, numLock: false })
    // Chrome already reports the new state on the lock key's keydown.
    kb.keydown(locked('CapsLock', 'CapsLock', { caps: true }))
    kb.keyup(locked('CapsLock', 'CapsLock', { caps: true }))
    // Before the server's new LED report arrives, the next key must not toggle it back.
    kb.keydown(locked('A', 'KeyA', { caps: true }))
    expect(sent).toEqual([...CAPS, [0x41, true, 'KeyA']])
    sent.length = 0
    kb.keydown(locked('NumLock', 'NumLock', { num: true }))
    kb.keydown(locked('1', 'Numpad1', { num: true }))
    expect(sent).toEqual([
      [0xff7f, true, 'NumLock'],
      [0xffb1, true, 'Numpad1'],
    ])
  })

  it('forgets the server state when told the server reports none', () => {
    const { kb, sent } = setup()
    kb.setServerLocks({ capsLock: true, numLock: true })
    kb.setServerLocks(null)
    kb.keydown(locked('a', 'KeyA', {}))
    expect(sent).toEqual([[0x61, true, 'KeyA']])
  })

  it('macOS: syncs Caps Lock but never Num Lock (browsers there always say it is off)', () => {
    const { kb, sent } = setup('mac')
    kb.setServerLocks({ capsLock: true, numLock: true })
    kb.keydown(locked('a', 'KeyA', {}))
    expect(sent).toEqual([...CAPS, [0x61, true, 'KeyA']])
  })

  it('macOS: the CapsLock release toggles too, so it also waits for a new report', () => {
    const { kb, sent } = setup('mac')
    kb.setServerLocks({ capsLock: true, numLock: false })
    kb.keyup(locked('CapsLock', 'CapsLock', {}))
    kb.keydown(locked('a', 'KeyA', {}))
    expect(sent).toEqual([...CAPS, [0x61, true, 'KeyA']])
  })
})

describe('detectPlatform', () => {
  it('reads the platform from navigator', () => {
    expect(detectPlatform({ platform: 'MacIntel' })).toBe('mac')
    expect(detectPlatform({ platform: 'Win32' })).toBe('windows')
    expect(detectPlatform({ platform: 'Linux x86_64' })).toBe('other')
  })
})
