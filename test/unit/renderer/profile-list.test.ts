import { describe, expect, it } from 'vitest'
import { newProfile, type ConnectionProfile } from '../../../src/shared/profile'
import {
  compareNames,
  copyName,
  filterProfiles,
  groupPaths,
  groupProfiles,
  lastUsedText,
  normaliseGroup,
  sortProfiles,
} from '../../../src/renderer/src/stores/profile-list'

function p(id: string, fields: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return newProfile({ id, host: `${id}.lan`, name: id, createdAt: 0, ...fields })
}

const book = [
  p('web1', { group: 'Prod/Web', lastUsedAt: 300, notes: 'nginx front' }),
  p('web10', { group: 'Prod/Web', lastUsedAt: 0 }),
  p('web2', { group: 'Prod/Web', lastUsedAt: 100 }),
  p('db', { group: 'Prod', lastUsedAt: 500, username: 'admin' }),
  p('pi', { group: '', lastUsedAt: 50, host: '192.168.1.20', port: 5901 }),
  p('Alpha', { group: '', lastUsedAt: 0 }),
]

describe('filterProfiles', () => {
  it('matches every word anywhere in name, host, port, user, folder or notes', () => {
    expect(filterProfiles(book, 'web').map((x) => x.id)).toEqual(['web1', 'web10', 'web2'])
    expect(filterProfiles(book, 'NGINX').map((x) => x.id)).toEqual(['web1'])
    expect(filterProfiles(book, 'prod admin').map((x) => x.id)).toEqual(['db'])
    expect(filterProfiles(book, '5901').map((x) => x.id)).toEqual(['pi'])
    expect(filterProfiles(book, '192.168').map((x) => x.id)).toEqual(['pi'])
    expect(filterProfiles(book, 'web nothing')).toEqual([])
  })
  it('returns everything for an empty query', () => {
    expect(filterProfiles(book, '  ')).toHaveLength(book.length)
  })
})

describe('sortProfiles', () => {
  it('puts the most recently used first, never-used ones after by name', () => {
    expect(sortProfiles(book, 'recent').map((x) => x.id)).toEqual(['db', 'web1', 'web2', 'pi', 'Alpha', 'web10'])
  })
  it('sorts by name naturally and case-insensitively', () => {
    expect(sortProfiles(book, 'name').map((x) => x.id)).toEqual(['Alpha', 'db', 'pi', 'web1', 'web2', 'web10'])
  })
  it('does not change its input', () => {
    const before = book.map((x) => x.id)
    sortProfiles(book, 'name')
    expect(book.map((x) => x.id)).toEqual(before)
  })
})

describe('groupProfiles', () => {
  it('lists the top level first, then folders by path, each keeping the sort order', () => {
    const groups = groupProfiles(sortProfiles(book, 'recent'))
    expect(groups.map((g) => g.path)).toEqual(['', 'Prod', 'Prod/Web'])
    expect(groups[0].profiles.map((x) => x.id)).toEqual(['pi', 'Alpha'])
    expect(groups[2].profiles.map((x) => x.id)).toEqual(['web1', 'web2', 'web10'])
  })
  it('treats differently spelled paths of one folder as one', () => {
    const groups = groupProfiles([p('a', { group: ' Lab / Rack 2 ' }), p('b', { group: 'Lab/Rack 2/' })])
    expect(groups).toHaveLength(1)
    expect(groups[0].path).toBe('Lab/Rack 2')
  })
})

describe('helpers', () => {
  it('normalises folder paths', () => {
    expect(normaliseGroup('/a//b / c/')).toBe('a/b/c')
    expect(normaliseGroup('  ')).toBe('')
  })
  it('lists every folder and its parents', () => {
    expect(groupPaths(book)).toEqual(['Prod', 'Prod/Web'])
  })
  it('names copies without clashing', () => {
    expect(copyName('web', ['web'])).toBe('web (copy)')
    expect(copyName('web', ['web', 'web (copy)'])).toBe('web (copy 2)')
    expect(copyName('web (copy)', ['web', 'web (copy)'])).toBe('web (copy 2)')
  })
  it('compares names with numbers naturally', () => {
    expect(compareNames('pc2', 'pc10')).toBeLessThan(0)
    expect(compareNames('a', 'B')).toBeLessThan(0)
  })
  it('says when a profile was last used', () => {
    const now = 1_700_000_000_000
    expect(lastUsedText(0, now)).toBe('never')
    expect(lastUsedText(now - 10_000, now)).toBe('just now')
    expect(lastUsedText(now - 5 * 60_000, now)).toBe('5 minutes ago')
    expect(lastUsedText(now - 3 * 3600_000, now)).toBe('3 hours ago')
    expect(lastUsedText(now - 26 * 3600_000, now)).toBe('yesterday')
    expect(lastUsedText(now - 5 * 86400_000, now)).toBe('5 days ago')
  })
})
