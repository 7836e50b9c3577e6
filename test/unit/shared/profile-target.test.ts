import { describe, expect, it } from 'vitest'
import { newProfile, profileTarget, targetFields } from '../../../src/shared/profile'
import { formatTarget, parseTarget } from '../../../src/shared/target'

describe('profile <-> target', () => {
  it.each(['host:1', 'vncs://alice@host:5999', 'unix:/run/vnc.sock', 'rep:5500/ID:77', 'rep/server::6000'])(
    '%s survives being saved as a connection',
    (text) => {
      const t = parseTarget(text)
      const p = newProfile({ id: 'x', ...targetFields(t) })
      expect(profileTarget(p)).toEqual(t)
      expect(formatTarget(profileTarget(p))).toBe(formatTarget(t))
    },
  )

  it('gives a socket or a repeater ID a port the profile schema accepts, unused when connecting', () => {
    expect(targetFields(parseTarget('unix:/s')).port).toBe(5900)
    expect(targetFields(parseTarget('rep/ID:1')).port).toBe(5900)
    expect(profileTarget(newProfile({ id: 'x', host: 'ID:1', port: 5900, repeater: { host: 'rep', port: 5901 } })).port).toBe(0)
  })

  it('a socket path wins over host and port', () => {
    expect(profileTarget(newProfile({ id: 'x', host: 'far.example', port: 5901, unixPath: '/s' }))).toEqual({ host: 'localhost', port: 0, unixPath: '/s' })
  })
})
