import { describe, expect, it } from 'vitest'
import { KeyLocation, functionKeysym, isModifierKey, keysymForChar, keysymForCode, keysymForKey, keysymsForText } from '../../../src/renderer/src/input/keysyms'

const key = (k: string, code = '', location: number = KeyLocation.Standard) => keysymForKey({ key: k, code, location })

describe('keysymForKey: characters', () => {
  it('maps ASCII letters, digits and punctuation to their Latin-1 keysyms', () => {
    expect(key('a', 'KeyA')).toBe(0x61)
    expect(key('A', 'KeyA')).toBe(0x41)
    expect(key('z', 'KeyZ')).toBe(0x7a)
    expect(key('0', 'Digit0')).toBe(0x30)
    expect(key('9', 'Digit9')).toBe(0x39)
    expect(key(' ', 'Space')).toBe(0x20)
    expect(key('!', 'Digit1')).toBe(0x21)
    expect(key('~', 'Backquote')).toBe(0x7e)
    expect(key('\\', 'Backslash')).toBe(0x5c)
  })

  it('maps Latin-1 letters directly (German, French, Nordic layouts)', () => {
    expect(key('ä', 'Quote')).toBe(0xe4)
    expect(key('Ö', 'Semicolon')).toBe(0xd6)
    expect(key('ß', 'Minus')).toBe(0xdf)
    expect(key('é', 'Digit2')).toBe(0xe9)
    expect(key('ç', 'Digit9')).toBe(0xe7)
    expect(key('å', 'BracketLeft')).toBe(0xe5)
    expect(key('§', 'Backquote')).toBe(0xa7)
    expect(key('µ', 'Backslash')).toBe(0xb5)
    expect(key('\u00a0', 'Space')).toBe(0xa0)
  })

  it('maps characters beyond Latin-1 to Unicode keysyms (0x01000000 + code point)', () => {
    expect(key('€', 'KeyE')).toBe(0x010020ac)
    expect(key('ł', 'KeyL')).toBe(0x01000142)
    expect(key('я', 'KeyZ')).toBe(0x0100044f)
    expect(key('α', 'KeyA')).toBe(0x010003b1)
    expect(key('ש', 'KeyA')).toBe(0x010005e9)
    expect(key('ㅂ', 'KeyQ')).toBe(0x01003142)
    // A code point outside the BMP (two UTF-16 units) is still one character.
    expect(key('😀', '')).toBe(0x0101f600)
  })

  it('AltGr characters are sent as the character produced', () => {
    // German AltGr+Q = @, AltGr+E = €, AltGr+7 = {; Polish AltGr+A = ą
    expect(key('@', 'KeyQ')).toBe(0x40)
    expect(key('{', 'Digit7')).toBe(0x7b)
    expect(key('ą', 'KeyA')).toBe(0x01000105)
  })

  it('maps control characters browsers may report to function keys', () => {
    expect(keysymForChar('\b')).toBe(0xff08)
    expect(keysymForChar('\t')).toBe(0xff09)
    expect(keysymForChar('\r')).toBe(0xff0d)
    expect(keysymForChar('\x1b')).toBe(0xff1b)
    expect(keysymForChar('\x7f')).toBe(0xffff)
    expect(keysymForChar('\x01')).toBeNull()
  })
})

