import { describe, expect, it } from 'vitest'
import { newProfile } from '../../../src/shared/profile'
import { LIMITS, REQUEST_NAMES, isRequestName, profileSchema, requestSchemas } from '../../../src/shared/schemas'
import { ValidationError, array, int, literal, none, nullable, object, optional, string, union, withDefault } from '../../../src/shared/validate'

const S = 'a1b2c3'

function refused(name: keyof typeof requestSchemas, arg: unknown): string {
  try {
    requestSchemas[name].parse(arg, 'arg')
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError)
    return (e as Error).message
  }
  throw new Error(`${name} accepted ${JSON.stringify(arg)?.slice(0, 200)}`)
}

describe('validator primitives', () => {
  it('objects refuse unknown fields and report the path', () => {
    const schema = object({ a: int(0, 9), b: optional(string({ max: 3 })) })
    expect(schema.parse({ a: 1 })).toEqual({ a: 1 })
    expect(schema.parse({ a: 1, b: 'xy' })).toEqual({ a: 1, b: 'xy' })
    expect(() => schema.parse({ a: 1, c: 2 }, 'arg')).toThrow('arg.c: is not a known field')
    expect(() => schema.parse({}, 'arg')).toThrow('arg.a: is required')
    expect(() => schema.parse({ a: 1, b: 'long' }, 'arg')).toThrow('arg.b: must be at most 3 characters')
  })

  it('returns a fresh object, never the input (prototype tricks stay outside)', () => {
    const schema = object({ a: int(0, 9) })
    const input = JSON.parse('{"a": 1}') as object
    expect(schema.parse(input)).not.toBe(input)
    expect(() => schema.parse(JSON.parse('{"a": 1, "__proto__": {"x": 1}}'))).toThrow('is not a known field')
    expect(() => schema.parse(Object.create({ a: 1 }))).toThrow('plain object')
  })

  it('arrays are length-limited and items checked', () => {
    const schema = array(int(0, 1), 2)
    expect(schema.parse([0, 1])).toEqual([0, 1])
    expect(() => schema.parse([0, 1, 1], 'arg')).toThrow('at most 2 items')
    expect(() => schema.parse([0, 2], 'arg')).toThrow('arg[1]: must be an integer in 0..1')
  })

  it('a field set to undefined counts as absent: required ones say so, optional ones are left out', () => {
    const schema = object({ a: int(0, 9), b: optional(string({ max: 3 })), c: withDefault(literal('x', 'y'), 'x') })
    expect(() => schema.parse({ a: undefined }, 'arg')).toThrow('arg.a: is required')
    const out = schema.parse({ a: 1, b: undefined, c: undefined })
    expect(out).toStrictEqual({ a: 1, c: 'x' })
    expect(Object.keys(out)).toEqual(['a', 'c'])
  })

  it('words each kind of problem, with the path down to it', () => {
    const schema = object({ list: array(object({ s: string({ min: 1, max: 4, pattern: /^[a-z]*$/ }) }), 3), n: nullable(int(1, 2)) })
    const problem = (value: unknown): string => {
      try {
        schema.parse(value, 'arg')
      } catch (e) {
        return (e as ValidationError).message
      }
      return 'accepted'
    }
    expect(problem({ list: [{ s: 'ab' }], n: null })).toBe('accepted')
    expect(problem({ list: [{ s: 'ab' }, { s: '' }], n: 1 })).toBe('arg.list[1].s: must not be empty')
    expect(problem({ list: [{ s: 'AB' }], n: 1 })).toBe('arg.list[0].s: has an invalid format')
    expect(problem({ list: [{ s: 7 }], n: 1 })).toBe('arg.list[0].s: must be a string, not number')
    expect(problem({ list: {}, n: 1 })).toBe('arg.list: must be an array, not object')
    expect(problem({ list: [], n: 3 })).toBe('arg.n: must be an integer in 1..2')
    expect(problem({ list: [[]], n: 1 })).toBe('arg.list[0]: must be an object, not array')
    expect(problem({ list: [], n: 1, ['k'.repeat(100)]: 1 })).toBe(`arg.${'k'.repeat(40)}: is not a known field`)
    expect(problem(null)).toBe('arg: must be an object, not null')
  })

  it('a union that fails names the problem of its last fitting alternative', () => {
    const schema = union(literal('auto'), array(string({ max: 2 }), 2))
    expect(schema.parse('auto')).toBe('auto')
    expect(schema.parse(['ab'])).toEqual(['ab'])
    expect(() => schema.parse(['abc'], 'arg')).toThrow('arg[0]: must be at most 2 characters')
    expect(() => schema.parse(5, 'arg')).toThrow('arg: must be an array, not number')
  })

  it('none takes only an absent value (or JSON null) and gives undefined', () => {
    expect(none().parse(undefined)).toBeUndefined()
    expect(none().parse(null)).toBeUndefined()
    for (const bad of [0, '', {}, []]) expect(() => none().parse(bad, 'arg')).toThrow('arg: must be empty')
  })

  it('numbers must be integers in range, not NaN, strings or floats', () => {
    const n = int(0, 10)
    for (const bad of [NaN, Infinity, -1, 11, 1.5, '3', null, undefined, true]) expect(() => n.parse(bad)).toThrow(ValidationError)
  })
})

