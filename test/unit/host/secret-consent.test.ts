import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GuardedSecretStore, PlainFileConsent } from '../../../src/main/host/secret-consent'
import { MemorySecretStore } from './memory-secret-store'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-consent-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function unprotected(): MemorySecretStore {
  const store = new MemorySecretStore()
  store.protects = false
  return store
}

describe('GuardedSecretStore', () => {
  it('refuses to write to a store that does not protect passwords until the user consents', async () => {
    const inner = unprotected()
    const consent = PlainFileConsent.inMemory()
    const guarded = new GuardedSecretStore(inner, consent)
    expect(guarded.mayWrite()).toBe(false)
    await expect(guarded.set('p', 'pw')).rejects.toMatchObject({ error: { kind: 'refused', code: 'SECRETS_NOT_PROTECTED' } })
    expect(inner.map.size).toBe(0)
    await consent.set(true)
    await guarded.set('p', 'pw')
    expect(inner.map.get('p')).toBe('pw')
  })

  it('writes to a protecting store without any consent, and reads and deletes pass through', async () => {
    const inner = new MemorySecretStore()
    const guarded = new GuardedSecretStore(inner, PlainFileConsent.inMemory())
    await guarded.set('p', 'pw')
    expect(await guarded.get('p')).toBe('pw')
    await guarded.delete('p')
    expect(inner.map.size).toBe(0)
  })

  it('a store that cannot save at all says so', async () => {
    const inner = new MemorySecretStore()
    inner.available = () => false
    const guarded = new GuardedSecretStore(inner, PlainFileConsent.inMemory(true))
    await expect(guarded.set('p', 'pw')).rejects.toMatchObject({ error: { code: 'SECRETS_UNAVAILABLE' } })
  })
})

describe('PlainFileConsent', () => {
  it('is no until a yes is saved, and the yes is kept 0600 across restarts', async () => {
    const file = join(dir, 'consent.json')
    expect((await PlainFileConsent.open(file)).granted).toBe(false)
    const consent = await PlainFileConsent.open(file)
    await consent.set(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect((await PlainFileConsent.open(file)).granted).toBe(true)
    await consent.set(false)
    expect((await PlainFileConsent.open(file)).granted).toBe(false)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, plainFileSecrets: false })
  })

  it('reads anything but a clear yes as no', async () => {
    const file = join(dir, 'consent.json')
    for (const text of ['not json', '{"plainFileSecrets":1}', '{"plainFileSecrets":"true"}', '[]', 'null']) {
      writeFileSync(file, text)
      expect((await PlainFileConsent.open(file)).granted, text).toBe(false)
    }
  })
})
