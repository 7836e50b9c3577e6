import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue'
import { useHost } from '../host'
import { AudioPlayer, type AudioPlayerStats } from '../audio/audio-player'

/** What a session view shows of its sound: the player's numbers, the host's drops and the output level. */
export interface SessionAudioStats extends AudioPlayerStats {
  /** Frames the host dropped because this page was behind. */
  hostDropped: number
  /** The loudest sample leaving the volume control lately, 0-1. */
  level: number
  /** Seconds scheduled ahead of what is heard. */
  ahead: number
}

const STORE_PREFIX = 'tessera.audio.'
const STATS_INTERVAL_MS = 500

interface AudioSetting {
  muted: boolean
  volume: number
}

/** Mute and volume as last set for `key` (a saved connection, or the address typed), in this browser's storage; null when never set. */
function remembered(key: string | null): AudioSetting | null {
  try {
    const v = key ? (JSON.parse(localStorage.getItem(STORE_PREFIX + key) ?? 'null') as { muted?: unknown; volume?: unknown } | null) : null
    if (!v) return null
    const volume = typeof v.volume === 'number' && v.volume >= 0 && v.volume <= 1 ? v.volume : 1
    return { muted: v.muted === true, volume }
  } catch {
    return null
  }
}

function remember(key: string, s: AudioSetting): void {
  try {
    localStorage.setItem(STORE_PREFIX + key, JSON.stringify(s))
  } catch {
    // Storage may be full or off: the setting then lasts for this session only.
  }
}

/**
 * One session's sound: plays the host's `session.audio` events for `sessionId`, acknowledges
 * each, and keeps mute and volume per connection (`key`); mute also stops the server's stream.
 * `active` turns true with the first sound or once the server `offered` it: a session muted from
 * the start hears nothing and must still show the button that unmutes it.
 */
export function useSessionAudio(sessionId: () => string | null, key: () => string | null, offered: () => boolean = () => false) {
  const { api } = useHost()
  const player = new AudioPlayer()
  const heard = ref(false)
  const active = computed(() => heard.value || offered())
  const muted = ref(false)
  const volume = ref(1)
  const stats = shallowRef<SessionAudioStats | null>(null)
  let hostDropped = 0

  // What was read for the current key: the user changed the setting in this session when it differs.
  let loaded: AudioSetting = { muted: false, volume: 1 }
  watch(
    [key, sessionId] as const,
    ([k, id], old) => {
      const [oldKey, oldId] = old ?? [null, null]
      if (old && k === oldKey) return
      const current = { muted: muted.value, volume: volume.value }
      const changedHere = current.muted !== loaded.muted || current.volume !== loaded.volume
      // The same session under a new key: its typed address has become a saved connection (or was
      // one). The session's setting goes along when the user set it here or the connection has
      // none yet; else the connection's own wins.
      if (k && oldKey && id !== null && id === oldId && (changedHere || !remembered(k))) {
        remember(k, current)
        loaded = current
        return
      }
      loaded = remembered(k) ?? { muted: false, volume: 1 }
      muted.value = loaded.muted
      volume.value = loaded.volume
    },
    { immediate: true },
  )
  watch([muted, volume], ([m, v]) => {
    player.setVolume(v, m)
    const k = key()
    if (k) remember(k, { muted: m, volume: v })
  })
  player.setVolume(volume.value, muted.value)
  // Muted, the server stops sending (the host remembers it across reconnects and hand-overs).
  const tell = (): void => {
    const id = sessionId()
    if (id) api.request('session.audioMute', { sessionId: id, muted: muted.value }).catch(() => {})
  }
  // A window that shows a session says the setting remembered for it, once it knows which connection
  // that is: before, `muted` is only the default, and saying it would unmute a muted session for a moment.
  watch(
    [sessionId, key],
    ([id, k]) => {
      if (id && k) tell()
    },
    { immediate: true },
  )

  const stop = api.on('session.audio', (e) => {
    const id = sessionId()
    if (!id || e.sessionId !== id) return
    player.push(e.samples, e.channels, e.rate)
    hostDropped = e.hostDropped
    heard.value = true
    api.request('session.audioAck', { sessionId: id, seq: e.seq }).catch(() => {})
  })
  const timer = setInterval(() => {
    if (heard.value) stats.value = { ...player.stats, hostDropped, level: player.level(), ahead: player.ahead() }
  }, STATS_INTERVAL_MS)
  onScopeDispose(() => {
    stop()
    clearInterval(timer)
    player.close()
  })

  return {
    active,
    muted,
    volume,
    stats,
    blocked: computed(() => stats.value?.blocked === true),
    toggleMute: (): void => {
      muted.value = !muted.value
      tell()
    },
  }
}

export type SessionAudio = ReturnType<typeof useSessionAudio>
