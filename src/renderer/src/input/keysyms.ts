/**
 * Browser KeyboardEvent → X11 keysym (the RFB KeyEvent's key field, RFC 6143 §7.5.4).
 *
 * Order of lookup, as the UI Events spec intends `key` and `code` to be used:
 *   1. modifiers and the numeric keypad, where `location` (left/right/numpad) matters;
 *   2. named keys by `key` ("Enter", "F5", "AudioVolumeMute", ...);
 *   3. a produced character: Latin-1 maps to itself, anything else to 0x01000000 + code point;
 *   4. `code` as a US keyboard would produce it, for keys the browser calls "Unidentified".
 * Values come from X11's keysymdef.h and XF86keysym.h.
 */

import { printableKeysym } from '@shared/type-text'

/** Where a key sits, as KeyboardEvent.location says. */
export const enum KeyLocation {
  Standard = 0,
  Left = 1,
  Right = 2,
  Numpad = 3,
}

/** The fields of a KeyboardEvent the mapping reads. */
export interface KeyIdentity {
  key: string
  code: string
  location: number
}

/** Keysyms other modules name directly. */
export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Escape: 0xff1b,
  Delete: 0xffff,
  Print: 0xff61,
  Shift_L: 0xffe1,
  Shift_R: 0xffe2,
  Control_L: 0xffe3,
  Control_R: 0xffe4,
  Caps_Lock: 0xffe5,
  Meta_L: 0xffe7,
  Alt_L: 0xffe9,
  Alt_R: 0xffea,
  Super_L: 0xffeb,
  Super_R: 0xffec,
  ISO_Level3_Shift: 0xfe03,
  Num_Lock: 0xff7f,
  F1: 0xffbe,
} as const

/** F1..F35 are consecutive. */
export function functionKeysym(n: number): number {
  return XK.F1 + n - 1
}

// Maps, not plain objects: a `key` such as "constructor" must not find Object.prototype.
function table<T>(entries: Record<string, T>): Map<string, T> {
  return new Map(Object.entries(entries))
}

// Modifiers: [left, right]; a key without a side (location 0) gets the left one.
const MODIFIERS = table<[number, number]>({
  Shift: [0xffe1, 0xffe2],
  Control: [0xffe3, 0xffe4],
  Alt: [0xffe9, 0xffea],
  // Windows/Command key: Super is what X desktops bind, as noVNC and TigerVNC send.
  Meta: [0xffeb, 0xffec],
  OS: [0xffeb, 0xffec],
  Super: [0xffeb, 0xffec],
  Hyper: [0xffed, 0xffee],
})

// Numeric keypad by `key`, so NumLock on gives KP_7 and off gives KP_Home, as the user sees.
const NUMPAD = table<number>({
  '0': 0xffb0,
  '1': 0xffb1,
  '2': 0xffb2,
  '3': 0xffb3,
  '4': 0xffb4,
  '5': 0xffb5,
  '6': 0xffb6,
  '7': 0xffb7,
  '8': 0xffb8,
  '9': 0xffb9,
  '*': 0xffaa,
  '+': 0xffab,
  '-': 0xffad,
  '/': 0xffaf,
  '=': 0xffbd,
  Enter: 0xff8d,
  Home: 0xff95,
  ArrowLeft: 0xff96,
  ArrowUp: 0xff97,
  ArrowRight: 0xff98,
  ArrowDown: 0xff99,
  PageUp: 0xff9a,
  PageDown: 0xff9b,
  End: 0xff9c,
  Clear: 0xff9d,
  Insert: 0xff9e,
  Delete: 0xff9f,
})

