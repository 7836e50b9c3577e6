import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../../src/main/host/atomic-file'
import { CONNECTIONS_FILE, ConnectionStore, StoreError } from '../../../src/main/host/connection-store'
import { PROFILE_SCHEMA_VERSION, newProfile } from '../../../src/shared/profile'

let dir: string
let file: string
let clock = 1_000

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-store-'))
  file = join(dir, CONNECTIONS_FILE)
  clock = 1_000
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const open = (): Promise<ConnectionStore> => ConnectionStore.open(dir, () => ++clock)
const onDisk = (f = file): { schemaVersion: number; profiles: { id: string; name: string }[] } => JSON.parse(readFileSync(f, 'utf8'))
const profile = (id: string, host = `${id}.example`) => newProfile({ id, host, createdAt: 1 })

describe('ConnectionStore', () => {
  it('starts empty without a file and writes one with the schema version on the first save', async () => {
    const store = await open()
    expect(store.list()).toEqual([])
    expect(store.problems).toEqual([])
    const saved = await store.save({ ...profile('x'), id: '' })
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(onDisk()).toEqual({ schemaVersion: PROFILE_SCHEMA_VERSION, profiles: [saved] })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect((await open()).list()).toEqual([saved])
  })

  it('keeps the previous version as .bak on every write', async () => {
    const store = await open()
    await store.save(profile('a'))
    await store.save(profile('b'))
    expect(onDisk(`${file}.bak`).profiles.map((p) => p.id)).toEqual(['a'])
    expect(onDisk().profiles.map((p) => p.id)).toEqual(['a', 'b'])
  })

  it('replaces a profile by id without moving lastUsedAt backwards', async () => {
    const store = await open()
    await store.save(profile('a'))
    await store.touch('a', 5_000)
    await store.save({ ...profile('a'), name: 'renamed', lastUsedAt: 10 })
    expect(store.get('a')).toMatchObject({ name: 'renamed', lastUsedAt: 5_000 })
    expect(store.list()).toHaveLength(1)
  })

  it('lists most recently used first, then by name', async () => {
    const store = await open()
    await store.save({ ...profile('a'), name: 'zeta' })
    await store.save({ ...profile('b'), name: 'alpha' })
    await store.save({ ...profile('c'), name: 'mid' })
    await store.touch('c', 9_999)
    expect(store.list().map((p) => p.name)).toEqual(['mid', 'alpha', 'zeta'])
  })

  it('deletes by id', async () => {
    const store = await open()
    await store.save(profile('a'))
    expect(await store.delete('a')).toBe(true)
    expect(await store.delete('a')).toBe(false)
    expect(onDisk().profiles).toEqual([])
  })

  it('a corrupt file is moved aside, reported, restored from the backup, and never overwritten', async () => {
    const store = await open()
    await store.save(profile('a'))
    await store.save(profile('b'))
    const garbage = '{"schemaVersion": 1, "profiles": [ {"id": "a", "na'
    writeFileSync(file, garbage)
    const reopened = await open()
    const corrupt = readdirSync(dir).filter((n) => n.startsWith(`${CONNECTIONS_FILE}.corrupt-`))
    expect(corrupt).toHaveLength(1)
    expect(readFileSync(join(dir, corrupt[0]), 'utf8')).toBe(garbage)
    expect(reopened.problems.map((p) => p.code)).toEqual(['STORE_CORRUPT', 'STORE_RESTORED'])
    expect(reopened.problems[0].keptAt).toBe(join(dir, corrupt[0]))
    // The backup held the version before the last write.
    expect(reopened.list().map((p) => p.id)).toEqual(['a'])
    await reopened.save(profile('c'))
    expect(readFileSync(join(dir, corrupt[0]), 'utf8')).toBe(garbage)
  })

  it('a corrupt file with no backup leaves an empty list and the original kept aside', async () => {
    writeFileSync(file, '\u0000\u0001 not json')
    const store = await open()
    expect(store.list()).toEqual([])
    expect(store.problems).toHaveLength(1)
    expect(store.problems[0]).toMatchObject({ code: 'STORE_CORRUPT' })
    expect(store.problems[0].message).toContain('damaged')
    expect(existsSync(file)).toBe(false)
  })

  it('a file from a newer version is shown read-only and never written', async () => {
    const text = JSON.stringify({ schemaVersion: PROFILE_SCHEMA_VERSION + 1, profiles: [profile('a')] })
    writeFileSync(file, text)
    const store = await open()
    expect(store.problems[0].code).toBe('STORE_NEWER_VERSION')
    expect(store.list().map((p) => p.id)).toEqual(['a'])
    await expect(store.save(profile('b'))).rejects.toThrow(StoreError)
    await expect(store.delete('a')).rejects.toThrow(StoreError)
    expect(store.list().map((p) => p.id)).toEqual(['a'])
    expect(readFileSync(file, 'utf8')).toBe(text)
  })

  it('invalid entries are skipped and reported, with a copy of the file kept', async () => {
    const text = JSON.stringify({
      schemaVersion: 1,
      profiles: [profile('good'), { ...profile('bad'), port: 'x' }, { id: 'nope' }, profile('good')],
    })
    writeFileSync(file, text)
    const store = await open()
    expect(store.list().map((p) => p.id)).toEqual(['good'])
    const problem = store.problems[0]
    expect(problem.code).toBe('STORE_INVALID_ENTRIES')
    expect(problem.message).toContain('3 saved connection(s)')
    expect(readFileSync(problem.keptAt!, 'utf8')).toBe(text)
  })

  it('reads version 4 files (no protection recorded) and keeps the levels of version 5; a bad level is an invalid entry', async () => {
    const v4 = profile('old')
    const v5 = { ...profile('new'), allowPlainPassword: true, protection: 'authenticated', passwordProtection: 'encrypted' }
    writeFileSync(file, JSON.stringify({ schemaVersion: 4, profiles: [v4, v5, { ...profile('bad'), protection: 'tls' }] }))
    const store = await open()
    expect(store.get('old')).toEqual(v4)
    expect(store.get('old')!.protection).toBeUndefined()
    expect(store.get('new')).toMatchObject({ allowPlainPassword: true, protection: 'authenticated', passwordProtection: 'encrypted' })
    expect(store.get('bad')).toBeUndefined()
    expect(store.problems[0].code).toBe('STORE_INVALID_ENTRIES')
    await store.save({ ...store.get('new')!, name: 'renamed' })
    expect(onDisk()).toMatchObject({
      schemaVersion: 7,
      profiles: expect.arrayContaining([expect.objectContaining({ id: 'new', protection: 'authenticated' })]),
    })
  })

  it('keeps a repeater and a Unix socket path (version 6); a relative path or a repeater without port is an invalid entry', async () => {
    const viaRepeater = { ...profile('rep'), host: 'ID:1234', repeater: { host: 'repeater.lan', port: 5901 } }
    const socket = { ...profile('sock'), unixPath: '/run/vnc/desk.sock' }
    writeFileSync(
      file,
      JSON.stringify({
        schemaVersion: 6,
        profiles: [viaRepeater, socket, { ...profile('rel'), unixPath: 'desk.sock' }, { ...profile('noport'), repeater: { host: 'r' } }],
      }),
    )
    const store = await open()
    expect(store.get('rep')).toEqual(viaRepeater)
    expect(store.get('sock')).toEqual(socket)
    expect(store.list().map((p) => p.id)).toEqual(['rep', 'sock'])
    expect(store.problems[0].message).toContain('2 saved connection(s)')
  })

  it('a crash between writing the temp file and the rename leaves the old file in force', async () => {
    const store = await open()
    await store.save(profile('a'))
    const before = readFileSync(file, 'utf8')
    // What a crash mid-write leaves: a complete or partial temp file beside the real one.
    writeFileSync(join(dir, `${CONNECTIONS_FILE}.tmp-deadbeef0001`), JSON.stringify({ schemaVersion: 1, profiles: [profile('a'), profile('b')] }))
    writeFileSync(join(dir, `${CONNECTIONS_FILE}.tmp-deadbeef0002`), '{"schemaVer')
    const reopened = await open()
    expect(reopened.list().map((p) => p.id)).toEqual(['a'])
    expect(reopened.problems).toEqual([])
    expect(readFileSync(file, 'utf8')).toBe(before)
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([])
  })

  it('a missing file with a good backup is restored from it', async () => {
    const store = await open()
    await store.save(profile('a'))
    await store.save(profile('b'))
    rmSync(file)
    const reopened = await open()
    expect(reopened.list().map((p) => p.id)).toEqual(['a'])
    expect(reopened.problems.map((p) => p.code)).toEqual(['STORE_RESTORED'])
  })

  it.skipIf(process.getuid?.() === 0)('an unreadable file makes the store read-only instead of replacing it', async () => {
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, profiles: [profile('a')] }))
    chmodSync(file, 0o000)
    try {
      const store = await open()
      expect(store.problems[0].code).toBe('STORE_UNREADABLE')
      await expect(store.save(profile('b'))).rejects.toThrow(/cannot be read/)
    } finally {
      chmodSync(file, 0o600)
    }
  })

  it('writeFileAtomic leaves no temp file behind when the rename fails', async () => {
    const target = join(dir, 'sub')
    await writeFileAtomic(join(target, 'x.json'), 'one')
    // A directory where the file should be makes the rename fail.
    await expect(writeFileAtomic(target, 'two')).rejects.toThrow()
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([])
  })

  describe('import and export', () => {
    it('exports our JSON without passwords and imports it back with new ids', async () => {
      const store = await open()
      await store.save({ ...profile('a'), savePassword: true, notes: 'rack 2' })
      const exported = store.export([])
      expect(exported.fileName).toBe('tessera-connections.json')
      const data = JSON.parse(exported.text)
      expect(data).toMatchObject({ format: 'tessera-connections', schemaVersion: PROFILE_SCHEMA_VERSION })
      expect(data.profiles[0].savePassword).toBe(false)
      expect(exported.text).not.toMatch(/password"\s*:\s*"/i)

      const other = await ConnectionStore.open(mkdtempSync(join(tmpdir(), 'tessera-store2-')))
      const added = await other.import(exported.fileName, exported.text)
      expect(added).toHaveLength(1)
      expect(added[0]).toMatchObject({ host: 'a.example', notes: 'rack 2', savePassword: false, lastUsedAt: 0 })
      expect(added[0].id).not.toBe('a')
      // The same file twice adds nothing.
      expect(await other.import(exported.fileName, exported.text)).toEqual([])
    })

    it('exports only the chosen ids', async () => {
      const store = await open()
      await store.save(profile('a'))
      await store.save(profile('b'))
      expect(JSON.parse(store.export(['b']).text).profiles.map((p: { id: string }) => p.id)).toEqual(['b'])
    })

    it('imports a TigerVNC file', async () => {
      const store = await open()
      const text =
        'TigerVNC Configuration file Version 1.0\n\nServerName=lab-7::5907\nShared=0\nViewOnly=1\nAutoSelect=0\nPreferredEncoding=ZRLE\nQualityLevel=3\nCustomCompressLevel=1\nCompressLevel=6\n'
      const [p] = await store.import('lab-7.vnc', text)
      expect(p).toMatchObject({ name: 'lab-7', host: 'lab-7', port: 5907, shared: false, viewOnly: true, encodings: ['zrle'], quality: 3, compression: 6 })
      expect(store.list()).toHaveLength(1)
    })

    it('imports a RealVNC file', async () => {
      const store = await open()
      const [p] = await store.import('Office PC.vnc', '[Connection]\r\nHost=10.0.0.5:1\r\nUserName=ops\r\nPassword=deadbeef\r\n[Options]\r\nShared=1\r\n')
      expect(p).toMatchObject({ name: 'Office PC', host: '10.0.0.5', port: 5901, username: 'ops', shared: true })
    })

    it('refuses a file that is neither, without touching the store', async () => {
      const store = await open()
      await expect(store.import('x.vnc', 'hello')).rejects.toMatchObject({ code: 'IMPORT_UNRECOGNISED' })
      await expect(store.import('x.json', '{"profiles": 1}')).rejects.toMatchObject({ code: 'IMPORT_UNRECOGNISED' })
      await expect(store.import('x.json', '{"profiles": [{"id": 1}]}')).rejects.toMatchObject({ code: 'IMPORT_INVALID' })
      expect(existsSync(file)).toBe(false)
    })
  })
})
