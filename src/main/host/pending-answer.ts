/**
 * One question a session puts to the user (a password, a certificate, an SSH host key): the
 * engine awaits `ask()`, the renderer's reply arrives through `answer()`, and closing the session
 * settles it with `release()`. There is no timer here: the engine pauses its handshake deadline
 * while a person thinks (see rfb/session.ts), and the session's close is what ends the wait.
 */
export class PendingAnswer<T> {
  private settle: ((value: T) => void) | null = null

  /**
   * @param unanswered what a waiting question gets when the session closes under it
   * @param notWaiting the error for an answer nobody is waiting for (the renderer is shown it)
   */
  constructor(
    private readonly unanswered: T,
    private readonly notWaiting: () => Error,
  ) {}

  /** True while a question waits for its answer. */
  get waiting(): boolean {
    return this.settle !== null
  }

  /**
   * Waits for the user's answer. Questions come one at a time; should a second be asked while
   * one waits, the second takes its place and the first is never settled.
   */
  ask(): Promise<T> {
    return new Promise<T>((resolve) => (this.settle = resolve))
  }

  /** Hands the user's answer to the waiting question; throws `notWaiting()` when none waits. */
  answer(value: T): void {
    const settle = this.settle
    if (!settle) throw this.notWaiting()
    this.settle = null
    settle(value)
  }

  /** Settles a waiting question with the `unanswered` value; does nothing when none waits. */
  release(): void {
    const settle = this.settle
    this.settle = null
    settle?.(this.unanswered)
  }
}
