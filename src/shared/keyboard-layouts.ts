/**
 * Remote keyboard layouts for typing text as scancodes (QEMU Extended Key Events): which
 * physical key, with Shift or AltGr, gives each character on the remote computer's layout.
 * A scancode names a key, not a character, so the layout the remote system uses decides what
 * arrives; the user tells us which one that is. Keys are DOM `code` names (see scancodes.ts).
 */

/** The layouts text can be typed in as scancodes. */
export const TYPING_LAYOUTS = ['us', 'uk', 'de', 'fr'] as const

/** One of TYPING_LAYOUTS. */
export type TypingLayout = (typeof TYPING_LAYOUTS)[number]

/** How one character is typed: a key, the modifiers held with it, and whether it is a dead key (then Space makes it stand alone). */
export interface LayoutKey {
  code: string
  shift: boolean
  altGr: boolean
  dead: boolean
}

/** A row of keys and what each gives plain, with Shift and with AltGr; `·` means nothing, a dead key is marked in `dead`. */
interface Row {
  codes: readonly string[]
  plain: string
  shift: string
  altGr?: string
  /** Characters of this row that are dead keys on whichever level types them (they compose with the next key). */
  dead?: string
}

const NUMBER_ROW = ['Backquote', 'Digit1', 'Digit2', 'Digit3', 'Digit4', 'Digit5', 'Digit6', 'Digit7', 'Digit8', 'Digit9', 'Digit0', 'Minus', 'Equal']
const TOP_ROW = ['KeyQ', 'KeyW', 'KeyE', 'KeyR', 'KeyT', 'KeyY', 'KeyU', 'KeyI', 'KeyO', 'KeyP', 'BracketLeft', 'BracketRight']
// On ISO keyboards `Backslash` is the key left of Enter (# on UK and German keyboards).
const HOME_ROW = ['KeyA', 'KeyS', 'KeyD', 'KeyF', 'KeyG', 'KeyH', 'KeyJ', 'KeyK', 'KeyL', 'Semicolon', 'Quote', 'Backslash']
const BOTTOM_ROW = ['IntlBackslash', 'KeyZ', 'KeyX', 'KeyC', 'KeyV', 'KeyB', 'KeyN', 'KeyM', 'Comma', 'Period', 'Slash']
const US_BOTTOM_ROW = BOTTOM_ROW.slice(1)

/**
 * Each layout as Linux (XKB and the console's keymaps) defines it, since BIOS screens aside the
 * consoles typed into are mostly Linux: French AltGr+2 and AltGr+7 give ~ and ` at once there,
 * where Windows makes them dead keys.
 */
const ROWS: Record<TypingLayout, Row[]> = {
  us: [
    { codes: NUMBER_ROW, plain: '`1234567890-=', shift: '~!@#$%^&*()_+' },
    { codes: [...TOP_ROW, 'Backslash'], plain: 'qwertyuiop[]\\', shift: 'QWERTYUIOP{}|' },
    { codes: HOME_ROW.slice(0, 11), plain: "asdfghjkl;'", shift: 'ASDFGHJKL:"' },
    { codes: US_BOTTOM_ROW, plain: 'zxcvbnm,./', shift: 'ZXCVBNM<>?' },
  ],
  uk: [
    { codes: NUMBER_ROW, plain: '`1234567890-=', shift: '¬!"£$%^&*()_+', altGr: '¦···€········' },
    { codes: TOP_ROW, plain: 'qwertyuiop[]', shift: 'QWERTYUIOP{}', altGr: '··é···úíó···' },
    { codes: HOME_ROW, plain: "asdfghjkl;'#", shift: 'ASDFGHJKL:@~', altGr: 'á···········' },
    { codes: BOTTOM_ROW, plain: '\\zxcvbnm,./', shift: '|ZXCVBNM<>?' },
  ],
  de: [
    { codes: NUMBER_ROW, plain: '^1234567890ß´', shift: '°!"§$%&/()=?`', altGr: '··²³···{[]}\\·', dead: '^´`' },
    { codes: TOP_ROW, plain: 'qwertzuiopü+', shift: 'QWERTZUIOPÜ*', altGr: '@·€········~' },
    { codes: HOME_ROW, plain: 'asdfghjklöä#', shift: "ASDFGHJKLÖÄ'" },
    { codes: BOTTOM_ROW, plain: '<yxcvbnm,.-', shift: '>YXCVBNM;:_', altGr: '|······µ···' },
  ],
  fr: [
    { codes: NUMBER_ROW, plain: '²&é"\'(-è_çà)=', shift: '·1234567890°+', altGr: '··~#{[|`\\^@]}' },
    { codes: TOP_ROW, plain: 'azertyuiop^$', shift: 'AZERTYUIOP¨£', altGr: '··€·········', dead: '^¨' },
    { codes: HOME_ROW, plain: 'qsdfghjklmù*', shift: 'QSDFGHJKLM%µ' },
    { codes: BOTTOM_ROW, plain: '<wxcvbn,;:!', shift: '>WXCVBN?./§' },
  ],
}

const NONE = '·'

function buildLayout(rows: Row[]): Map<string, LayoutKey> {
  const keys = new Map<string, LayoutKey>()
  const put = (ch: string | undefined, code: string, shift: boolean, altGr: boolean, dead: boolean): void => {
    if (ch === undefined || ch === NONE) return
    const had = keys.get(ch)
    // The simplest way wins: plain before Shift before AltGr, and a key that types the character
    // alone before a dead key (FR has ^ both on a dead key and, with AltGr, on a live one).
    if (had && !(had.dead && !dead)) return
    keys.set(ch, { code, shift, altGr, dead })
  }
  for (const [level, pick] of [
    [0, (r: Row) => r.plain],
    [1, (r: Row) => r.shift],
    [2, (r: Row) => r.altGr ?? ''],
  ] as const) {
    for (const row of rows) {
      const chars = [...pick(row)]
      row.codes.forEach((code, i) => put(chars[i], code, level === 1, level === 2, chars[i] !== undefined && !!row.dead?.includes(chars[i])))
    }
  }
  keys.set(' ', { code: 'Space', shift: false, altGr: false, dead: false })
  return keys
}

const LAYOUTS = new Map<TypingLayout, Map<string, LayoutKey>>(TYPING_LAYOUTS.map((l) => [l, buildLayout(ROWS[l])]))

/** How `ch` (one character) is typed on `layout`, or null when that layout has no key for it. */
export function layoutKey(layout: TypingLayout, ch: string): LayoutKey | null {
  return LAYOUTS.get(layout)?.get(ch) ?? null
}
