import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HostEvents } from '../../../src/shared/contract'
import { SessionStats } from '../../../src/main/host/session-stats'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('SessionStats', () => {
  it('reports each window: frame rate, bandwidth, quickest round trip and encodings; an idle window keeps the last latency', () => {
    const sent: HostEvents['session.stats'][] = []
    const stats = new SessionStats('s1', 1000, (s) => sent.push(s))
    stats.start()
    stats.count({ bytes: 1000, latencyMs: 40, encodings: [16] })
    stats.count({ bytes: 1000, latencyMs: 25, encodings: [16, 7] })
    stats.count({ bytes: 500, latencyMs: 0, encodings: [1] })
    vi.advanceTimersByTime(1000)
    expect(sent).toEqual([{ sessionId: 's1', fps: 3, kbps: 20, latencyMs: 25, encodings: ['ZRLE', 'Tight', 'CopyRect'] }])
    vi.advanceTimersByTime(1000)
    expect(sent[1]).toEqual({ sessionId: 's1', fps: 0, kbps: 0, latencyMs: 25, encodings: [] })
    stats.stop()
    vi.advanceTimersByTime(5000)
    expect(sent).toHaveLength(2)
  })

  it('updates counted before start are not reported', () => {
    const sent: HostEvents['session.stats'][] = []
    const stats = new SessionStats('s1', 500, (s) => sent.push(s))
    stats.count({ bytes: 9999, latencyMs: 5, encodings: [16] })
    stats.start()
    vi.advanceTimersByTime(500)
    expect(sent).toEqual([{ sessionId: 's1', fps: 0, kbps: 0, latencyMs: 0, encodings: [] }])
    stats.stop()
  })
})
