import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Keychain, KeychainSecretStore, openOsKeychain } from '../../../src/main/host/keychain-secrets'
import { FileSecretStore } from '../../../src/main/host/secrets'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-keychain-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

class MapKeychain implements Keychain {
  readonly backend = 'map'
  readonly map = new Map<string, string>()
  async get(account: string): Promise<string | null> {
    return this.map.get(account) ?? null
  }
  async set(account: string, password: string): Promise<void> {
    this.map.set(account, password)
  }
  async delete(account: string): Promise<void> {
    this.map.delete(account)
  }
}

describe('KeychainSecretStore', () => {
  it('reports itself as protected and names its backend', () => {
    const store = new KeychainSecretStore(new MapKeychain())
    expect([store.available(), store.protected(), store.backend()]).toEqual([true, true, 'map'])
  })

  it('moves a password an older version left in the plain file into the keychain on first read', async () => {
    const file = join(dir, 'secrets.json')
    await new FileSecretStore(file).set('p1', 'old-plain')
    const keychain = new MapKeychain()
    const store = new KeychainSecretStore(keychain, new FileSecretStore(file))
    expect(await store.get('p1')).toBe('old-plain')
    expect(keychain.map.get('p1')).toBe('old-plain')
    expect(readFileSync(file, 'utf8')).not.toContain('old-plain')
    expect(await store.get('p2')).toBeNull()
  })

  it('a new password or a deletion leaves no copy in the plain file', async () => {
    const file = join(dir, 'secrets.json')
    await new FileSecretStore(file).set('p1', 'stale-1')
    await new FileSecretStore(file).set('p2', 'stale-2')
    const keychain = new MapKeychain()
    const store = new KeychainSecretStore(keychain, new FileSecretStore(file))
    await store.set('p1', 'fresh')
    await store.delete('p2')
    expect(readFileSync(file, 'utf8')).not.toMatch(/stale/)
    expect(await store.get('p1')).toBe('fresh')
    expect(await store.get('p2')).toBeNull()
  })
})

describe('openOsKeychain', () => {
  // libdbus reads the bus address once per process: the real daemon's tests live in their own file.
  it('is null where no session bus can be reached (Linux without a desktop session)', async () => {
    if (process.platform !== 'linux') return
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(dir, 'no-bus-here')}`
    try {
      expect(await openOsKeychain('Tessera test')).toBeNull()
    } finally {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved
    }
  })
})