/** Named `key` values (https://www.w3.org/TR/uievents-key/) to keysyms. */
const NAMED = table<number>({
  // Editing and whitespace
  Backspace: 0xff08,
  Tab: 0xff09,
  Enter: 0xff0d,
  Escape: 0xff1b,
  Delete: 0xffff,
  Insert: 0xff63,
  Clear: 0xff0b,
  Undo: 0xff65,
  Redo: 0xff66,
  Again: 0xff66,
  Find: 0xff68,
  Cancel: 0xff69,
  Help: 0xff6a,
  Select: 0xff60,
  Execute: 0xff62,
  Print: 0xff61,
  Attn: 0xfd0e,
  CrSel: 0xfd1c,
  ExSel: 0xfd1d,
  EraseEof: 0xfd06,
  Play: 0xfd16,
  Compose: 0xff20,
  // Navigation
  Home: 0xff50,
  ArrowLeft: 0xff51,
  ArrowUp: 0xff52,
  ArrowRight: 0xff53,
  ArrowDown: 0xff54,
  PageUp: 0xff55,
  PageDown: 0xff56,
  End: 0xff57,
  // Locks and system
  CapsLock: 0xffe5,
  NumLock: 0xff7f,
  ScrollLock: 0xff14,
  Pause: 0xff13,
  PrintScreen: 0xff61,
  ContextMenu: 0xff67,
  AltGraph: 0xfe03,
  // Input method keys (Japanese, Korean, layout groups)
  Convert: 0xff23,
  NonConvert: 0xff22,
  KanaMode: 0xff2e,
  KanjiMode: 0xff21,
  Romaji: 0xff24,
  Hiragana: 0xff25,
  Katakana: 0xff26,
  HiraganaKatakana: 0xff27,
  Zenkaku: 0xff28,
  Hankaku: 0xff29,
  ZenkakuHankaku: 0xff2a,
  Eisu: 0xff2f,
  HangulMode: 0xff31,
  HanjaMode: 0xff34,
  JunjaMode: 0xff38,
  CodeInput: 0xff37,
  SingleCandidate: 0xff3c,
  AllCandidates: 0xff3d,
  PreviousCandidate: 0xff3e,
  ModeChange: 0xff7e,
  GroupNext: 0xfe08,
  GroupPrevious: 0xfe0a,
  GroupFirst: 0xfe0c,
  GroupLast: 0xfe0e,
  // Media and application keys (XF86keysym.h)
  BrightnessUp: 0x1008ff02,
  BrightnessDown: 0x1008ff03,
  Standby: 0x1008ff10,
  AudioVolumeDown: 0x1008ff11,
  AudioVolumeMute: 0x1008ff12,
  AudioVolumeUp: 0x1008ff13,
  MediaPlayPause: 0x1008ff14,
  MediaPlay: 0x1008ff14,
  MediaStop: 0x1008ff15,
  MediaTrackPrevious: 0x1008ff16,
  MediaTrackNext: 0x1008ff17,
  BrowserHome: 0x1008ff18,
  LaunchMail: 0x1008ff19,
  BrowserSearch: 0x1008ff1b,
  MediaRecord: 0x1008ff1c,
  LaunchCalculator: 0x1008ff1d,
  LaunchCalendar: 0x1008ff20,
  BrowserBack: 0x1008ff26,
  BrowserForward: 0x1008ff27,
  BrowserStop: 0x1008ff28,
  BrowserRefresh: 0x1008ff29,
  Power: 0x1008ff2a,
  PowerOff: 0x1008ff2a,
  WakeUp: 0x1008ff2b,
  Eject: 0x1008ff2c,
  LaunchScreenSaver: 0x1008ff2d,
  LaunchWebBrowser: 0x1008ff2e,
  Sleep: 0x1008ff2f,
  BrowserFavorites: 0x1008ff30,
  MediaPause: 0x1008ff31,
  LaunchMediaPlayer: 0x1008ff32,
  LaunchMyComputer: 0x1008ff33,
  LaunchApplication1: 0x1008ff33,
  LaunchApplication2: 0x1008ff1d,
  MediaRewind: 0x1008ff3e,
  Close: 0x1008ff56,
  Copy: 0x1008ff57,
  Cut: 0x1008ff58,
  LogOff: 0x1008ff61,
  New: 0x1008ff68,
  Open: 0x1008ff6b,
  Paste: 0x1008ff6d,
  MailReply: 0x1008ff72,
  Save: 0x1008ff77,
  MailSend: 0x1008ff7b,
  SpellCheck: 0x1008ff7c,
  ZoomIn: 0x1008ff8b,
  ZoomOut: 0x1008ff8c,
  MailForward: 0x1008ff90,
  LaunchMusicPlayer: 0x1008ff92,
  MediaFastForward: 0x1008ff97,
  Hibernate: 0x1008ffa8,
  MicrophoneVolumeMute: 0x1008ffb2,
})
for (let n = 1; n <= 35; n++) NAMED.set(`F${n}`, functionKeysym(n))

/** Keys that have no keysym and are never sent (they only change what other keys produce). */
const NEVER_SENT = new Set(['Fn', 'FnLock', 'Symbol', 'SymbolLock', 'Process', 'Unidentified', 'Dead']) // i18n-exempt: KeyboardEvent.key values