describe('request schemas', () => {
  it('cover every request in the contract', () => {
    expect(REQUEST_NAMES).toContain('session.key')
    expect(REQUEST_NAMES).toContain('session.trust')
    expect(REQUEST_NAMES).toContain('profiles.problems')
    expect(REQUEST_NAMES).toContain('session.reconnect')
    expect(REQUEST_NAMES).toContain('session.thumbnail')
    expect(REQUEST_NAMES).toContain('player.seek')
    expect(REQUEST_NAMES).toHaveLength(62)
    expect(REQUEST_NAMES).toContain('session.audioAck')
    expect(REQUEST_NAMES).toContain('session.audioMute')
    expect(isRequestName('session.key')).toBe(true)
    expect(isRequestName('constructor')).toBe(false)
    expect(isRequestName('__proto__')).toBe(false)
  })

  it('accept well-formed requests', () => {
    expect(requestSchemas['session.key'].parse({ sessionId: S, keysym: 0xffffffff, down: true, code: 'KeyA' })).toEqual({
      sessionId: S,
      keysym: 0xffffffff,
      down: true,
      code: 'KeyA',
    })
    expect(requestSchemas['session.pointer'].parse({ sessionId: S, buttons: 0x1ff, x: 65535, y: 0 })).toBeTruthy()
    expect(requestSchemas['session.open'].parse({ address: 'host:1' })).toEqual({ address: 'host:1' })
    expect(requestSchemas['session.open'].parse({ profileId: S })).toEqual({ profileId: S })
    expect(requestSchemas['session.credentials'].parse({ sessionId: S, cancel: true })).toEqual({ sessionId: S, cancel: true })
    expect(requestSchemas['session.credentials'].parse({ sessionId: S, password: 'pw', save: false })).toEqual({ sessionId: S, password: 'pw', save: false })
    expect(requestSchemas['profiles.list'].parse(undefined)).toBeUndefined()
  })

  it('refuse wrong types', () => {
    refused('session.key', { sessionId: S, keysym: '65', down: true })
    refused('session.key', { sessionId: S, keysym: 65, down: 1 })
    refused('session.pointer', { sessionId: 42, buttons: 0, x: 0, y: 0 })
    refused('session.open', 'host')
    refused('session.open', null)
    refused('profiles.import', { fileName: 'a.vnc', text: 42 })
    refused('profiles.list', { anything: 1 })
    refused('session.ack', [S, 1])
    refused('session.audioMute', { sessionId: S, muted: 'yes' })
    refused('session.audioMute', { sessionId: S })
    // Recordings are named, never given as paths; speeds are the player's own.
    refused('player.open', { name: '../secrets.json' })
    refused('player.open', { name: 'sub/dir.fbs' })
    refused('player.open', { name: 'x.txt' })
    refused('player.control', { playerId: S, speed: 3 })
    refused('player.exportClip', { playerId: S, fromMs: 0, toMs: 10, fps: 0 })
    refused('recordings.upload', { name: 'a.fbs', offset: 0, data: 'FBS 001.000', done: true })
    refused('recordings.upload', { name: 'a.fbs', offset: 0, data: new Uint8Array((1 << 20) + 1), done: false })
  })

  it('refuse extra fields', () => {
    expect(refused('session.key', { sessionId: S, keysym: 65, down: true, scancode: 30 })).toContain('scancode: is not a known field')
    refused('session.close', { sessionId: S, force: true })
    refused('session.open', { address: 'h', profileId: S })
    refused('session.credentials', { sessionId: S, password: 'x', save: true, cancel: true })
  })

  it('refuse huge strings', () => {
    refused('session.clipboard', { sessionId: S, text: 'x'.repeat(LIMITS.clipboard + 1) })
    refused('session.open', { address: 'h'.repeat(LIMITS.address + 1) })
    refused('session.credentials', { sessionId: S, password: 'p'.repeat(LIMITS.password + 1), save: false })
    refused('profiles.import', { fileName: 'a.vnc', text: 'x'.repeat(LIMITS.importText + 1) })
    refused('session.close', { sessionId: 'x'.repeat(65) })
  })

  it('refuse out-of-range numbers', () => {
    refused('session.key', { sessionId: S, keysym: 2 ** 32, down: true })
    refused('session.key', { sessionId: S, keysym: -1, down: true })
    refused('session.pointer', { sessionId: S, buttons: 0x200, x: 0, y: 0 })
    refused('session.pointer', { sessionId: S, buttons: 0, x: 65536, y: 0 })
    refused('session.pointer', { sessionId: S, buttons: 0, x: 0, y: -1 })
    refused('session.pointer', { sessionId: S, buttons: 0, x: 0.5, y: 0 })
    refused('session.resize', { sessionId: S, width: 0, height: 600 })
    refused('session.ack', { sessionId: S, seq: -1 })
  })

  it('take a window thumbnail only as exactly width x height RGBA bytes, at most 240 on a side', () => {
    const side = LIMITS.thumbnailSide
    const ok = { sessionId: S, width: side, height: 2, rgba: new Uint8Array(side * 2 * 4) }
    expect(requestSchemas['session.thumbnail'].parse(ok)).toEqual(ok)
    expect(refused('session.thumbnail', { ...ok, rgba: new Uint8Array(side * 2 * 4 - 1) })).toContain('exactly width x height x 4 bytes')
    expect(refused('session.thumbnail', { ...ok, width: side + 1, rgba: new Uint8Array((side + 1) * 2 * 4) })).toContain('width')
    refused('session.thumbnail', { ...ok, height: 0, rgba: new Uint8Array(0) })
    // Not bytes: an array of numbers, a string, another typed array.
    refused('session.thumbnail', { ...ok, rgba: Array.from(ok.rgba) })
    refused('session.thumbnail', { ...ok, rgba: 'AAAA' })
    refused('session.thumbnail', { ...ok, rgba: new Int32Array(side * 2) })
    // The byte bound holds before the length is compared: a huge buffer is refused as such.
    expect(refused('session.thumbnail', { ...ok, rgba: new Uint8Array(side * side * 4 + 1) })).toContain('at most')
    refused('session.thumbnail', { ...ok, png: new Uint8Array(4) })
  })

  it('take exactly the three XVP power actions, and nothing else, for session.power', () => {
    for (const action of ['shutdown', 'reboot', 'reset']) {
      expect(requestSchemas['session.power'].parse({ sessionId: S, action })).toEqual({ sessionId: S, action })
    }
    expect(refused('session.power', { sessionId: S, action: 'hibernate' })).toBe('arg.action: must be one of "shutdown", "reboot", "reset"')
    refused('session.power', { sessionId: S, action: 2 })
    refused('session.power', { sessionId: S, action: 'Reboot' })
    refused('session.power', { sessionId: S })
    refused('session.power', { sessionId: '../x', action: 'reset' })
    expect(refused('session.power', { sessionId: S, action: 'reset', force: true })).toContain('force: is not a known field')
  })

  it('refuse ids that could escape a directory', () => {
    refused('profiles.thumbnail', { id: '../../etc/passwd' })
    refused('profiles.thumbnail', { id: 'a/b' })
    refused('profiles.delete', { id: '' })
  })

  it('check whole profiles, and let profiles.save take an empty id for a new one', () => {
    const p = newProfile({ id: 'p1', host: 'example.org' })
    expect(profileSchema.parse(p)).toEqual(p)
    expect(requestSchemas['profiles.save'].parse({ ...p, id: '' }).id).toBe('')
    refused('profiles.save', { ...p, port: 70000 })
    refused('profiles.save', { ...p, host: 'has space' })
    refused('profiles.save', { ...p, colourDepth: 32 })
    refused('profiles.save', { ...p, password: 'secret' })
    refused('profiles.save', { ...p, encodings: ['tight', 'x'.repeat(40)] })
  })
})
