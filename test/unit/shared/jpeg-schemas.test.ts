import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONNECTIONS_FILE, ConnectionStore } from '../../../src/main/host/connection-store'
import { SUBSAMPLINGS } from '../../../src/shared/encodings'
import { PROFILE_SCHEMA_VERSION, newProfile } from '../../../src/shared/profile'
import { profileSchema, requestSchemas } from '../../../src/shared/schemas'

describe('profile fine quality and subsampling', () => {
  it('are optional: a profile without them (every older one) parses unchanged', () => {
    const old = newProfile({ id: 'a', host: 'h' })
    expect('fineQuality' in old || 'subsampling' in old).toBe(false)
    expect(profileSchema.parse(old)).toEqual(old)
  })

  it('accept fine quality 0-100 and every subsampling name', () => {
    for (const fineQuality of [0, 37, 100]) {
      const p = newProfile({ id: 'a', host: 'h', fineQuality })
      expect(profileSchema.parse(p)).toEqual(p)
    }
    for (const subsampling of SUBSAMPLINGS) {
      const p = newProfile({ id: 'a', host: 'h', quality: 5, subsampling })
      expect(profileSchema.parse(p)).toEqual(p)
    }
  })

  it('refuse values out of range, fractions, null and unknown names', () => {
    const p = newProfile({ id: 'a', host: 'h' })
    for (const fineQuality of [-1, 101, 50.5, '80', null]) {
      expect(() => profileSchema.parse({ ...p, fineQuality }), String(fineQuality)).toThrow(/fineQuality/)
    }
    for (const subsampling of ['420', '1x', 'grey', '', 4, null]) {
      expect(() => profileSchema.parse({ ...p, subsampling }), String(subsampling)).toThrow(/subsampling: must be one of/)
    }
  })

  it('are checked on profiles.save from the renderer too', () => {
    const p = { ...newProfile({ id: 'a', host: 'h' }), id: '' }
    expect(requestSchemas['profiles.save'].parse({ ...p, fineQuality: 90, subsampling: 'gray' })).toMatchObject({
      id: '',
      fineQuality: 90,
      subsampling: 'gray',
    })
    expect(() => requestSchemas['profiles.save'].parse({ ...p, fineQuality: 1000 })).toThrow(/fineQuality/)
  })

  it('survive a connections file round trip; a version 3 file loads without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-jpeg-schema-'))
    try {
      writeFileSync(join(dir, CONNECTIONS_FILE), JSON.stringify({ schemaVersion: 3, profiles: [newProfile({ id: 'old', host: 'h', quality: 6 })] }))
      const store = await ConnectionStore.open(dir)
      expect(store.problems).toEqual([])
      expect(store.list()[0]).toMatchObject({ id: 'old', quality: 6 })
      expect(store.list()[0].fineQuality).toBeUndefined()
      await store.save({ ...store.list()[0], fineQuality: 85, subsampling: '2x' })
      await store.idle()
      const disk = JSON.parse(readFileSync(join(dir, CONNECTIONS_FILE), 'utf8'))
      expect(disk.schemaVersion).toBe(PROFILE_SCHEMA_VERSION)
      expect(PROFILE_SCHEMA_VERSION).toBeGreaterThanOrEqual(4)
      const again = await ConnectionStore.open(dir)
      expect(again.list()[0]).toMatchObject({ id: 'old', quality: 6, fineQuality: 85, subsampling: '2x' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