describe('keysymForKey: named keys', () => {
  it('maps editing and navigation keys', () => {
    const table: Array<[string, number]> = [
      ['Enter', 0xff0d],
      ['Tab', 0xff09],
      ['Backspace', 0xff08],
      ['Escape', 0xff1b],
      ['ArrowLeft', 0xff51],
      ['ArrowUp', 0xff52],
      ['ArrowRight', 0xff53],
      ['ArrowDown', 0xff54],
      ['Home', 0xff50],
      ['End', 0xff57],
      ['PageUp', 0xff55],
      ['PageDown', 0xff56],
      ['Insert', 0xff63],
      ['Delete', 0xffff],
      ['CapsLock', 0xffe5],
      ['NumLock', 0xff7f],
      ['ScrollLock', 0xff14],
      ['Pause', 0xff13],
      ['PrintScreen', 0xff61],
      ['ContextMenu', 0xff67],
      ['Help', 0xff6a],
      ['Compose', 0xff20],
    ]
    for (const [k, sym] of table) expect(key(k, k), k).toBe(sym)
  })

  it('maps F1 to F24 (and beyond) to consecutive keysyms', () => {
    expect(key('F1', 'F1')).toBe(0xffbe)
    expect(key('F5', 'F5')).toBe(0xffc2)
    expect(key('F12', 'F12')).toBe(0xffc9)
    expect(key('F13', 'F13')).toBe(0xffca)
    expect(key('F24', 'F24')).toBe(0xffd5)
    expect(key('F35', '')).toBe(0xffe0)
    expect(functionKeysym(11)).toBe(0xffc8)
  })

  it('maps left and right modifiers by location', () => {
    expect(key('Shift', 'ShiftLeft', KeyLocation.Left)).toBe(0xffe1)
    expect(key('Shift', 'ShiftRight', KeyLocation.Right)).toBe(0xffe2)
    expect(key('Control', 'ControlLeft', KeyLocation.Left)).toBe(0xffe3)
    expect(key('Control', 'ControlRight', KeyLocation.Right)).toBe(0xffe4)
    expect(key('Alt', 'AltLeft', KeyLocation.Left)).toBe(0xffe9)
    expect(key('Alt', 'AltRight', KeyLocation.Right)).toBe(0xffea)
    expect(key('Meta', 'MetaLeft', KeyLocation.Left)).toBe(0xffeb)
    expect(key('Meta', 'MetaRight', KeyLocation.Right)).toBe(0xffec)
    expect(key('OS', 'OSLeft', KeyLocation.Left)).toBe(0xffeb)
    expect(key('Super', '', KeyLocation.Standard)).toBe(0xffeb)
    expect(key('Hyper', '', KeyLocation.Right)).toBe(0xffee)
  })

  it('maps AltGraph to ISO_Level3_Shift', () => {
    expect(key('AltGraph', 'AltRight', KeyLocation.Right)).toBe(0xfe03)
  })

  it('maps media and application keys to XF86 keysyms', () => {
    expect(key('AudioVolumeMute', 'AudioVolumeMute')).toBe(0x1008ff12)
    expect(key('AudioVolumeDown', 'AudioVolumeDown')).toBe(0x1008ff11)
    expect(key('AudioVolumeUp', 'AudioVolumeUp')).toBe(0x1008ff13)
    expect(key('MediaPlayPause', 'MediaPlayPause')).toBe(0x1008ff14)
    expect(key('MediaStop', 'MediaStop')).toBe(0x1008ff15)
    expect(key('MediaTrackPrevious', 'MediaTrackPrevious')).toBe(0x1008ff16)
    expect(key('MediaTrackNext', 'MediaTrackNext')).toBe(0x1008ff17)
    expect(key('BrowserBack', 'BrowserBack')).toBe(0x1008ff26)
    expect(key('BrowserForward', 'BrowserForward')).toBe(0x1008ff27)
    expect(key('BrowserRefresh', 'BrowserRefresh')).toBe(0x1008ff29)
    expect(key('LaunchMail', 'LaunchMail')).toBe(0x1008ff19)
    expect(key('BrightnessUp', '')).toBe(0x1008ff02)
    expect(key('Eject', 'Eject')).toBe(0x1008ff2c)
  })

  it('maps input-method keys (Japanese and Korean keyboards)', () => {
    expect(key('Convert', 'Convert')).toBe(0xff23)
    expect(key('NonConvert', 'NonConvert')).toBe(0xff22)
    expect(key('KanaMode', 'KanaMode')).toBe(0xff2e)
    expect(key('HangulMode', 'Lang1')).toBe(0xff31)
    expect(key('HanjaMode', 'Lang2')).toBe(0xff34)
    expect(key('ZenkakuHankaku', 'Backquote')).toBe(0xff2a)
  })

  it('does not send keys that have no keysym', () => {
    expect(key('Fn', 'Fn')).toBeNull()
    expect(key('FnLock', '')).toBeNull()
    expect(key('Dead', 'BracketLeft')).toBeNull()
    expect(key('Process', 'KeyA')).toBeNull()
  })

  it('does not confuse key names with Object.prototype members', () => {
    expect(key('constructor', '')).toBeNull()
    expect(key('toString', '')).toBeNull()
    expect(key('__proto__', '')).toBeNull()
  })
})

describe('keysymForKey: numeric keypad', () => {
  const kp = (k: string, code: string) => key(k, code, KeyLocation.Numpad)

  it('gives KP_ digits with NumLock on', () => {
    for (let d = 0; d <= 9; d++) expect(kp(String(d), `Numpad${d}`)).toBe(0xffb0 + d)
  })

  it('gives KP_ navigation keys with NumLock off', () => {
    expect(kp('Home', 'Numpad7')).toBe(0xff95)
    expect(kp('ArrowUp', 'Numpad8')).toBe(0xff97)
    expect(kp('PageUp', 'Numpad9')).toBe(0xff9a)
    expect(kp('ArrowLeft', 'Numpad4')).toBe(0xff96)
    expect(kp('Clear', 'Numpad5')).toBe(0xff9d)
    expect(kp('ArrowRight', 'Numpad6')).toBe(0xff98)
    expect(kp('End', 'Numpad1')).toBe(0xff9c)
    expect(kp('ArrowDown', 'Numpad2')).toBe(0xff99)
    expect(kp('PageDown', 'Numpad3')).toBe(0xff9b)
    expect(kp('Insert', 'Numpad0')).toBe(0xff9e)
    expect(kp('Delete', 'NumpadDecimal')).toBe(0xff9f)
  })

  it('gives KP_ operators, Enter and the decimal key whatever the locale prints', () => {
    expect(kp('+', 'NumpadAdd')).toBe(0xffab)
    expect(kp('-', 'NumpadSubtract')).toBe(0xffad)
    expect(kp('*', 'NumpadMultiply')).toBe(0xffaa)
    expect(kp('/', 'NumpadDivide')).toBe(0xffaf)
    expect(kp('Enter', 'NumpadEnter')).toBe(0xff8d)
    expect(kp('=', 'NumpadEqual')).toBe(0xffbd)
    expect(kp('.', 'NumpadDecimal')).toBe(0xffae)
    expect(kp(',', 'NumpadDecimal')).toBe(0xffae)
    expect(kp(',', 'NumpadComma')).toBe(0xffac)
  })

  it('keeps the main Enter and digits apart from the keypad ones', () => {
    expect(key('Enter', 'Enter')).toBe(0xff0d)
    expect(key('7', 'Digit7')).toBe(0x37)
  })
})

