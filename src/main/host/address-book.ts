import { promises as fs } from 'node:fs'
import { dirname, join } from 'node:path'
import type { ExportRequest, HostRequests } from '@shared/contract'
import { type ConnectionProfile, type ProtectionLevel, type ScalingMode, newProfile, targetFields } from '@shared/profile'
import { formatTarget } from '@shared/target'
import { writeFileAtomic } from './atomic-file'
import type { ConnectionStore } from './connection-store'
import { type HostSession, type TypedCredentials, type TypedSshSecret, sshSecretKey } from './host-session'
import { exportProfiles, importProfiles } from './profile-transfer'
import { protectionAfterConnect, withHostFields } from './protection'
import type { GuardedSecretStore } from './secret-consent'
import type { SessionRegistry } from './session-registry'

/** What the address book needs of the host around it. */
export interface AddressBookParts {
  store: ConnectionStore
  secrets: GuardedSecretStore
  /** The open sessions: a saved profile reaches the sessions using it, a rename every Sessions list. */
  sessions: SessionRegistry
  /** Per-profile thumbnails `<id>.png` live here. */
  thumbnailDir: string
  /** The Preferences' default scaling, which a typed address saved as a new connection starts with. */
  defaultScaling: () => ScalingMode
  /** Tells every window the profiles changed (`profiles.changed`). */
  changed: () => void
  log: (message: string) => void
}

/**
 * The host's side of the saved connections: the `profiles.*` and `secrets.*` requests, the
 * passwords saved with each profile (the SSH secret under its own key), thumbnails, and what a
 * session teaches its profile (that the server was reached, how well protected, a typed password
 * to keep). Every write of a secret goes through the guard: the renderer cannot save a password
 * the user did not allow to be stored unprotected.
 */
export class AddressBook {
  private readonly thumbnailWrites = new Set<Promise<void>>()

  constructor(private readonly parts: AddressBookParts) {}

  /** Every saved connection. */
  list(): ConnectionProfile[] {
    return this.parts.store.list()
  }

  /** The saved connection with this id, if any. */
  get(id: string): ConnectionProfile | undefined {
    return this.parts.store.get(id)
  }

  /** What the store found wrong at start (damaged files set aside), with the folder they are in, for the page to show. */
  problems(): HostRequests['profiles.problems'][1] {
    const { store } = this.parts
    return { folder: dirname(store.file), problems: store.problems.map((p) => ({ ...p })) }
  }

  /** Saves a profile from the renderer (host-only fields kept); unticking "save password" forgets it. */
  async save(p: ConnectionProfile): Promise<ConnectionProfile> {
    const { store, secrets, sessions } = this.parts
    const before = p.id ? store.get(p.id) : undefined
    const saved = await store.save(withHostFields(p, before))
    if (before?.savePassword && !saved.savePassword) await secrets.delete(saved.id)
    for (const s of sessions.all()) if (s.profileId === saved.id) s.updateProfile(saved)
    this.parts.changed()
    // A renamed connection is renamed in every Sessions list.
    sessions.changed()
    return saved
  }

  /** Deletes a profile with its saved secrets and thumbnail. */
  async delete(id: string): Promise<void> {
    const { store, secrets } = this.parts
    if (await store.delete(id)) {
      await secrets.delete(id)
      await secrets.delete(sshSecretKey(id))
      await fs.rm(this.thumbnailPath(id), { force: true })
      this.parts.changed()
    }
  }

  /** The profile's last picture, or null when there is none. */
  async thumbnail(id: string): Promise<{ png: Uint8Array } | null> {
    try {
      return { png: new Uint8Array(await fs.readFile(this.thumbnailPath(id))) }
    } catch {
      return null
    }
  }

  /** See `profiles.import` and {@link importProfiles}. */
  async importProfiles(req: HostRequests['profiles.import'][0]): Promise<ConnectionProfile[]> {
    const out = await importProfiles(this.parts.store, this.parts.secrets, req)
    if (out.length) this.parts.changed()
    return out
  }

  /** See `profiles.export` and {@link exportProfiles}. */
  exportProfiles(req: ExportRequest): Promise<{ fileName: string; text: string }> {
    return exportProfiles(this.parts.store, this.parts.secrets, req)
  }

  /** Where saved passwords go (`secrets.status`). */
  secretsStatus(): HostRequests['secrets.status'][1] {
    const { secrets } = this.parts
    return { available: secrets.available(), protected: secrets.protected(), backend: secrets.backend(), plainFileAllowed: secrets.consent.granted }
  }

