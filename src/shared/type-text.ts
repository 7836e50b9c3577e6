import { type TypingLayout, layoutKey } from './keyboard-layouts'

/**
 * Text typed as key events ("paste as keystrokes"), for consoles without a clipboard: each
 * character becomes the key presses that type it. With keysyms (every RFB server) the server
 * finds the key and adds Shift itself; with a layout (QEMU scancodes) we press the physical keys,
 * modifiers included, as the remote layout needs them. Shared so the renderer can say which
 * characters cannot be typed before anything is sent, and the host types exactly the same plan.
 */

/** At most this many characters are typed per request (UTF-16 units, as the request's limit counts). */
export const MAX_TYPED_TEXT = 65_536

/** Keysyms the plan names (X11 keysymdef.h). */
export const TYPING_KEYSYMS = { Tab: 0xff09, Return: 0xff0d, Shift_L: 0xffe1, ISO_Level3_Shift: 0xfe03, space: 0x20 } as const

/** One key event: the keysym, and the physical key (a DOM `code`) when typing as scancodes. */
export interface TypedKey {
  keysym: number
  down: boolean
  code?: string
}

/** A character that cannot be typed: itself, and where it is in the text (UTF-16 index). */
export interface UntypableChar {
  char: string
  index: number
}

/** What typing a text takes: one group of key events per character typed; `untypable` lists what cannot be typed (then nothing should be). */
export interface TypingPlan {
  strokes: TypedKey[][]
  untypable: UntypableChar[]
}

/**
 * The keysym for a printable character (one code point): Latin-1 keysyms equal their code
 * point, every other character has the Unicode keysym 0x01000000 + code point (X11R6.3). Null
 * for controls and lone surrogates, which no keysym types.
 */
export function printableKeysym(ch: string): number | null {
  const cp = ch.codePointAt(0)
  if (cp === undefined || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff)) return null
  return cp <= 0xff ? cp : 0x01000000 + cp
}

/** Newline and tab as the keys that type them; CR LF counts as one newline. */
function controlKeysym(ch: string): number | null {
  if (ch === '\n' || ch === '\r') return TYPING_KEYSYMS.Return
  if (ch === '\t') return TYPING_KEYSYMS.Tab
  return null
}

const CONTROL_CODES: Record<number, string> = { [TYPING_KEYSYMS.Return]: 'Enter', [TYPING_KEYSYMS.Tab]: 'Tab' }

function press(keysym: number, code?: string): TypedKey[] {
  const down: TypedKey = code ? { keysym, down: true, code } : { keysym, down: true }
  return [down, { ...down, down: false }]
}

/** The key events for one character on `layout`, or null when the layout has no key for it. */
function scancodeStrokes(layout: TypingLayout, ch: string, keysym: number): TypedKey[] | null {
  const control = CONTROL_CODES[keysym]
  if (control) return press(keysym, control)
  const k = layoutKey(layout, ch)
  if (!k) return null
  const mods: TypedKey[] = []
  if (k.shift) mods.push({ keysym: TYPING_KEYSYMS.Shift_L, down: true, code: 'ShiftLeft' })
  if (k.altGr) mods.push({ keysym: TYPING_KEYSYMS.ISO_Level3_Shift, down: true, code: 'AltRight' })
  const release = mods.map((m) => ({ ...m, down: false })).reverse()
  const strokes = [...mods, ...press(keysym, k.code), ...release]
  // A dead key waits for the next key; Space makes it type the accent itself.
  if (k.dead) strokes.push(...press(TYPING_KEYSYMS.space, 'Space'))
  return strokes
}

/**
 * Plans typing `text`: as keysyms when `layout` is absent (the server maps them to its keys),
 * else as the physical keys of that remote layout. Every character that cannot be typed is
 * listed in `untypable` (controls other than newline and tab, and characters the layout lacks).
 */
export function planTyping(text: string, layout?: TypingLayout): TypingPlan {
  const strokes: TypedKey[][] = []
  const untypable: UntypableChar[] = []
  let index = 0
  let afterCr = false
  for (const ch of text) {
    const at = index
    index += ch.length
    if (ch === '\n' && afterCr) {
      afterCr = false
      continue
    }
    afterCr = ch === '\r'
    const keysym = controlKeysym(ch) ?? printableKeysym(ch)
    const keys = keysym === null ? null : layout ? scancodeStrokes(layout, ch, keysym) : press(keysym)
    if (keys) strokes.push(keys)
    else untypable.push({ char: ch, index: at })
  }
  return { strokes, untypable }
}
