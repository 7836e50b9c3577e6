import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DATA_FILES, createHost } from '../../../src/main/host/create-host'
import { openPasswords, sealPasswords } from '../../../src/main/host/export-crypto'
import type { Host } from '../../../src/main/host/host'
import { FileSecretStore } from '../../../src/main/host/secrets'
import type { ConnectionProfile } from '../../../src/shared/profile'
import { newProfile } from '../../../src/shared/profile'

// Address-book export with saved passwords: sealed with a passphrase, written to a real file,
// imported into a second, empty data directory.

let dir: string
let source: Host
let target: Host
const PASSPHRASE = 'correct horse battery staple'

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-export-'))
  source = (await createHost({ dataDir: join(dir, 'a'), keychain: null, decodeImage: null, log: () => {} })).host
  target = (await createHost({ dataDir: join(dir, 'b'), keychain: null, decodeImage: null, log: () => {} })).host
  // Without a keychain the target saves imported passwords only because the user allowed the file.
  await target.handle('secrets.allowPlainFile', { allow: true })
})

afterEach(async () => {
  await source.shutdown()
  await target.shutdown()
  rmSync(dir, { recursive: true, force: true })
})

async function addWithPassword(host: Host, fields: Partial<ConnectionProfile> & { host: string }, password: string | null): Promise<ConnectionProfile> {
  const saved = (await host.handle('profiles.save', newProfile({ id: '', savePassword: password !== null, ...fields }))) as ConnectionProfile
  // The host saves a password after a successful connection; writing its secrets file while it is
  // shut down (one host per data directory) and starting it again stands in for that.
  if (password !== null) {
    await source.shutdown()
    await new FileSecretStore(join(dir, 'a', DATA_FILES.secrets)).set(saved.id, password)
    source = (await createHost({ dataDir: join(dir, 'a'), decodeImage: null, log: () => {} })).host
  }
  return saved
}

/** Exports through the host into a file on disk and returns that file's text. */
async function exportToFile(arg: unknown): Promise<string> {
  const { fileName, text } = (await source.handle('profiles.export', arg)) as { fileName: string; text: string }
  const file = join(dir, fileName)
  writeFileSync(file, text)
  return readFileSync(file, 'utf8')
}

/** What the import left in the target's secrets file on disk. */
const secretOf = (_host: Host, id: string): Promise<string | null> => new FileSecretStore(join(dir, 'b', DATA_FILES.secrets)).get(id)

