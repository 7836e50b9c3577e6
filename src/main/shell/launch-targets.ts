import { promises as fs } from 'node:fs'
import { basename } from 'node:path'
import type { ConnectionProfile } from '@shared/profile'
import { ID_PATTERN } from '@shared/schemas'
import { type Target, formatTarget, parseTarget } from '@shared/target'
import type { HostClient } from '../host/endpoint'
import type { Host } from '../host/host'
import { parseVncFile } from '../host/vnc-file'

/** Something the OS asked us to open: a vnc:// URL, a .vnc file, or a saved connection (jump list, dock menu). */
export type LaunchTarget = { kind: 'url'; url: string } | { kind: 'file'; path: string } | { kind: 'profile'; id: string }

/** The argument a jump-list entry starts Tessera with to open saved connection `<id>`. */
export const PROFILE_ARG = '--tessera-profile='

/** A .vnc file is a few hundred bytes; anything this large is not one. */
const MAX_VNC_FILE = 1 << 20

/** The vnc:// URLs and .vnc files among command-line arguments (flags and the app path are skipped). */
export function targetsFromArgv(argv: readonly string[]): LaunchTarget[] {
  const out: LaunchTarget[] = []
  for (const a of argv) {
    // Chromium may lower-case switch names on Windows; the id itself keeps its case.
    if (a.toLowerCase().startsWith(PROFILE_ARG)) {
      const id = a.slice(PROFILE_ARG.length)
      if (ID_PATTERN.test(id) && id.length <= 64) out.push({ kind: 'profile', id })
    } else if (/^vncs?:\/\//i.test(a)) out.push({ kind: 'url', url: a })
    else if (!a.startsWith('-') && /\.vnc$/i.test(a)) out.push({ kind: 'file', path: a })
  }
  return out
}

/**
 * Asks the person whether to connect to `server` (as formatTarget writes it), a server that a
 * link or file from outside Tessera names and the address book does not hold; true to connect.
 */
export type ConfirmUnknownServer = (server: string, target: LaunchTarget) => Promise<boolean>

/** True when a saved connection points at the same server (host, case-insensitively, and port). */
export function isSavedServer(profiles: readonly ConnectionProfile[], t: Target): boolean {
  const host = t.host.toLowerCase()
  return profiles.some((p) => p.host.toLowerCase() === host && p.port === t.port)
}

/**
 * What a launch target opens, on behalf of the host client `owner`: a saved connection as
 * itself; a URL as if typed in the quick-connect bar; a file imported into the address book
 * first (if new), so the session gets its options. A URL or file naming a server that is not in
 * the address book is a link anyone could have sent: `confirm` asks first, before anything is
 * imported, and a "no" resolves with null. Everything goes through `host.handle`, so the usual
 * validation applies, and a refusal rejects with the HostError the shell shows. Nothing
 * connects here: the shell opens the result in a session window.
 */
export async function resolveLaunchTarget(
  host: Host,
  target: LaunchTarget,
  owner: HostClient,
  confirm: ConfirmUnknownServer,
): Promise<{ profileId: string } | { address: string } | null> {
  const profiles = async (): Promise<ConnectionProfile[]> => (await host.handle('profiles.list', undefined, owner)) as ConnectionProfile[]
  const allowed = async (t: Target): Promise<boolean> => isSavedServer(await profiles(), t) || confirm(formatTarget(t), target)

  if (target.kind === 'profile') return { profileId: target.id }
  if (target.kind === 'url') {
    let parsed: Target | null = null
    try {
      parsed = parseTarget(target.url)
    } catch {
      // Not an address at all: the host refuses it with its own error when it is opened, and nothing connects.
    }
    if (parsed && !(await allowed(parsed))) return null
    return { address: target.url }
  }
  const stat = await fs.stat(target.path)
  if (!stat.isFile() || stat.size > MAX_VNC_FILE) throw new Error(`${target.path} is not a .vnc file`)
  const text = await fs.readFile(target.path, 'utf8')
  const fileName = basename(target.path)
  const fields = parseVncFile(fileName, text)
  if (!(await allowed(fields))) return null
  await host.handle('profiles.import', { fileName, text }, owner)
  const match = (await profiles()).find((p) => p.host === fields.host && p.port === fields.port && (p.username ?? '') === (fields.username ?? ''))
  return match ? { profileId: match.id } : { address: `${fields.host.includes(':') ? `[${fields.host}]` : fields.host}::${fields.port}` }
}

/**
 * Resolves a launch target (see resolveLaunchTarget) and opens its session for `owner` right
 * away; resolves with the session id, or null when the person declined.
 */
export async function openLaunchTarget(host: Host, target: LaunchTarget, owner: HostClient, confirm: ConfirmUnknownServer): Promise<string | null> {
  const resolved = await resolveLaunchTarget(host, target, owner, confirm)
  if (!resolved) return null
  return ((await host.handle('session.open', resolved, owner)) as { sessionId: string }).sessionId
}

/** How a target is named in an error message. */
export function describeTarget(target: LaunchTarget, savedConnection = 'the saved connection'): string {
  return target.kind === 'url' ? target.url : target.kind === 'file' ? target.path : savedConnection
}
