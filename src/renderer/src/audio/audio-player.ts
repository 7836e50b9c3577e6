/** How far ahead of the audio clock a chunk starts after a gap: room for the next one to arrive. */
const LEAD_S = 0.04
/**
 * The most audio scheduled ahead of what is heard. A chunk that would end later is dropped, so a
 * page that falls behind (or a burst after a stall) never turns into growing delay.
 */
export const MAX_LATENCY_S = 0.2

/** What the stats overlay shows of one session's sound. */
export interface AudioPlayerStats {
  channels: number
  rate: number
  /** Frames handed to Web Audio to play. */
  playedFrames: number
  /** Times the audio ran dry and restarted (a gap was heard). */
  underruns: number
  /** Frames dropped here: over the latency cap, or while the page may not play sound yet. */
  droppedFrames: number
  /** The page may not play sound until the user clicks or presses a key (autoplay rules). */
  blocked: boolean
}

/**
 * One session's sound, played with Web Audio: each chunk of signed 16-bit little-endian frames
 * becomes an AudioBuffer scheduled right after the previous one, through a gain (volume, mute)
 * and an analyser (the level the stats show). A plain object, never reactive.
 */
export class AudioPlayer {
  readonly stats: AudioPlayerStats = { channels: 0, rate: 0, playedFrames: 0, underruns: 0, droppedFrames: 0, blocked: false }
  private ctx: AudioContext | null = null
  private gain: GainNode | null = null
  private analyser: AnalyserNode | null = null
  private levelBuffer: Float32Array<ArrayBuffer> | null = null
  private next = 0
  private volume = 1
  private muted = false
  private readonly unlock = (): void => void this.ctx?.resume().catch(() => {})

  /** Plays `samples` (whole frames of `channels` samples at `rate` Hz) after what is already scheduled. */
  push(samples: Uint8Array, channels: number, rate: number): void {
    const frames = Math.floor(samples.byteLength / (2 * channels))
    if (frames === 0 || channels < 1 || channels > 2 || rate < 1000 || rate > 192_000) return
    this.stats.channels = channels
    this.stats.rate = rate
    const ctx = this.context()
    if (!ctx || ctx.state !== 'running') {
      this.stats.blocked = ctx?.state === 'suspended'
      this.stats.droppedFrames += frames
      return
    }
    this.stats.blocked = false
    const now = ctx.currentTime
    if (this.next < now) {
      if (this.stats.playedFrames > 0) this.stats.underruns++
      this.next = now + LEAD_S
    }
    const duration = frames / rate
    if (this.next + duration - now > MAX_LATENCY_S) {
      this.stats.droppedFrames += frames
      return
    }
    const buffer = ctx.createBuffer(channels, frames, rate)
    const view = new DataView(samples.buffer, samples.byteOffset, frames * 2 * channels)
    for (let c = 0; c < channels; c++) {
      const out = buffer.getChannelData(c)
      for (let i = 0; i < frames; i++) out[i] = view.getInt16((i * channels + c) * 2, true) / 32768
    }
    const source = ctx.createBufferSource()
    source.buffer = buffer
    source.connect(this.gain!)
    source.start(this.next)
    this.next += duration
    this.stats.playedFrames += frames
  }

  /** Volume 0-1 and mute; take effect at once on what is playing. */
  setVolume(volume: number, muted: boolean): void {
    this.volume = Math.min(1, Math.max(0, volume))
    this.muted = muted
    if (this.gain) this.gain.gain.value = this.muted ? 0 : this.volume
  }

  /** The loudest sample leaving the gain just now, 0-1 (0 when muted). */
  level(): number {
    if (!this.analyser || !this.levelBuffer) return 0
    this.analyser.getFloatTimeDomainData(this.levelBuffer)
    let peak = 0
    for (const v of this.levelBuffer) peak = Math.max(peak, Math.abs(v))
    return Math.min(1, peak)
  }

  /** Seconds of sound scheduled and not yet heard (never more than {@link MAX_LATENCY_S}). */
  ahead(): number {
    return this.ctx ? Math.max(0, this.next - this.ctx.currentTime) : 0
  }

  /** Stops the sound and lets the audio device go. */
  close(): void {
    removeEventListener('pointerdown', this.unlock, true)
    removeEventListener('keydown', this.unlock, true)
    void this.ctx?.close().catch(() => {})
    this.ctx = null
  }

  private context(): AudioContext | null {
    if (this.ctx) return this.ctx
    if (typeof AudioContext === 'undefined') return null
    const ctx = new AudioContext({ latencyHint: 'interactive' })
    this.gain = ctx.createGain()
    this.analyser = ctx.createAnalyser()
    this.analyser.fftSize = 2048
    this.levelBuffer = new Float32Array(this.analyser.fftSize)
    this.gain.connect(this.analyser).connect(ctx.destination)
    this.ctx = ctx
    this.setVolume(this.volume, this.muted)
    // Browsers start a page's audio suspended until the user interacts (autoplay rules).
    addEventListener('pointerdown', this.unlock, true)
    addEventListener('keydown', this.unlock, true)
    return ctx
  }
}