describe('keysymForCode: fallback when the browser cannot name the key', () => {
  it('uses the US layout for Unidentified keys', () => {
    expect(key('Unidentified', 'KeyQ')).toBe(0x71)
    expect(key('Unidentified', 'Digit5')).toBe(0x35)
    expect(key('Unidentified', 'Semicolon')).toBe(0x3b)
    expect(key('Unidentified', 'F7')).toBe(0xffc4)
    expect(key('Unidentified', 'Numpad3')).toBe(0xffb3)
    expect(key('Unidentified', 'IntlBackslash')).toBe(0x3c)
    expect(key('Unidentified', 'Lang1')).toBe(0xff31)
    expect(key('Unidentified', 'NoSuchKey')).toBeNull()
  })

  it('knows every code of a full PC keyboard', () => {
    const codes = [
      'Escape',
      'F1',
      'F2',
      'F3',
      'F4',
      'F5',
      'F6',
      'F7',
      'F8',
      'F9',
      'F10',
      'F11',
      'F12',
      'PrintScreen',
      'ScrollLock',
      'Pause',
      'Backquote',
      'Digit1',
      'Digit2',
      'Digit3',
      'Digit4',
      'Digit5',
      'Digit6',
      'Digit7',
      'Digit8',
      'Digit9',
      'Digit0',
      'Minus',
      'Equal',
      'Backspace',
      'Tab',
      'KeyQ',
      'KeyW',
      'KeyE',
      'KeyR',
      'KeyT',
      'KeyY',
      'KeyU',
      'KeyI',
      'KeyO',
      'KeyP',
      'BracketLeft',
      'BracketRight',
      'Backslash',
      'CapsLock',
      'KeyA',
      'KeyS',
      'KeyD',
      'KeyF',
      'KeyG',
      'KeyH',
      'KeyJ',
      'KeyK',
      'KeyL',
      'Semicolon',
      'Quote',
      'Enter',
      'ShiftLeft',
      'IntlBackslash',
      'KeyZ',
      'KeyX',
      'KeyC',
      'KeyV',
      'KeyB',
      'KeyN',
      'KeyM',
      'Comma',
      'Period',
      'Slash',
      'ShiftRight',
      'ControlLeft',
      'MetaLeft',
      'AltLeft',
      'Space',
      'AltRight',
      'MetaRight',
      'ContextMenu',
      'ControlRight',
      'Insert',
      'Home',
      'PageUp',
      'Delete',
      'End',
      'PageDown',
      'ArrowUp',
      'ArrowLeft',
      'ArrowDown',
      'ArrowRight',
      'NumLock',
      'NumpadDivide',
      'NumpadMultiply',
      'NumpadSubtract',
      'Numpad7',
      'Numpad8',
      'Numpad9',
      'NumpadAdd',
      'Numpad4',
      'Numpad5',
      'Numpad6',
      'Numpad1',
      'Numpad2',
      'Numpad3',
      'NumpadEnter',
      'Numpad0',
      'NumpadDecimal',
      // Mac extras
      'NumpadEqual',
      'F13',
      'F14',
      'F15',
      'F16',
      'F17',
      'F18',
      'F19',
      'F20',
      'IntlYen',
      'IntlRo',
      'Lang1',
      'Lang2',
    ]
    const missing = codes.filter((c) => keysymForCode(c) === null)
    expect(missing).toEqual([])
  })
})

describe('helpers', () => {
  it('recognises modifier keys', () => {
    expect(isModifierKey({ key: 'Shift', code: 'ShiftLeft', location: 1 })).toBe(true)
    expect(isModifierKey({ key: 'AltGraph', code: 'AltRight', location: 2 })).toBe(true)
    expect(isModifierKey({ key: 'a', code: 'KeyA', location: 0 })).toBe(false)
  })

  it('splits multi-character key output into keysyms', () => {
    expect(keysymsForText('لا')).toEqual([0x01000644, 0x01000627])
  })
})
