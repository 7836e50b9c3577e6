import type { ExportRequest, HostRequests } from '@shared/contract'
import type { ConnectionProfile } from '@shared/profile'
import type { ConnectionStore } from './connection-store'
import { hostError } from './errors'
import { type SealedEntry, openPasswords, sealPasswords, sealedBlockOf } from './export-crypto'
import type { GuardedSecretStore } from './secret-consent'

/** The export (`profiles.export`), with the saved passwords of the chosen profiles sealed under the passphrase if asked. */
export async function exportProfiles(store: ConnectionStore, secrets: GuardedSecretStore, req: ExportRequest): Promise<{ fileName: string; text: string }> {
  if (!('includePasswords' in req)) return store.export(req.ids)
  const entries: Record<string, SealedEntry> = {}
  for (const p of store.exportable(req.ids)) {
    const password = p.savePassword ? await secrets.get(p.id) : null
    if (password !== null) entries[p.id] = { host: p.host, port: p.port, password, ...(p.username ? { username: p.username } : {}) }
  }
  return store.export(req.ids, { passwords: await sealPasswords(entries, req.passphrase) })
}

/**
 * Imports a file (`profiles.import`); with a passphrase, also the passwords an export sealed.
 * They are opened before anything is added, so a wrong passphrase imports nothing, and each is
 * restored only to a profile with the address it was saved for. Returns the profiles added.
 */
export async function importProfiles(
  store: ConnectionStore,
  secrets: GuardedSecretStore,
  { fileName, text, passphrase }: HostRequests['profiles.import'][0],
): Promise<ConnectionProfile[]> {
  const block = passphrase === undefined ? undefined : sealedBlockOf(text)
  if (passphrase !== undefined && block === undefined)
    throw hostError('refused', 'IMPORT_NO_PASSWORDS', 'this file holds no saved passwords; import it without a passphrase')
  if (block !== undefined && !secrets.available())
    throw hostError('refused', 'IMPORT_NO_SECRET_STORE', 'passwords cannot be saved on this computer; import the file without a passphrase')
  if (block !== undefined) secrets.checkWrite()
  const sealed = block === undefined ? {} : await openPasswords(block, passphrase ?? '')
  const added = await store.importWithSources(fileName, text)
  const out: ConnectionProfile[] = []
  for (const { profile, sourceId } of added) {
    const e = Object.hasOwn(sealed, sourceId) ? sealed[sourceId] : undefined
    if (e && e.host === profile.host && e.port === profile.port && (e.username ?? '') === (profile.username ?? '')) {
      await secrets.set(profile.id, e.password)
      out.push(await store.save({ ...profile, savePassword: true }))
    } else {
      out.push(profile)
    }
  }
  return out
}
