import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DATA_FILES, createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import type { Keychain } from '../../../src/main/host/keychain-secrets'
import type { HostEvents } from '../../../src/shared/contract'
import type { ConnectionProfile } from '../../../src/shared/profile'
import { MiniServer } from './mini-server'

// The host, not the renderer, decides whether a password may be written: without a keychain
// only after the user allowed the 0600 file, whatever a (possibly compromised) renderer sends.

let dir: string
let host: Host
let server: MiniServer

/** A keychain in a Map, standing in for the OS one. */
class MapKeychain implements Keychain {
  readonly backend = 'fake-keychain'
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

async function start(keychain: Keychain | null): Promise<Host> {
  return (await createHost({ dataDir: dir, keychain, decodeImage: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } })).host
}

function next<K extends 'session.credentials' | 'session.state' | 'profiles.changed'>(
  name: K,
  test: (p: HostEvents[K]) => boolean = () => true,
): Promise<HostEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event within 5 s`)), 5_000)
    const on = (p: HostEvents[K]): void => {
      if (!test(p)) return
      clearTimeout(timer)
      host.off(name, on as never)
      resolve(p)
    }
    host.on(name, on as never)
  })
}

/** Opens a session to the password server and waits for its password prompt. */
async function openAndAsk(): Promise<string> {
  const asked = next('session.credentials')
  const { sessionId } = (await host.handle('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string }
  expect((await asked).sessionId).toBe(sessionId)
  return sessionId
}

const secretsFile = (): string => join(dir, DATA_FILES.secrets)

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-consent-'))
  server = await new MiniServer({ width: 4, height: 3, password: 'sesame' }).start()
})

afterEach(async () => {
  await host.shutdown()
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('host: saving a password where no keychain protects it', () => {
  it('refuses the save with SECRETS_NOT_PROTECTED, keeps the prompt open and writes nothing', async () => {
    host = await start(null)
    expect(await host.handle('secrets.status', undefined)).toEqual({ available: true, protected: false, backend: 'file', plainFileAllowed: false })
    const id = await openAndAsk()
    await expect(host.handle('session.credentials', { sessionId: id, password: 'sesame', save: true })).rejects.toMatchObject({
      error: { kind: 'refused', code: 'SECRETS_NOT_PROTECTED' },
    })
    // The same prompt still takes an answer that does not ask to save.
    const connected = next('session.state', (p) => p.sessionId === id && p.state === 'connected')
    await host.handle('session.credentials', { sessionId: id, password: 'sesame', save: false })
    await connected
    const profiles = (await host.handle('profiles.list', undefined)) as ConnectionProfile[]
    expect(profiles.map((p) => p.savePassword)).toEqual([false])
    expect(existsSync(secretsFile())).toBe(false)
  })

  it('after the user allowed the file: saves it 0600, remembers the answer, and taking it back forgets the passwords', async () => {
    host = await start(null)
    await host.handle('secrets.allowPlainFile', { allow: true })
    const id = await openAndAsk()
    const saved = next('profiles.changed', (p) => p.profiles[0]?.savePassword === true)
    await host.handle('session.credentials', { sessionId: id, password: 'sesame', save: true })
    const profile = (await saved).profiles[0]
    expect(statSync(secretsFile()).mode & 0o777).toBe(0o600)
    expect(readFileSync(secretsFile(), 'utf8')).toContain('sesame')
    expect(statSync(join(dir, DATA_FILES.plainFileConsent)).mode & 0o777).toBe(0o600)
    await host.shutdown()

    // The answer outlives the host.
    host = await start(null)
    expect(await host.handle('secrets.status', undefined)).toMatchObject({ protected: false, plainFileAllowed: true })
    const forgotten = next('profiles.changed', (p) => p.profiles[0]?.savePassword === false)
    await host.handle('secrets.allowPlainFile', { allow: false })
    expect((await forgotten).profiles[0].id).toBe(profile.id)
    expect(readFileSync(secretsFile(), 'utf8')).not.toContain('sesame')
    expect(await host.handle('secrets.status', undefined)).toMatchObject({ plainFileAllowed: false })
  })

  it('a consent file that is not a clear yes counts as no', async () => {
    writeFileSync(join(dir, DATA_FILES.plainFileConsent), '{"plainFileSecrets":"yes"}')
    host = await start(null)
    expect(await host.handle('secrets.status', undefined)).toMatchObject({ plainFileAllowed: false })
  })
})

describe('host: saving a password with a keychain', () => {
  it('saves into the keychain without asking about a file, and nothing goes to disk', async () => {
    const keychain = new MapKeychain()
    host = await start(keychain)
    expect(await host.handle('secrets.status', undefined)).toEqual({ available: true, protected: true, backend: 'fake-keychain', plainFileAllowed: false })
    const id = await openAndAsk()
    const saved = next('profiles.changed', (p) => p.profiles[0]?.savePassword === true)
    await host.handle('session.credentials', { sessionId: id, password: 'sesame', save: true })
    const profile = (await saved).profiles[0]
    expect(keychain.map.get(profile.id)).toBe('sesame')
    expect(existsSync(secretsFile())).toBe(false)
    await host.handle('secrets.forget', { profileId: profile.id })
    expect(keychain.map.has(profile.id)).toBe(false)
  })
})
