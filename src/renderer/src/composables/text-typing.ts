import type { HostApi, HostEvents, TypingState } from '@shared/contract'
import type { TypingLayout } from '@shared/keyboard-layouts'
import { MAX_TYPED_TEXT, type UntypableChar, planTyping } from '@shared/type-text'
import { onScopeDispose, readonly, ref } from 'vue'

/** Above this many characters the user confirms before typing starts (it can take minutes). */
export const CONFIRM_TYPING_ABOVE = 2000

/** The pauses after each key the dialog offers, in ms. */
export const TYPING_SPEEDS = { fast: 5, normal: 10, slow: 40 } as const

/** One of the offered pauses. */
export type TypingSpeed = keyof typeof TYPING_SPEEDS

/** Where a text stands: how many characters typed of how many, and whether it is still going. */
export interface TypingProgress {
  typed: number
  total: number
  state: TypingState
}

/** What is wrong with a text before anything is sent: too long, or characters that cannot be typed (up to 20, each once). */
export type TextProblem = { kind: 'tooLong'; max: number } | { kind: 'untypable'; chars: string[]; layout?: TypingLayout } | null

/**
 * Checks a text as the host will, so the dialog can say what cannot be typed before the user
 * starts: the layout applies only where the server takes scancodes.
 */
export function textProblem(text: string, layout: TypingLayout | undefined): TextProblem {
  if (text.length > MAX_TYPED_TEXT) return { kind: 'tooLong', max: MAX_TYPED_TEXT }
  const { untypable } = planTyping(text, layout)
  if (untypable.length === 0) return null
  const chars = [...new Set(untypable.map((u: UntypableChar) => visible(u.char)))].slice(0, 20)
  return layout ? { kind: 'untypable', chars, layout } : { kind: 'untypable', chars }
}

/** Controls and lone surrogates are named by code point; everything else as itself. */
function visible(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff) ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : ch
}

/** Roughly how long typing `count` characters takes at `delayMs` each, in whole seconds (at least 1). */
export function typingSeconds(count: number, delayMs: number): number {
  return Math.max(1, Math.round((count * (delayMs + 1)) / 1000))
}

/**
 * "Type text" for one session: starts and stops the host's typing and follows its
 * `session.typing` events. The host paces the keys, so a busy page does not change the rhythm.
 */
export function useTextTyping(api: HostApi, sessionId: () => string | null) {
  const progress = ref<TypingProgress | null>(null)
  const stopListening = api.on('session.typing', (e: HostEvents['session.typing']) => {
    if (e.sessionId === sessionId()) progress.value = { typed: e.typed, total: e.total, state: e.state }
  })
  onScopeDispose(stopListening)

  /** Starts typing; rejects with the host's error (nothing was typed then). */
  async function start(text: string, layout: TypingLayout | undefined, delayMs: number): Promise<void> {
    const id = sessionId()
    if (!id) throw new Error('no session')
    progress.value = null
    const arg: { sessionId: string; text: string; delayMs: number; layout?: TypingLayout } = { sessionId: id, text, delayMs }
    if (layout) arg.layout = layout
    const { total } = await api.request('session.typeText', arg)
    // Progress events can arrive before the answer (a short text may even be done): keep theirs.
    progress.value ??= { typed: 0, total, state: 'typing' }
  }

  /** Stops typing after the current character. */
  function stop(): void {
    const id = sessionId()
    if (id && progress.value?.state === 'typing') api.request('session.typeCancel', { sessionId: id }).catch(() => {})
  }

  return { progress: readonly(progress), start, stop }
}
