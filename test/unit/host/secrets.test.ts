import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
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
      available: () => true,
      protected: () => true,
      backend: () => 'test',
      encrypt: (s) => s,
      decrypt: () => {
        throw new Error('bad key')
      },
    })
    expect(await store.get('p')).toBeNull()
  })

  it('refuses to save when no storage is available', async () => {
    const store = new FileSecretStore(join(dir, 's.json'), {
      available: () => false,
      protected: () => false,
      backend: () => 'none',
      encrypt: (s) => s,
      decrypt: (s) => s,
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

describe('FileSecretStore: a damaged file is reported, never silently overwritten', () => {
  const damaged = '{"version":1,"secrets":{"p":"hunter2"'

  it('moves a damaged file aside under a new name, says where, and starts empty', async () => {
    const file = join(dir, 'secrets.json')
    writeFileSync(file, damaged)
    const store = new FileSecretStore(file, undefined, () => 1234)
    const problems = await store.open()
    expect(problems).toEqual([
      {
        code: 'SECRETS_CORRUPT',
        message: `the saved passwords file is damaged (not valid JSON); it was kept as ${file}.corrupt-1234, and saved passwords will be asked for again`,
        keptAt: `${file}.corrupt-1234`,
      },
    ])
    expect(readFileSync(`${file}.corrupt-1234`, 'utf8')).toBe(damaged)
    expect(await store.get('p')).toBeNull()
    await store.set('q', 'new')
    expect(readFileSync(`${file}.corrupt-1234`, 'utf8')).toBe(damaged)
    expect(await new FileSecretStore(file).get('q')).toBe('new')
  })

  it('two first uses at once read the file once: one copy aside, one report', async () => {
    const file = join(dir, 'secrets.json')
    writeFileSync(file, damaged)
    const store = new FileSecretStore(file)
    await Promise.all([store.get('a'), store.set('b', 'x'), store.get('c')])
    expect(readdirSync(dir).filter((n) => n.startsWith('secrets.json.corrupt-'))).toHaveLength(1)
    expect(store.problems).toHaveLength(1)
  })

  it.each([
    ['an array', '[]'],
    ['a list of passwords that is not one', '{"version":1,"secrets":"hunter2"}'],
    ['null', 'null'],
  ])('treats %s as damaged', async (_what, text) => {
    const file = join(dir, 'secrets.json')
    writeFileSync(file, text)
    const store = new FileSecretStore(file)
    expect((await store.open()).map((p) => p.code)).toEqual(['SECRETS_CORRUPT'])
    expect(readFileSync(store.problems[0].keptAt!, 'utf8')).toBe(text)
  })

  it('keeps the readable passwords and a copy of the file when some entries are not', async () => {
    const file = join(dir, 'secrets.json')
    const text = JSON.stringify({ version: 1, secrets: { good: 'hunter2', bad: 42 } })
    writeFileSync(file, text)
    const store = new FileSecretStore(file, undefined, () => 99)
    expect(await store.open()).toEqual([expect.objectContaining({ code: 'SECRETS_CORRUPT', keptAt: `${file}.invalid-99` })])
    expect(store.problems[0].message).toMatch(/1 saved password\(s\) could not be read and will be asked for again/)
    expect(await store.get('good')).toBe('hunter2')
    await store.set('other', 'x')
    expect(readFileSync(`${file}.invalid-99`, 'utf8')).toBe(text)
  })

  it('a file that cannot be read is left alone: nothing is saved over it, and the user is told', async () => {
    const file = join(dir, 'secrets.json')
    mkdirSync(file) // EISDIR: unreadable even for root, unlike a chmod
    writeFileSync(join(file, 'inside'), 'x')
    const store = new FileSecretStore(file)
    expect((await store.open()).map((p) => p.code)).toEqual(['SECRETS_UNREADABLE'])
    expect(store.problems[0].message).toContain('no password is saved until it is fixed')
    expect(store.available()).toBe(false)
    await expect(store.set('p', 'x')).rejects.toThrow('cannot be read')
    expect(readFileSync(join(file, 'inside'), 'utf8')).toBe('x')
  })

  it('a missing or well-formed file reports nothing', async () => {
    expect(await new FileSecretStore(join(dir, 'none.json')).open()).toEqual([])
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ version: 1, secrets: { p: 'x' } }))
    expect(await new FileSecretStore(join(dir, 'ok.json')).open()).toEqual([])
  })

  it('removes temp files a crash left beside it (they may hold passwords)', async () => {
    const file = join(dir, 'secrets.json')
    writeFileSync(`${file}.tmp-abcdef`, '{"version":1,"secrets":{"p":"half-written"}}')
    await new FileSecretStore(file).open()
    expect(readdirSync(dir)).toEqual([])
  })

  it("the host reports it at start beside the address book's problems, which `tessera web` and the app show", async () => {
    writeFileSync(join(dir, 'secrets.json'), damaged)
    const { host, store } = await createHost({ dataDir: dir, decodeImage: null, log: () => {} })
    try {
      expect(store.problems).toEqual([expect.objectContaining({ code: 'SECRETS_CORRUPT', message: expect.stringMatching(/saved passwords file is damaged/) })])
      expect(readdirSync(dir).some((n) => n.startsWith('secrets.json.corrupt-'))).toBe(true)
      expect(await host.handle('secrets.status', undefined)).toMatchObject({ available: true })
    } finally {
      await host.shutdown()
    }
  })
})
