import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionError, SessionSummary } from '../../../../src/shared/contract'
import { type ConnectionProfile, newProfile } from '../../../../src/shared/profile'
import { tileStatus } from '../../../../src/renderer/src/components/wall/tile-status'
import { parseWallSource, profilesInFolder, wallPageQuery } from '../../../../src/renderer/src/components/wall/wall-source'
import { RETRY_MS, WallTiles } from '../../../../src/renderer/src/components/wall/wall-tiles'
import { MemoryHost } from '../memory-host'

const profile = (id: string, group = ''): ConnectionProfile => newProfile({ id, name: id, host: `${id}.lan`, group, createdAt: 0 })
const unreachable: SessionError = { kind: 'network', code: 'RFB_ERR_NETWORK', message: 'connect ECONNREFUSED 127.0.0.1:5901' }
const signIn: SessionError = { kind: 'auth', code: 'RFB_ERR_AUTH_FAILED', message: 'open it to sign in' }

describe('wall source', () => {
  it('reads the folder or open-sessions query and writes it back', () => {
    expect(parseWallSource('?view=wall&folder=Lab%2F%20Rack%202')).toEqual({ kind: 'folder', folder: 'Lab/Rack 2' })
    expect(parseWallSource('?view=wall&open=1')).toEqual({ kind: 'open' })
    expect(parseWallSource('?view=session&profile=a')).toBeNull()
    expect(parseWallSource(wallPageQuery({ kind: 'folder', folder: 'Lab/Rack 2' }))).toEqual({ kind: 'folder', folder: 'Lab/Rack 2' })
  })

  it('takes a folder’s connections and those of the folders inside it, by name, not a folder that only starts the same', () => {
    const all = [profile('pc10', 'Lab'), profile('pc2', 'Lab/Rack'), profile('x', 'Labs'), profile('y')]
    expect(profilesInFolder(all, 'Lab').map((p) => p.id)).toEqual(['pc2', 'pc10'])
    expect(profilesInFolder(all, '').length).toBe(4)
  })
})

describe('tile status', () => {
  it('says plainly when a server is down and will be retried, and what to do when it cannot be', () => {
    expect(tileStatus('connected', undefined, false)).toMatchObject({ text: 'Live', tone: 'live' })
    expect(tileStatus('closed', unreachable, true)).toMatchObject({ text: 'Not reachable — retrying', tone: 'down' })
    expect(tileStatus('reconnecting', unreachable, false)).toMatchObject({ text: 'Not reachable — retrying', tone: 'down' })
    expect(tileStatus('closed', { kind: 'timeout', code: 'RFB_ERR_TIMEOUT', message: 'no answer' }, true).text).toBe('Not answering — retrying')
    expect(tileStatus('closed', undefined, true).text).toBe('Connection lost — retrying')
    const stopped = tileStatus('closed', signIn, false)
    expect(stopped.tone).toBe('stopped')
    expect(stopped.text).toMatch(/open it to see why$/)
    expect(stopped.detail).toBe('open it to sign in')
  })
})

describe('WallTiles', () => {
  let host: MemoryHost
  let opened = 0
  beforeEach(() => {
    vi.useFakeTimers()
    opened = 0
    host = new MemoryHost()
    host.handle('profiles.list', () => [profile('b', 'Lab'), profile('a', 'Lab'), profile('c', 'Office')])
    host.handle('session.open', (arg) => ({ sessionId: `${'profileId' in arg ? arg.profileId : 'x'}-${++opened}` }))
  })
  afterEach(() => vi.useRealTimers())

  it('opens every connection of the folder as a watch session and closes them when stopped', async () => {
    const wall = new WallTiles(host, { kind: 'folder', folder: 'Lab' })
    await wall.start()
    expect(host.callsTo('session.open')).toEqual([
      { profileId: 'a', watch: true },
      { profileId: 'b', watch: true },
    ])
    expect(wall.tiles.value.map((t) => [t.name, t.state])).toEqual([
      ['a', 'connecting'],
      ['b', 'connecting'],
    ])
    host.emit('session.state', { sessionId: 'a-1', state: 'connected' })
    expect(wall.tiles.value[0].state).toBe('connected')
    wall.stop()
    wall.stop()
    expect(host.callsTo('session.close')).toEqual([{ sessionId: 'a-1' }, { sessionId: 'b-2' }])
  })

  it('opens a tile again after its server went away, but not one that needs the user', async () => {
    const wall = new WallTiles(host, { kind: 'folder', folder: 'Lab' })
    await wall.start()
    host.emit('session.state', { sessionId: 'a-1', state: 'closed', error: unreachable })
    host.emit('session.state', { sessionId: 'b-2', state: 'closed', error: signIn })
    expect(wall.tiles.value.map((t) => [t.state, t.retrying])).toEqual([
      ['closed', true],
      ['closed', false],
    ])
    await vi.advanceTimersByTimeAsync(RETRY_MS)
    expect(host.callsTo('session.open').slice(2)).toEqual([{ profileId: 'a', watch: true }])
    expect(wall.tiles.value[0]).toMatchObject({ sessionId: 'a-3', state: 'connecting', retrying: false })
    wall.stop()
  })

  it('keeps a state that arrives before session.open answers', async () => {
    host.handle('session.open', (arg) => {
      const sessionId = `${'profileId' in arg ? arg.profileId : 'x'}-${++opened}`
      host.emit('session.state', { sessionId, state: 'closed', error: unreachable })
      return { sessionId }
    })
    const wall = new WallTiles(host, { kind: 'folder', folder: 'Office' })
    await wall.start()
    expect(wall.tiles.value[0]).toMatchObject({ state: 'closed', retrying: true })
    wall.stop()
  })

  it('shows the open sessions, not other walls’ tiles, following sessions.changed, and closes none of them', async () => {
    const summary = (sessionId: string, name: string, watch = false): SessionSummary => ({ sessionId, name, state: 'connected', viewOnly: false, watch })
    host.handle('sessions.list', () => [summary('s2', 'zeta'), summary('s1', 'alpha'), summary('w', 'tile', true)])
    const wall = new WallTiles(host, { kind: 'open' })
    await wall.start()
    expect(wall.tiles.value.map((t) => t.sessionId)).toEqual(['s1', 's2'])
    host.emit('sessions.changed', { sessions: [summary('s2', 'zeta')] })
    expect(wall.tiles.value.map((t) => t.sessionId)).toEqual(['s2'])
    wall.stop()
    expect(host.callsTo('session.close')).toEqual([])
  })
})
