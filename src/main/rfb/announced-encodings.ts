import { Encoding } from '@shared/encodings'

interface Announcement {
  readonly encodings: ReadonlySet<number>
  /**
   * Updates the server may still send under this list after a later one was sent; Infinity
   * while only the server's EndOfContinuousUpdates can tell (continuous updates).
   */
  owed: number
}

/**
 * Which rect encodings the server may use now: those of our last SetEncodings, and for a while
 * the earlier lists too. A rect in anything else is a protocol error (issue 12: a server must not
 * make us decode what we never asked for, such as PNG or JPEG images).
 *
 * The window after a change (RFC 6143 §7.5.2: the client may send SetEncodings at any time, and
 * the server reads client messages in order): an update the server began before it read the new
 * list may still use an old one. Without continuous updates the server sends an update in answer
 * to a FramebufferUpdateRequest, and one answering a request sent after the new list was composed
 * after reading it. So when a list is sent with `n` requests unanswered, at most the next `n`
 * updates can follow an older list. We allow one more, for servers that send an update nobody
 * asked for (QEMU's LED state); a server that merges requests sends fewer updates, which only
 * keeps an old list a little longer. With continuous updates, UpdateFlow stops, changes and
 * restarts, and the server's EndOfContinuousUpdates marks the switch ({@link applied}); until
 * then the older lists stay allowed.
 *
 * Raw is always allowed (§7.5.2: "pixel data may always be sent in raw encoding").
 */
export class AnnouncedEncodings {
  /** Oldest first; the last is the current list. */
  private lists: Announcement[] = []

  /**
   * A SetEncodings was sent with `unanswered` update requests outstanding, or Infinity while the
   * server pushes updates (then {@link applied} follows at its EndOfContinuousUpdates).
   */
  announced(encodings: readonly number[], unanswered: number): void {
    const owed = unanswered + 1
    for (const a of this.lists) a.owed = Math.min(a.owed, owed)
    this.lists.push({ encodings: new Set(encodings), owed: Infinity })
  }

  /**
   * The server's EndOfContinuousUpdates marked where the oldest list still waiting for it
   * applies: the lists before it are owed at most the answers to `unanswered` requests.
   */
  applied(unanswered: number): void {
    const last = this.lists.length - 1
    for (let i = 0; i < last; i++) {
      if (this.lists[i].owed === Infinity) {
        this.lists[i].owed = unanswered + 1
        return
      }
    }
  }

  /** An update begins: older lists owed nothing go; the rest may cover this one, one fewer to come. */
  updateStarted(): void {
    const last = this.lists.length - 1
    this.lists = this.lists.filter((a, i) => i === last || a.owed > 0)
    for (let i = 0; i < this.lists.length - 1; i++) this.lists[i].owed--
  }

  /** Whether a rect in `encoding` may arrive now. */
  allows(encoding: number): boolean {
    if (encoding === Encoding.Raw) return true
    for (const a of this.lists) if (a.encodings.has(encoding)) return true
    return false
  }
}