  /**
   * Records the user's answer about saving passwords without a keychain. Taking it back also
   * forgets every password saved that way, since the user no longer wants them in the file.
   */
  async allowPlainFile(allow: boolean): Promise<void> {
    const { store, secrets } = this.parts
    await secrets.consent.set(allow)
    if (allow || secrets.protected()) return
    let changed = false
    for (const p of store.list()) {
      await secrets.delete(p.id)
      await secrets.delete(sshSecretKey(p.id))
      if (p.savePassword) {
        await store.save({ ...p, savePassword: false })
        changed = true
      }
    }
    if (changed) this.parts.changed()
  }

  /** Forgets a profile's saved password and SSH secret (`secrets.forget`), and that it saves one. */
  async forgetSecrets(profileId: string): Promise<void> {
    const { store, secrets } = this.parts
    await secrets.delete(profileId)
    await secrets.delete(sshSecretKey(profileId))
    const p = store.get(profileId)
    if (p?.savePassword) {
      const { passwordProtection: _, ...rest } = p
      await store.save({ ...rest, savePassword: false })
      this.parts.changed()
    }
  }

  /** The address book remembers every server reached; a typed password is saved if asked. */
  async recordConnection(session: HostSession, typed: TypedCredentials | null, sshTyped: TypedSshSecret | null = null): Promise<void> {
    const { store, secrets } = this.parts
    // A server that connected to us has no address to connect back to: nothing to remember.
    if (session.reverse) return
    let profile = session.profileId ? store.get(session.profileId) : undefined
    if (!profile) {
      const t = session.target
      // A typed address becomes a saved connection named as typed, with the Preferences' default scaling.
      profile = await store.save(newProfile({ id: '', ...targetFields(t), name: session.typedLabel || formatTarget(t), scaling: this.parts.defaultScaling() }))
      session.updateProfile(profile)
    }
    // The wall watching a folder does not make its connections the most recently used.
    if (!session.watch) await store.touch(profile.id)
    profile = store.get(profile.id) ?? profile
    let savedNow = false
    if (typed) {
      if (typed.save && secrets.mayWrite()) {
        await secrets.set(profile.id, typed.credentials.password)
        savedNow = true
        if (!profile.savePassword) profile = await store.save({ ...profile, savePassword: true })
      } else if (!typed.save && profile.savePassword) {
        await secrets.delete(profile.id)
        const { passwordProtection: _, ...rest } = profile
        profile = await store.save({ ...rest, savePassword: false })
      }
    }
    // Remember how well protected this server's connections are, and what a saved password went over.
    const change = protectionAfterConnect(profile, session.reached ?? 'none', savedNow)
    if (change) profile = await store.save({ ...profile, ...change })
    session.updateProfile(profile)
    // The SSH password or key passphrase: saved when asked to, forgotten when the user said not to.
    if (sshTyped) {
      if (sshTyped.save && secrets.mayWrite()) await secrets.set(sshSecretKey(profile.id), sshTyped.secret)
      else if (!sshTyped.save) await secrets.delete(sshSecretKey(profile.id))
    }
    this.parts.changed()
    // A typed address has become a saved connection: summaries name its profile now.
    this.parts.sessions.changed()
  }

  /** The user accepted weaker protection for the session's profile: later connections expect only `level`. */
  async lowerProtection(session: HostSession, level: ProtectionLevel): Promise<void> {
    const { store } = this.parts
    const profile = session.profileId ? store.get(session.profileId) : undefined
    if (!profile) return
    session.updateProfile(await store.save({ ...profile, protection: level }))
    this.parts.changed()
  }

  /** Writes a profile's thumbnail in the background (failures are logged); `settled` waits for it. */
  saveThumbnail(profileId: string, png: Uint8Array): void {
    const write = writeFileAtomic(this.thumbnailPath(profileId), png)
      .catch((e: unknown) => this.parts.log(`cannot save a thumbnail: ${(e as Error).message}`))
      .finally(() => this.thumbnailWrites.delete(write))
    this.thumbnailWrites.add(write)
  }

  /** Waits until no thumbnail or profile write is pending, including writes started meanwhile (sessions closing save their last ones). */
  async settled(): Promise<void> {
    do {
      await new Promise((r) => setImmediate(r))
      await Promise.all([...this.thumbnailWrites, this.parts.store.idle()])
    } while (this.thumbnailWrites.size > 0)
  }

  private thumbnailPath(profileId: string): string {
    // Profile ids are validated against ID_PATTERN before they reach here: no path separators.
    return join(this.parts.thumbnailDir, `${profileId}.png`)
  }
}