// `code` → what a US keyboard produces unshifted, for "Unidentified" keys and synthesised events.
const CODE_CHARS = table<string>({
  Backquote: '`',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Space: ' ',
  IntlBackslash: '<',
  IntlRo: '\\',
  IntlYen: '\u00a5',
})
for (let i = 0; i < 26; i++) CODE_CHARS.set(`Key${String.fromCharCode(65 + i)}`, String.fromCharCode(97 + i))
for (let i = 0; i < 10; i++) CODE_CHARS.set(`Digit${i}`, String(i))

// `code` → named key, for physical keys whose `key` the browser could not name.
const CODE_NAMED = table<number>({
  Enter: 0xff0d,
  Tab: 0xff09,
  Backspace: 0xff08,
  Escape: 0xff1b,
  Delete: 0xffff,
  Insert: 0xff63,
  Home: 0xff50,
  End: 0xff57,
  PageUp: 0xff55,
  PageDown: 0xff56,
  ArrowLeft: 0xff51,
  ArrowUp: 0xff52,
  ArrowRight: 0xff53,
  ArrowDown: 0xff54,
  CapsLock: 0xffe5,
  NumLock: 0xff7f,
  ScrollLock: 0xff14,
  Pause: 0xff13,
  PrintScreen: 0xff61,
  ContextMenu: 0xff67,
  ShiftLeft: 0xffe1,
  ShiftRight: 0xffe2,
  ControlLeft: 0xffe3,
  ControlRight: 0xffe4,
  AltLeft: 0xffe9,
  AltRight: 0xffea,
  MetaLeft: 0xffeb,
  MetaRight: 0xffec,
  OSLeft: 0xffeb,
  OSRight: 0xffec,
  Numpad0: 0xffb0,
  Numpad1: 0xffb1,
  Numpad2: 0xffb2,
  Numpad3: 0xffb3,
  Numpad4: 0xffb4,
  Numpad5: 0xffb5,
  Numpad6: 0xffb6,
  Numpad7: 0xffb7,
  Numpad8: 0xffb8,
  Numpad9: 0xffb9,
  NumpadDecimal: 0xffae,
  NumpadComma: 0xffac,
  NumpadAdd: 0xffab,
  NumpadSubtract: 0xffad,
  NumpadMultiply: 0xffaa,
  NumpadDivide: 0xffaf,
  NumpadEnter: 0xff8d,
  NumpadEqual: 0xffbd,
  // Korean and Japanese keys: Lang1/2 are Hangul/Hanja, Lang3-5 Katakana/Hiragana/Zenkaku.
  Lang1: 0xff31,
  Lang2: 0xff34,
  Lang3: 0xff26,
  Lang4: 0xff25,
  Lang5: 0xff2a,
  Convert: 0xff23,
  NonConvert: 0xff22,
  KanaMode: 0xff2e,
  AudioVolumeMute: 0x1008ff12,
  AudioVolumeDown: 0x1008ff11,
  AudioVolumeUp: 0x1008ff13,
  MediaPlayPause: 0x1008ff14,
  MediaStop: 0x1008ff15,
  MediaTrackPrevious: 0x1008ff16,
  MediaTrackNext: 0x1008ff17,
  MediaSelect: 0x1008ff32,
  LaunchMail: 0x1008ff19,
  LaunchApp1: 0x1008ff33,
  LaunchApp2: 0x1008ff1d,
  BrowserBack: 0x1008ff26,
  BrowserForward: 0x1008ff27,
  BrowserRefresh: 0x1008ff29,
  BrowserStop: 0x1008ff28,
  BrowserSearch: 0x1008ff1b,
  BrowserFavorites: 0x1008ff30,
  BrowserHome: 0x1008ff18,
  Power: 0x1008ff2a,
  Sleep: 0x1008ff2f,
  WakeUp: 0x1008ff2b,
  Eject: 0x1008ff2c,
  Help: 0xff6a,
  Undo: 0xff65,
  Again: 0xff66,
  Find: 0xff68,
  Copy: 0x1008ff57,
  Cut: 0x1008ff58,
  Paste: 0x1008ff6d,
  Open: 0x1008ff6b,
  Select: 0xff60,
})
for (let n = 1; n <= 24; n++) CODE_NAMED.set(`F${n}`, functionKeysym(n))

/**
 * The keysym for one Unicode character (one code point): Latin-1 keysyms equal their code
 * point; every other character has the Unicode keysym 0x01000000 + code point (X11 since R6.3).
 * C0 controls that browsers report for some keys map to their function keys.
 */
