import type { FrameBatch } from '@shared/ops'
import { type PixelPacker, PixelRunEncoder } from '@shared/pixel-runs'
import type { ServerMessage } from '@shared/ws-codec'

/** Frames smaller than this are always tried: packing them costs little, and desktops' small updates pack well. */
export const MIN_SKIPPED_BYTES = 256 * 1024
/** Large frames of a session that must give up in a row before its next ones go unpacked. */
export const GIVE_UPS_BEFORE_SKIPPING = 3
/** Large frames sent without trying, after those give-ups, before packing is tried again. */
export const SKIPPED_FRAMES = 15
/** Sessions remembered per socket; the oldest is forgotten past this (sessions per tab are few). */
const MAX_SESSIONS = 64

/** One session's recent luck with large frames. */
interface Streak {
  giveUps: number
  skip: number
}

/**
 * A socket's pixel-runs packer that stops trying for a session whose large frames do not pack.
 * Full-screen motion never packs, and finding that out cost 1-3 ms of every 8 MB update
 * (docs/performance.md): after {@link GIVE_UPS_BEFORE_SKIPPING} give-ups in a row, the next
 * {@link SKIPPED_FRAMES} large frames go plain untried, then one is tried again. A try that packs
 * ends the streak, so a desktop that stops moving packs again within a few frames.
 */
export class FramePacker implements PixelPacker {
  private readonly encoder = new PixelRunEncoder()
  private readonly sessions = new Map<string, Streak>()
  private current: Streak | null = null

  /** This packer, set for message `m`: a session frame's pixels count for its session. */
  for(m: ServerMessage): this {
    this.current = m.type === 'event' && m.name === 'session.frame' ? this.streakOf((m.payload as FrameBatch).sessionId) : null
    return this
  }

  pack(words: Uint32Array): Uint8Array | null {
    const s = this.current
    if (!s || words.length * 4 < MIN_SKIPPED_BYTES) return this.encoder.pack(words)
    if (s.skip > 0) {
      s.skip--
      return null
    }
    const packed = this.encoder.pack(words)
    if (packed) s.giveUps = 0
    else if (++s.giveUps >= GIVE_UPS_BEFORE_SKIPPING) s.skip = SKIPPED_FRAMES
    return packed
  }

  private streakOf(sessionId: string): Streak {
    let s = this.sessions.get(sessionId)
    if (s) return s
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!)
    s = { giveUps: 0, skip: 0 }
    this.sessions.set(sessionId, s)
    return s
  }
}
