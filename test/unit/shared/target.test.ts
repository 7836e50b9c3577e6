import { describe, expect, it } from 'vitest'
import { formatTarget, parseRepeater, parseTarget, sameServer, trustName } from '../../../src/shared/target'

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

describe('Unix socket targets', () => {
  it.each([
    ['unix:/tmp/vnc.sock', '/tmp/vnc.sock'],
    ['UNIX:/run/user/1000/vnc', '/run/user/1000/vnc'],
    ['/tmp/x11vnc.sock', '/tmp/x11vnc.sock'],
  ])('%s', (input, path) => {
    expect(parseTarget(input)).toEqual({ host: 'localhost', port: 0, unixPath: path })
    expect(formatTarget(parseTarget(input))).toBe(`unix:${path}`)
  })

  it('refuses relative paths, paths beyond sockaddr_un and a repeater in front', () => {
    expect(() => parseTarget('unix:/' + 'a'.repeat(106))).not.toThrow()
    expect(() => parseTarget('unix:/' + 'a'.repeat(107))).toThrow(/longer than 107 bytes/)
    expect(() => parseTarget('unix:/tmp/é' + 'a'.repeat(101))).toThrow(/longer than 107 bytes/)
    expect(() => parseTarget('/tmp/x', { repeater: { host: 'r', port: 5901 } })).toThrow(/repeater/)
    // "unix:1" stays a host called unix, display 1, as before.
    expect(parseTarget('unix:1')).toEqual({ host: 'unix', port: 5901 })
  })

  it('is trusted under its path, apart from any TCP server', () => {
    expect(trustName(parseTarget('unix:/tmp/s'))).toEqual({ host: 'unix:/tmp/s', port: 0 })
  })
})

describe('repeater targets', () => {
  const r = (host: string, port = 5901): { host: string; port: number } => ({ host, port })
  it.each([
    ['rep/ID:1234', { host: 'ID:1234', port: 0, repeater: r('rep') }],
    ['rep:5500/id:77', { host: 'ID:77', port: 0, repeater: r('rep', 5500) }],
    ['rep/server:1', { host: 'server', port: 5901, repeater: r('rep') }],
    ['rep:443/server::5999', { host: 'server', port: 5999, repeater: r('rep', 443) }],
    ['[::1]:6000/ID:1', { host: 'ID:1', port: 0, repeater: r('::1', 6000) }],
  ])('%s', (input, expected) => {
    expect(parseTarget(input)).toEqual(expected)
    expect(parseTarget(formatTarget(parseTarget(input)))).toEqual(expected)
  })

  it('takes the repeater from an option (--repeater, a profile) with the server as UltraVNC writes it', () => {
    expect(parseTarget('ID:42', { repeater: r('rep') })).toEqual({ host: 'ID:42', port: 0, repeater: r('rep') })
    expect(parseTarget('srv:2', { repeater: r('rep') })).toEqual({ host: 'srv', port: 5902, repeater: r('rep') })
  })

  it.each([
    ['ID:1234', /give the repeater/],
    ['rep/ID:', /repeater ID is a number/],
    ['rep/ID:12345678901', /repeater ID is a number/],
    ['rep/ID:2147483648', /repeater ID is a number/],
    ['rep:0/ID:1', /invalid port/],
    ['rep:70000/ID:1', /invalid port/],
    ['rep/', /no server given/],
    ['rep/a/b', /another repeater/],
    ['rep/vncs://host', /vncs/],
    ['a b/ID:1', /no valid host/],
  ])('refuses %j', (input, message) => {
    expect(() => parseTarget(input)).toThrow(message)
  })

  it('reads a repeater address with the default port 5901', () => {
    expect(parseRepeater('rep')).toEqual(r('rep'))
    expect(parseRepeater('rep:5500')).toEqual(r('rep', 5500))
    expect(() => parseRepeater('rep::5500')).toThrow()
  })

  it('keeps mode II trust per repeater and ID, mode I per server', () => {
    expect(trustName(parseTarget('rep/ID:5'))).toEqual({ host: 'ID:5@rep', port: 5901 })
    expect(trustName(parseTarget('rep/srv:1'))).toEqual({ host: 'srv', port: 5901 })
    expect(sameServer(parseTarget('rep/ID:5'), parseTarget('rep:5901/id:5'))).toBe(true)
    expect(sameServer(parseTarget('rep/ID:5'), parseTarget('other/ID:5'))).toBe(false)
    expect(sameServer(parseTarget('rep/srv:1'), parseTarget('srv:1'))).toBe(false)
  })
})
