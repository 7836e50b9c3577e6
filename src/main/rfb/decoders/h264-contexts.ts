import { MAX_VIDEO_CONTEXTS, VideoFlag } from '@shared/ops'

/** Where a decoder context lives: its rect's position and size (community rfbproto, Open H.264). */
function keyOf(x: number, y: number, w: number, h: number): string {
  return `${x},${y},${w},${h}`
}

/**
 * The engine's view of a session's H.264 decoder contexts: one per rect position and size,
 * numbered 0..limit-1 so the renderer can keep its decoders in an array. Ids are handed out in
 * order; past the limit the least recently used context is dropped and its id given to the new
 * rect. A context that is new to its id always carries ResetContext, so the renderer never feeds
 * one stream's frames to another stream's decoder.
 */
export class H264Contexts {
  /** Key -> id, in use order (a Map keeps insertion order; a use moves the key to the end). */
  private readonly byKey = new Map<string, number>()
  private nextId = 0

  constructor(private readonly limit = MAX_VIDEO_CONTEXTS) {}

  /** Contexts alive now. */
  get size(): number {
    return this.byKey.size
  }

  /** Forgets every context (ResetAll, a new connection). */
  clear(): void {
    this.byKey.clear()
    this.nextId = 0
  }

  /**
   * The context of the rect and the flags its op must carry: ResetContext added when the id is
   * new to this rect (first use, or an evicted id reused).
   */
  use(x: number, y: number, w: number, h: number, flags: number): { context: number; flags: number } {
    const key = keyOf(x, y, w, h)
    const known = this.byKey.get(key)
    if (known !== undefined) {
      this.byKey.delete(key)
      this.byKey.set(key, known)
      return { context: known, flags }
    }
    let id: number
    if (this.nextId < this.limit) {
      id = this.nextId++
    } else {
      const [oldest, oldId] = this.byKey.entries().next().value as [string, number]
      this.byKey.delete(oldest)
      id = oldId
    }
    this.byKey.set(key, id)
    return { context: id, flags: flags | VideoFlag.ResetContext }
  }
}