describe('address book export with passwords', () => {
  beforeEach(async () => {
    await addWithPassword(source, { host: 'lab', port: 5901, name: 'Lab', username: 'ops' }, 'hunter2-é')
    await addWithPassword(source, { host: 'kiosk', name: 'Kiosk' }, null)
  })

  it('without the flag carries no password material at all', async () => {
    const text = await exportToFile({ ids: [] })
    expect(text).not.toContain('hunter2')
    const data = JSON.parse(text) as Record<string, unknown>
    expect(Object.keys(data).sort()).toEqual(['exportedAt', 'format', 'profiles', 'schemaVersion'])
    expect((data.profiles as ConnectionProfile[]).every((p) => !p.savePassword)).toBe(true)
  })

  it('with the flag seals them (scrypt, AES-256-GCM) and never writes plaintext', async () => {
    const text = await exportToFile({ ids: [], includePasswords: true, passphrase: PASSPHRASE })
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain(Buffer.from('hunter2').toString('base64').slice(0, 8))
    const { passwords } = JSON.parse(text) as { passwords: Record<string, unknown> }
    expect(passwords).toMatchObject({ kdf: 'scrypt', N: 131072, r: 8, p: 1, cipher: 'aes-256-gcm' })
    expect(Buffer.from(passwords.salt as string, 'base64')).toHaveLength(16)
    expect(Buffer.from(passwords.iv as string, 'base64')).toHaveLength(12)
    expect(Buffer.from(passwords.tag as string, 'base64')).toHaveLength(16)
    // A fresh salt and IV per file.
    const again = JSON.parse(await exportToFile({ ids: [], includePasswords: true, passphrase: PASSPHRASE })) as { passwords: Record<string, unknown> }
    expect(again.passwords.salt).not.toBe(passwords.salt)
    expect(again.passwords.iv).not.toBe(passwords.iv)
  })

  it('round-trips: the import restores the password into the secret store of the new profile', async () => {
    const text = await exportToFile({ ids: [], includePasswords: true, passphrase: PASSPHRASE })
    const added = (await target.handle('profiles.import', { fileName: 'tessera-connections.json', text, passphrase: PASSPHRASE })) as ConnectionProfile[]
    const lab = added.find((p) => p.name === 'Lab')!
    const kiosk = added.find((p) => p.name === 'Kiosk')!
    expect(lab.savePassword).toBe(true)
    expect(kiosk.savePassword).toBe(false)
    expect(await secretOf(target, lab.id)).toBe('hunter2-é')
    expect(await secretOf(target, kiosk.id)).toBeNull()
    expect(((await target.handle('profiles.list', undefined)) as ConnectionProfile[]).find((p) => p.id === lab.id)?.savePassword).toBe(true)
  })

  it('without a passphrase imports the connections but not the passwords', async () => {
    const text = await exportToFile({ ids: [], includePasswords: true, passphrase: PASSPHRASE })
    const added = (await target.handle('profiles.import', { fileName: 'x.json', text })) as ConnectionProfile[]
    expect(added).toHaveLength(2)
    for (const p of added) {
      expect(p.savePassword).toBe(false)
      expect(await secretOf(target, p.id)).toBeNull()
    }
  })

  it('refuses to import passwords where no keychain protects them and the file was not allowed', async () => {
    await target.handle('secrets.allowPlainFile', { allow: false })
    const text = await exportToFile({ ids: [], includePasswords: true, passphrase: PASSPHRASE })
    await expect(target.handle('profiles.import', { fileName: 'x.json', text, passphrase: PASSPHRASE })).rejects.toMatchObject({
      error: { kind: 'refused', code: 'SECRETS_NOT_PROTECTED' },
    })
    expect(await target.handle('profiles.list', undefined)).toEqual([])
    expect(existsSync(join(dir, 'b', DATA_FILES.secrets))).toBe(false)
  })

  it('refuses a wrong passphrase clearly and imports nothing', async () => {
    const text = await exportToFile({ ids: [], includePasswords: true, passphrase: PASSPHRASE })
    await expect(target.handle('profiles.import', { fileName: 'x.json', text, passphrase: 'not the passphrase' })).rejects.toMatchObject({
      error: { code: 'IMPORT_BAD_PASSPHRASE', message: expect.stringMatching(/passphrase is wrong/) },
    })
    expect(await target.handle('profiles.list', undefined)).toEqual([])
  })

  it('rejects tampered ciphertext, tag or IV (GCM) and imports nothing', async () => {
    const text = await exportToFile({ ids: [], includePasswords: true, passphrase: PASSPHRASE })
    for (const field of ['data', 'tag', 'iv'] as const) {
      const data = JSON.parse(text) as { passwords: Record<string, string> }
      const bytes = Buffer.from(data.passwords[field], 'base64')
      bytes[0] ^= 1
      data.passwords[field] = bytes.toString('base64')
      await expect(target.handle('profiles.import', { fileName: 'x.json', text: JSON.stringify(data), passphrase: PASSPHRASE })).rejects.toMatchObject({
        error: { code: 'IMPORT_BAD_PASSPHRASE' },
      })
    }
    expect(await target.handle('profiles.list', undefined)).toEqual([])
  })

  it('restores a password only to the address it was saved for', async () => {
    const data = JSON.parse(await exportToFile({ ids: [], includePasswords: true, passphrase: PASSPHRASE })) as { profiles: ConnectionProfile[] }
    // Someone edits the (unencrypted) address of the Lab entry to a server of theirs.
    data.profiles.find((p) => p.name === 'Lab')!.host = 'evil.example'
    const added = (await target.handle('profiles.import', { fileName: 'x.json', text: JSON.stringify(data), passphrase: PASSPHRASE })) as ConnectionProfile[]
    const lab = added.find((p) => p.name === 'Lab')!
    expect(lab.savePassword).toBe(false)
    expect(await secretOf(target, lab.id)).toBeNull()
  })

  it('validates the passphrase: required with the flag, 8..1024 characters', async () => {
    const code = (arg: unknown) =>
      source.handle('profiles.export', arg).then(
        () => 'ok',
        (e: { error: { code: string } }) => e.error.code,
      )
    expect(await code({ ids: [], includePasswords: true })).toBe('HOST_INVALID_REQUEST')
    expect(await code({ ids: [], includePasswords: true, passphrase: 'short' })).toBe('HOST_INVALID_REQUEST')
    expect(await code({ ids: [], includePasswords: true, passphrase: 'x'.repeat(1025) })).toBe('HOST_INVALID_REQUEST')
    expect(await code({ ids: [], includePasswords: false, passphrase: PASSPHRASE })).toBe('HOST_INVALID_REQUEST')
    expect(await code({ ids: [], passphrase: PASSPHRASE })).toBe('HOST_INVALID_REQUEST')
    const imp = (arg: unknown) =>
      target.handle('profiles.import', arg).then(
        () => 'ok',
        (e: { error: { code: string } }) => e.error.code,
      )
    expect(await imp({ fileName: 'x.json', text: '[]', passphrase: '' })).toBe('HOST_INVALID_REQUEST')
    expect(await imp({ fileName: 'x.json', text: '{"profiles":[]}', passphrase: PASSPHRASE })).toBe('IMPORT_NO_PASSWORDS')
  })
})

describe('sealPasswords / openPasswords', () => {
  it('refuses a block with parameters that would cost unbounded memory or time', async () => {
    const sealed = await sealPasswords({ a: { host: 'h', port: 1, password: 'p' } }, PASSPHRASE)
    expect(await openPasswords(sealed, PASSPHRASE)).toEqual({ a: { host: 'h', port: 1, password: 'p' } })
    await expect(openPasswords({ ...sealed, N: 1 << 24 }, PASSPHRASE)).rejects.toMatchObject({ code: 'IMPORT_INVALID' })
    await expect(openPasswords({ ...sealed, N: 3000 }, PASSPHRASE)).rejects.toMatchObject({ code: 'IMPORT_INVALID' })
    await expect(openPasswords({ ...sealed, cipher: 'none' }, PASSPHRASE)).rejects.toMatchObject({ code: 'IMPORT_INVALID' })
    await expect(openPasswords({ ...sealed, salt: 'AAAA' }, PASSPHRASE)).rejects.toMatchObject({ code: 'IMPORT_INVALID' })
    await expect(openPasswords('nope', PASSPHRASE)).rejects.toMatchObject({ code: 'IMPORT_INVALID' })
  })
})
