import type { HostEvents, TypingState } from '@shared/contract'
import type { TypingLayout } from '@shared/keyboard-layouts'
import { type TypedKey, planTyping } from '@shared/type-text'
import { hostError } from './errors'

/** The pause after each character when the request names none: fast enough for text, slow enough for most consoles. */
export const DEFAULT_TYPING_DELAY_MS = 10
/** Progress events are sent at most this often while typing. */
export const TYPING_PROGRESS_MS = 100

/** What a typist needs of its session: whether keys can go out, and sending one. */
export interface TypingTarget {
  readonly id: string
  /** Connected and taking input; typing stops (`failed`) once this turns false. */
  canType(): boolean
  /** Whether the server takes scancodes, so a layout applies. */
  takesScancodes(): boolean
  key(keysym: number, down: boolean, code?: string): void
}

/**
 * Types text into sessions ("paste as keystrokes") from the host, so the pacing holds whatever
 * the renderer is doing: one character at a time with a pause after each, progress as
 * `session.typing` events, stoppable. One text per session at a time.
 */
export class TextTypists {
  private readonly running = new Map<string, { cancel: () => void }>()

  constructor(private readonly emit: (payload: HostEvents['session.typing']) => void) {}

  /**
   * Starts typing `text` into `target`; returns how many characters will be typed. Throws a
   * HostError, sending nothing, when the session types already or a character cannot be typed.
   */
  start(target: TypingTarget, text: string, layout?: TypingLayout, delayMs = DEFAULT_TYPING_DELAY_MS): { total: number } {
    if (this.running.has(target.id)) throw hostError('refused', 'HOST_TYPING_BUSY', 'this session is already typing a text')
    if (!target.canType()) throw hostError('closed', 'HOST_NOT_CONNECTED', 'the session is not connected')
    const scancodeLayout = layout && target.takesScancodes() ? layout : undefined
    const plan = planTyping(text, scancodeLayout)
    if (plan.untypable.length > 0) {
      const chars = [...new Set(plan.untypable.map((u) => describeChar(u.char)))].slice(0, 10).join(' ')
      const where = scancodeLayout ? `the ${scancodeLayout.toUpperCase()} layout` : 'key events'
      throw hostError('refused', 'HOST_TYPE_UNTYPABLE', `${where} cannot type ${plan.untypable.length} of these characters: ${chars}`)
    }
    const total = plan.strokes.length
    let typed = 0
    let timer: NodeJS.Timeout | null = null
    let lastReport = 0
    const report = (state: TypingState): void => {
      lastReport = Date.now()
      this.emit({ sessionId: target.id, typed, total, state })
    }
    const finish = (state: TypingState): void => {
      if (timer) clearTimeout(timer)
      this.running.delete(target.id)
      report(state)
    }
    const step = (): void => {
      timer = null
      if (!target.canType()) return finish('failed')
      // A character's key events go out together, so a stop never leaves Shift or AltGr held.
      for (const k of plan.strokes[typed] as TypedKey[]) target.key(k.keysym, k.down, k.code)
      typed++
      if (typed >= total) return finish('done')
      if (Date.now() - lastReport >= TYPING_PROGRESS_MS) report('typing')
      timer = setTimeout(step, delayMs)
    }
    this.running.set(target.id, { cancel: () => finish('cancelled') })
    report('typing')
    timer = setTimeout(step, 0)
    return { total }
  }

  /** Stops the session's typing after the character being typed; nothing when it types nothing. */
  cancel(sessionId: string): void {
    this.running.get(sessionId)?.cancel()
  }

  /** Stops every session's typing (the host shuts down). */
  cancelAll(): void {
    for (const r of [...this.running.values()]) r.cancel()
  }
}

/** A character as the error names it: itself when visible, else its code point. */
function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff) ? hex : `${ch} (${hex})`
}
