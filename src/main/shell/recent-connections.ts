import { type JumpListCategory, type JumpListItem, Menu, type MenuItemConstructorOptions, app } from 'electron'
import { type ConnectionProfile, profileTarget } from '@shared/profile'
import { formatTarget } from '@shared/target'
import { type SelfCommand, selfCommand, windowsArgs } from './default-viewer'
import type { Host } from '../host/host'
import { type LaunchTarget, PROFILE_ARG } from './launch-targets'

/** How many recent connections the jump list and the dock menu offer. */
export const MAX_RECENT = 8
/** Windows shows about this much of a jump list title. */
const MAX_TITLE = 80

/** The connections used most recently, newest first; never-used ones are not "recent". */
export function recentConnections(profiles: readonly ConnectionProfile[], max = MAX_RECENT): ConnectionProfile[] {
  return profiles
    .filter((p) => p.lastUsedAt > 0)
    .sort((a, b) => b.lastUsedAt - a.lastUsedAt)
    .slice(0, max)
}

const label = (p: ConnectionProfile): string => (p.name.trim() || p.host).slice(0, MAX_TITLE)
const address = (p: ConnectionProfile): string => formatTarget(profileTarget(p))

/**
 * The Windows jump list: the OS's recent .vnc files, then our recent connections, each a task
 * that starts Tessera with `--tessera-profile=<id>` (a running Tessera receives it through the
 * single-instance lock). Entries the user removed from the list must not be added back: Windows
 * would then drop the whole category.
 */
export function jumpListCategories(profiles: readonly ConnectionProfile[], self: SelfCommand, removed: readonly JumpListItem[] = []): JumpListCategory[] {
  const gone = new Set(removed.map((r) => r.args).filter((a): a is string => typeof a === 'string'))
  const items: JumpListItem[] = recentConnections(profiles)
    .map((p) => ({
      type: 'task' as const,
      title: label(p),
      description: address(p),
      program: self.program,
      // Ids match ID_PATTERN, so the argument needs no quoting.
      args: windowsArgs([...self.args, `${PROFILE_ARG}${p.id}`]),
      iconPath: self.program,
      iconIndex: 0,
    }))
    .filter((item) => !gone.has(item.args))
  return [{ type: 'recent' }, ...(items.length ? [{ type: 'custom' as const, name: 'Recent Connections', items }] : [])]
}

/** The macOS dock menu: one item per recent connection, opening it in this process. */
export function dockMenuTemplate(profiles: readonly ConnectionProfile[], open: (id: string) => void): MenuItemConstructorOptions[] {
  return recentConnections(profiles).map((p) => ({ label: label(p), toolTip: address(p), click: () => open(p.id) }))
}

export interface RecentOptions {
  platform?: NodeJS.Platform
  self?: SelfCommand
  /** Opens a saved connection in the running app (dock menu clicks). */
  open(id: string): void
  log?: (message: string) => void
}

/**
 * Keeps the jump list (Windows) or dock menu (macOS) in step with the address book: filled now,
 * refreshed on every `profiles.changed` whose recent list differs. Returns the unsubscribe.
 */
export async function trackRecentConnections(host: Host, options: RecentOptions): Promise<() => void> {
  const platform = options.platform ?? process.platform
  if (platform !== 'win32' && platform !== 'darwin') return () => undefined
  const self = options.self ?? selfCommand()
  const log = options.log ?? ((m: string) => process.stderr.write(`tessera: ${m}\n`))
  let shown: string | null = null
  const update = (profiles: readonly ConnectionProfile[]): void => {
    // Each connection touches lastUsedAt; only a change in what is listed is worth a shell update.
    const key = JSON.stringify(recentConnections(profiles).map((p) => [p.id, label(p), address(p)]))
    if (key === shown) return
    shown = key
    try {
      if (platform === 'win32') {
        const result = app.setJumpList(jumpListCategories(profiles, self, app.getJumpListSettings().removedItems))
        if (result !== 'ok') log(`cannot update the jump list: ${result}`)
      } else {
        app.dock?.setMenu(Menu.buildFromTemplate(dockMenuTemplate(profiles, options.open)))
      }
    } catch (e) {
      log(`cannot update recent connections: ${(e as Error).message}`)
    }
  }
  const listener = ({ profiles }: { profiles: ConnectionProfile[] }): void => update(profiles)
  host.on('profiles.changed', listener)
  update((await host.handle('profiles.list', undefined)) as ConnectionProfile[])
  return () => host.off('profiles.changed', listener)
}

/** An opened .vnc file joins the OS's recent documents (jump list, Dock, File > Open Recent). */
export function rememberOpened(target: LaunchTarget, platform: NodeJS.Platform = process.platform): void {
  // Electron has recent documents only on Windows and macOS.
  if (target.kind === 'file' && (platform === 'win32' || platform === 'darwin')) app.addRecentDocument(target.path)
}
