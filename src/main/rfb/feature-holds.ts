/**
 * Features holding the session's reader while their consumer catches up (a download waiting for
 * the disk): UltraVNC's hold until a promise settles, TightVNC's from `true` to `false` (one such
 * hold at a time). Nothing is parsed while any is held.
 */
export class FeatureHolds {
  private count = 0
  private manual = false

  constructor(
    /** The first hold began: stop reading. */
    private readonly hold: () => void,
    /** A hold ended (`last`: none is left): read and parse again. */
    private readonly released: (last: boolean) => void,
  ) {}

  /** True while any feature holds the reader. */
  get active(): boolean {
    return this.count > 0
  }

  add(until: Promise<unknown> | boolean): void {
    if (typeof until === 'boolean') {
      if (until === this.manual) return
      this.manual = until
      if (until) this.begin()
      else this.end()
      return
    }
    this.begin()
    until.then(
      () => this.end(),
      () => this.end(),
    )
  }

  private begin(): void {
    this.count++
    this.hold()
  }

  private end(): void {
    this.count--
    this.released(this.count === 0)
  }
}
