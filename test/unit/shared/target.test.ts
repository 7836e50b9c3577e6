import { describe, expect, it } from 'vitest'
import { formatTarget, parseTarget } from '../../../src/shared/target'

describe('parseTarget', () => {
  it.each([
    ['host', { host: 'host', port: 5900 }],
    ['host:1', { host: 'host', port: 5901 }],
    ['host:99', { host: 'host', port: 5999 }],
    ['host:5901', { host: 'host', port: 5901 }],
    ['host::5901', { host: 'host', port: 5901 }],
    ['host::22', { host: 'host', port: 22 }],
    ['10.0.0.1:2', { host: '10.0.0.1', port: 5902 }],
    ['[::1]:3', { host: '::1', port: 5903 }],
    ['[fe80::1]::6000', { host: 'fe80::1', port: 6000 }],
    ['::1', { host: '::1', port: 5900 }],
    ['vnc://host', { host: 'host', port: 5900 }],
    ['vnc://host:5905', { host: 'host', port: 5905 }],
    ['vnc://alice@host:1234/', { host: 'host', port: 1234, username: 'alice' }],
    ['VNC://[::1]:5901', { host: '::1', port: 5901 }],
    ['vncs://host', { host: 'host', port: 5900, tls: true }],
    ['  spaced.example  ', { host: 'spaced.example', port: 5900 }],
  ])('%s', (input, expected) => {
    expect(parseTarget(input)).toEqual(expected)
  })

  it.each(['', 'host:', 'host:abc', 'host::70000', 'vnc://:5900', 'a b', '[::1'])('refuses %j', (input) => {
    expect(() => parseTarget(input)).toThrow()
  })

  it('formats targets back in the shortest form', () => {
    expect(formatTarget({ host: 'h', port: 5900 })).toBe('h')
    expect(formatTarget({ host: 'h', port: 5903 })).toBe('h:3')
    expect(formatTarget({ host: 'h', port: 22 })).toBe('h::22')
    expect(formatTarget({ host: '::1', port: 5901 })).toBe('[::1]:1')
  })
})
