import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { KeychainSecretStore, openOsKeychain } from '../../../src/main/host/keychain-secrets'
import { FileSecretStore } from '../../../src/main/host/secrets'
import { type KeyringDaemon, keyringDaemonMissing, startKeyringDaemon } from '../../helpers/keyring-daemon'

// Its own file (its own process under vitest): libdbus reads DBUS_SESSION_BUS_ADDRESS once per
// process, so nothing may reach for a session bus here before the private one is up.

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-keychain-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

// The real thing: the freedesktop Secret Service of gnome-keyring-daemon on a private session bus.
const missing = process.platform === 'linux' ? keyringDaemonMissing() : 'the Secret Service is Linux only'
describe.skipIf(missing !== null)(`KeychainSecretStore on a real gnome-keyring-daemon${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let daemon: KeyringDaemon
  let savedAddress: string | undefined
  const service = `Tessera test ${process.pid}`

  beforeAll(async () => {
    daemon = await startKeyringDaemon()
    savedAddress = process.env.DBUS_SESSION_BUS_ADDRESS
    process.env.DBUS_SESSION_BUS_ADDRESS = daemon.address
  })

  afterAll(async () => {
    if (savedAddress === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedAddress
    await daemon?.stop()
  })

  /** What secret-tool (libsecret) finds for the account, if it is installed: a second, independent reader. */
  const lookup = (account: string): string | null => {
    const r = spawnSync('secret-tool', ['lookup', 'service', service, 'username', account], { env: daemon.env, encoding: 'utf8' })
    if (r.error) return null
    return r.status === 0 ? r.stdout : null
  }
  const haveSecretTool = spawnSync('which', ['secret-tool']).status === 0

  it('stores, reads back and deletes a password', async () => {
    const keychain = await openOsKeychain(service)
    expect(keychain, 'the Secret Service on the private bus was not usable').not.toBeNull()
    expect(keychain!.backend).toBe('secret-service')
    const store = new KeychainSecretStore(keychain!)
    expect(await store.get('profile-1')).toBeNull()
    await store.set('profile-1', 'hunter2-é')
    await store.set('profile-2', 'other')
    expect(await store.get('profile-1')).toBe('hunter2-é')
    // A fresh handle reads the same item from the daemon, not from any cache of ours.
    expect(await new KeychainSecretStore((await openOsKeychain(service))!).get('profile-1')).toBe('hunter2-é')
    if (haveSecretTool) expect(lookup('profile-1')).toBe('hunter2-é')
    await store.set('profile-1', 'changed')
    expect(await store.get('profile-1')).toBe('changed')
    await store.delete('profile-1')
    await store.delete('never-saved')
    expect(await store.get('profile-1')).toBeNull()
    expect(await store.get('profile-2')).toBe('other')
    if (haveSecretTool) expect(lookup('profile-1')).toBeNull()
    await store.delete('profile-2')
  })

  it('moves a plain-file password into the keyring, so the file no longer holds it', async () => {
    const file = join(dir, 'secrets.json')
    await new FileSecretStore(file).set('legacy', 'from-the-file')
    const store = new KeychainSecretStore((await openOsKeychain(service))!, new FileSecretStore(file))
    expect(await store.get('legacy')).toBe('from-the-file')
    expect(readFileSync(file, 'utf8')).not.toContain('from-the-file')
    expect(await new KeychainSecretStore((await openOsKeychain(service))!).get('legacy')).toBe('from-the-file')
    await store.delete('legacy')
  })
})
