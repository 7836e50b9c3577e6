/**
 * Features holding the session's reader while their consumer catches up (a download waiting for
 * the disk). UltraVNC's hold lasts until a promise settles and stops parsing as well as reading;
 * TightVNC's runs from `true` to `false` and stops reading only (what is buffered is still parsed,
 * as its download expects).
 */
export class FeatureHolds {
  private parsing = 0
  private manual = false

  constructor(
    /** A hold began: stop reading. */
    private readonly hold: () => void,
    /** A hold ended (`last`: none is left): read and parse again. */
    private readonly released: (last: boolean) => void,
  ) {}

  /** True while parsing must wait (a promise hold). */
  get parsingHeld(): boolean {
    return this.parsing > 0
  }

  /** True while any feature holds the reader: waiting for bytes then is ours, not a stalled server. */
  get active(): boolean {
    return this.parsing > 0 || this.manual
  }

  add(until: Promise<unknown> | boolean): void {
    if (typeof until === 'boolean') {
      if (until === this.manual) return
      this.manual = until
      if (until) this.hold()
      else this.released(!this.active)
      return
    }
    this.parsing++
    this.hold()
    const end = (): void => {
      this.parsing--
      this.released(!this.active)
    }
    until.then(end, end)
  }
}