export function keysymForChar(ch: string): number | null {
  const cp = ch.codePointAt(0)
  if (cp === undefined) return null
  switch (cp) {
    case 0x08:
      return XK.BackSpace
    case 0x09:
      return XK.Tab
    case 0x0a:
    case 0x0d:
      return XK.Return
    case 0x1b:
      return XK.Escape
    case 0x7f:
      return XK.Delete
  }
  return printableKeysym(ch)
}

/** True when `key` is exactly one code point (a character the key produced). */
export function isSingleChar(key: string): boolean {
  const cp = key.codePointAt(0)
  return cp !== undefined && key.length === (cp > 0xffff ? 2 : 1)
}

/** True for `key` values that name a key ("Enter", "F5", "Unidentified") rather than text. */
export function isNamedKey(key: string): boolean {
  return /^[A-Z][A-Za-z0-9]+$/.test(key)
}

/** The keysym `code` gives on a US layout, or null; for keys whose `key` says nothing. */
export function keysymForCode(code: string): number | null {
  const named = CODE_NAMED.get(code)
  if (named !== undefined) return named
  const ch = CODE_CHARS.get(code)
  return ch === undefined ? null : keysymForChar(ch)
}

/** True for keys whose only job is to modify others (they are tracked, never auto-released). */
export function isModifierKey(k: KeyIdentity): boolean {
  return MODIFIERS.has(k.key) || k.key === 'AltGraph' || k.key === 'CapsLock' || /^(Shift|Control|Alt|Meta|OS)(Left|Right)$/.test(k.code)
}

/**
 * The keysym for a key event, or null when the key has none (Fn, a dead key, IME processing).
 * Dead keys are left to the caller: the character they compose arrives with the next key.
 */
export function keysymForKey(k: KeyIdentity): number | null {
  const { key, code, location } = k
  if (key === 'Dead' || key === 'Process') return null

  const mod = MODIFIERS.get(key)
  if (mod) return location === KeyLocation.Right ? mod[1] : mod[0]

  if (location === KeyLocation.Numpad) {
    // Decimal and comma keys print the locale's separator; what matters is which key it is.
    if (code === 'NumpadDecimal' && (key === '.' || key === ',')) return 0xffae
    if (code === 'NumpadComma' && (key === '.' || key === ',')) return 0xffac
    const kp = NUMPAD.get(key)
    if (kp !== undefined) return kp
  }

  const named = NAMED.get(key)
  if (named !== undefined) return named

  if (isSingleChar(key)) {
    const sym = keysymForChar(key)
    if (sym !== null) return sym
  }

  // Several characters from one key (ligature keys): the caller types them one by one.
  if (key !== '' && !isNamedKey(key)) return null
  if (NEVER_SENT.has(key) && key !== 'Unidentified') return null
  return keysymForCode(code)
}

/** Keysyms for text that one key produced as several code points (ligature keys). */
export function keysymsForText(text: string): number[] {
  const out: number[] = []
  for (const ch of text) {
    const sym = keysymForChar(ch)
    if (sym !== null) out.push(sym)
  }
  return out
}

/** One key of a special-key combination sent from the menu: keysym plus the physical code. */
export interface ComboKey {
  keysym: number
  code: string
}

/** The special key combinations the session menu offers, pressed in order, released in reverse. */
export const SPECIAL_COMBOS: Record<string, { label: string; keys: ComboKey[] }> = {
  ctrlAltDel: {
    label: 'Ctrl+Alt+Del',
    keys: [
      { keysym: XK.Control_L, code: 'ControlLeft' },
      { keysym: XK.Alt_L, code: 'AltLeft' },
      { keysym: XK.Delete, code: 'Delete' },
    ],
  },
  ctrlEsc: {
    label: 'Ctrl+Esc',
    keys: [
      { keysym: XK.Control_L, code: 'ControlLeft' },
      { keysym: XK.Escape, code: 'Escape' },
    ],
  },
  altTab: {
    label: 'Alt+Tab',
    keys: [
      { keysym: XK.Alt_L, code: 'AltLeft' },
      { keysym: XK.Tab, code: 'Tab' },
    ],
  },
  altF4: {
    label: 'Alt+F4',
    keys: [
      { keysym: XK.Alt_L, code: 'AltLeft' },
      { keysym: functionKeysym(4), code: 'F4' },
    ],
  },
  printScreen: { label: 'Print Screen', keys: [{ keysym: XK.Print, code: 'PrintScreen' }] }, // i18n-exempt: fallback, the menu shows session.combo.*
  super: { label: 'Super (Windows key)', keys: [{ keysym: XK.Super_L, code: 'MetaLeft' }] }, // i18n-exempt: fallback, the menu shows session.combo.*
}
