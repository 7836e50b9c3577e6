import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileSecretStore, type SecretCipher } from '../../../src/main/host/secrets'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-secrets-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('FileSecretStore', () => {
  it('stores, reads back and deletes passwords in a 0600 file', async () => {
    const file = join(dir, 'secrets.json')
    const store = new FileSecretStore(file)
    expect(store.available()).toBe(true)
    expect(store.protected()).toBe(false)
    expect(store.backend()).toBe('file')
    expect(await store.get('p1')).toBeNull()
    await store.set('p1', 'hunter2')
    await store.set('p2', 'pässwörd')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const fresh = new FileSecretStore(file)
    expect(await fresh.get('p1')).toBe('hunter2')
    expect(await fresh.get('p2')).toBe('pässwörd')
    await fresh.delete('p1')
    expect(await new FileSecretStore(file).get('p1')).toBeNull()
    expect(await new FileSecretStore(file).get('p2')).toBe('pässwörd')
  })

  it('with a cipher only ciphertext reaches the disk, and protection follows the cipher', async () => {
    const file = join(dir, 'secrets.json')
    let backend = 'gnome_libsecret'
    const cipher: SecretCipher = {
      available: () => true,
      protected: () => backend !== 'basic_text',
      backend: () => backend,
      encrypt: (s) => Buffer.from(s).toString('base64').split('').reverse().join(''),
      decrypt: (s) => Buffer.from(s.split('').reverse().join(''), 'base64').toString(),
    }
    const store = new FileSecretStore(file, cipher)
    expect(store.protected()).toBe(true)
    await store.set('p', 'topsecret')
    expect(readFileSync(file, 'utf8')).not.toContain('topsecret')
    expect(await store.get('p')).toBe('topsecret')
    backend = 'basic_text'
    expect(store.protected()).toBe(false)
  })

  it('a password that cannot be decrypted counts as absent', async () => {
    const file = join(dir, 'secrets.json')
    writeFileSync(file, JSON.stringify({ version: 1, secrets: { p: 'garbage' } }))
    const store = new FileSecretStore(file, {
      available: () => true, protected: () => true, backend: () => 'test', encrypt: (s) => s,
      decrypt: () => {
        throw new Error('bad key')
      },
    })
    expect(await store.get('p')).toBeNull()
  })

  it('refuses to save when no storage is available', async () => {
    const store = new FileSecretStore(join(dir, 's.json'), {
      available: () => false, protected: () => false, backend: () => 'none', encrypt: (s) => s, decrypt: (s) => s,
    })
    expect(store.protected()).toBe(false)
    await expect(store.set('p', 'x')).rejects.toThrow('no secret storage')
  })

  it('keeps an unreadable file aside instead of overwriting it', async () => {
    const file = join(dir, 'secrets.json')
    writeFileSync(file, '{oops')
    const store = new FileSecretStore(file)
    await store.set('p', 'new')
    expect(readdirSync(dir).some((n) => n.startsWith('secrets.json.corrupt-'))).toBe(true)
    expect(await new FileSecretStore(file).get('p')).toBe('new')
  })
})
