import { effectScope, nextTick, reactive } from 'vue'
import { describe, expect, it } from 'vitest'
import { type AnnouncedSession, announce, announceConnectionChanges, connectionAnnouncement, liveMessage } from '../../../src/renderer/src/lib/announce'

describe('connectionAnnouncement', () => {
  it('says connected, lost and disconnected; nothing for steps on the way or no change', () => {
    expect(connectionAnnouncement('authenticating', 'connected', 'Lab')).toBe('Connected to Lab')
    expect(connectionAnnouncement('connected', 'reconnecting', 'Lab')).toBe('Connection to Lab lost, reconnecting')
    expect(connectionAnnouncement('reconnecting', 'closed', 'Lab')).toBe('Disconnected from Lab')
    expect(connectionAnnouncement('connected', 'reconnecting', 'Lab', true)).toBe('Connection to Lab lost')
    expect(connectionAnnouncement('opening', 'connecting', 'Lab')).toBeNull()
    expect(connectionAnnouncement('connected', 'connected', 'Lab')).toBeNull()
    expect(connectionAnnouncement(undefined, 'closed', 'Lab')).toBeNull()
    expect(connectionAnnouncement('idle', 'closed', 'Lab')).toBeNull()
  })
})

describe('announceConnectionChanges', () => {
  it('announces each change, and a session that leaves the list as disconnected', async () => {
    const list = reactive<AnnouncedSession[]>([{ key: 'a', phase: 'connecting', name: 'Lab' }])
    const scope = effectScope()
    scope.run(() => announceConnectionChanges(() => list))
    list[0].phase = 'connected'
    await nextTick()
    expect(liveMessage.value.trim()).toBe('Connected to Lab')
    list[0].phase = 'reconnecting'
    await nextTick()
    expect(liveMessage.value.trim()).toBe('Connection to Lab lost, reconnecting')
    list.splice(0, 1)
    await nextTick()
    expect(liveMessage.value.trim()).toBe('Disconnected from Lab')
    scope.stop()
  })

  it('changes the region for the same sentence said twice in a row, so a screen reader says it again', () => {
    announce('Connected to Lab')
    const first = liveMessage.value
    announce('Connected to Lab')
    expect(liveMessage.value).not.toBe(first)
    expect(liveMessage.value.trim()).toBe(first.trim())
  })
})
