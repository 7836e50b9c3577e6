import { describe, expect, it } from 'vitest'
import { EVENT_NAMES, isEventName, isRequestName, requestSchemas } from '../../../src/shared/schemas'

describe('listening schemas', () => {
  it('validates listen.start: optional port 1-65535 and an interface address', () => {
    const s = requestSchemas['listen.start']
    expect(s.parse({})).toEqual({})
    expect(s.parse({ port: 5500, host: '127.0.0.1' })).toEqual({ port: 5500, host: '127.0.0.1' })
    expect(s.parse({ host: '::' })).toEqual({ host: '::' })
    for (const port of [0, 65536, -1, 5500.5, '5500', null]) expect(() => s.parse({ port })).toThrow(/port/)
    for (const host of ['', 'a b', 'http://x', '/tmp/sock', 'x'.repeat(256), 1]) expect(() => s.parse({ host })).toThrow(/host/)
    expect(() => s.parse({ port: 5500, backlog: 1 })).toThrow(/not a known field/)
    expect(() => s.parse(null)).toThrow()
  })

  it('validates listen.stop and listen.answer', () => {
    expect(requestSchemas['listen.stop'].parse(undefined)).toBeUndefined()
    expect(() => requestSchemas['listen.stop'].parse({ port: 1 })).toThrow(/must be empty/)
    const a = requestSchemas['listen.answer']
    expect(a.parse({ id: 'abc-1', accept: true })).toEqual({ id: 'abc-1', accept: true })
    expect(a.parse({ id: 'abc-1', accept: false })).toEqual({ id: 'abc-1', accept: false })
    expect(() => a.parse({ id: 'abc', accept: 'yes' })).toThrow(/accept/)
    expect(() => a.parse({ id: '../x', accept: true })).toThrow(/id/)
    expect(() => a.parse({ accept: true })).toThrow(/id: is required/)
  })

  it('names the new request and event', () => {
    for (const n of ['listen.start', 'listen.stop', 'listen.answer']) expect(isRequestName(n)).toBe(true)
    expect(isEventName('listen.incoming')).toBe(true)
    expect(EVENT_NAMES).toContain('listen.incoming')
  })
})
