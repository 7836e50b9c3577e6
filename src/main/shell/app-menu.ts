import type { MenuItemConstructorOptions } from 'electron'
import { type ShellText, englishText, menuLabel } from './shell-i18n'

export interface MenuActions {
  newConnection(): void
  disconnect(): void
  toggleFullscreen(): void
  makeDefaultViewer?(): void
  /** Shows the address book window (opens it again if it was closed). */
  addressBook?(): void
  /** Focuses the next (1) or previous (-1) session window. */
  cycleWindows?(direction: 1 | -1): void
  /** The focused session window shows its next (1) or previous (-1) tab. */
  cycleTabs?(direction: 1 | -1): void
  /** Opens the Preferences dialog (in the focused window, or the address book). */
  preferences?(): void
  /** The address book's list of recordings to play (docs/recording.md). */
  openRecording?(): void
  /** "Measure performance…": frames timed from the host to the focused window (docs/performance.md). */
  measurePerformance?(): void
}

/** An open session as the Window menu lists it. */
export interface SessionMenuEntry {
  label: string
  focus(): void
}

/**
 * Shortcuts the shell handles itself, registered with the menu so they work in every window.
 * Ctrl+` (Cmd+` on macOS, which is that system's own "next window of this app") is rarely
 * needed on a remote desktop, unlike Ctrl+Tab or Ctrl+Alt combinations. A session that grabs
 * the keyboard (fullscreen) may keep these keys for the remote side: the menu still works.
 */
export const SHORTCUTS = {
  nextWindow: 'CmdOrCtrl+`',
  previousWindow: 'CmdOrCtrl+Shift+`',
  nextTab: 'CmdOrCtrl+Alt+PageDown',
  previousTab: 'CmdOrCtrl+Alt+PageUp',
  addressBook: 'CmdOrCtrl+Shift+B',
  preferences: 'CmdOrCtrl+,',
} as const

/**
 * The application menu. New connection, Disconnect and the tab commands are the focused
 * window's to carry out (it knows which session is in front), so they are sent as app
 * commands; New connection and Disconnect are not registered with the OS where Electron allows
 * it, so those keys still reach the remote desktop when no menu is open. Window and tab
 * cycling are registered: the shell handles them. `sessions` lists the open sessions in the
 * Window menu, each focusing its window. Labels are in the language `text` speaks (English by default).
 */
export function menuTemplate(
  actions: MenuActions,
  options: { platform?: NodeJS.Platform; devTools?: boolean; defaultViewer?: boolean; sessions?: readonly SessionMenuEntry[]; text?: ShellText } = {},
): MenuItemConstructorOptions[] {
  const platform = options.platform ?? process.platform
  const mac = platform === 'darwin'
  const tr = options.text ?? englishText
  const t = (key: Parameters<ShellText>[0]): string => menuLabel(tr(key), platform)
  const preferences = actions.preferences
  const preferencesItem = (label: string): MenuItemConstructorOptions[] =>
    preferences ? [{ label, accelerator: SHORTCUTS.preferences, click: () => preferences() }, { type: 'separator' }] : []
  const session: MenuItemConstructorOptions[] = [
    { label: t('shell.menu.newConnection'), accelerator: 'CmdOrCtrl+N', registerAccelerator: false, click: () => actions.newConnection() },
    { label: t('shell.menu.disconnect'), accelerator: 'CmdOrCtrl+D', registerAccelerator: false, click: () => actions.disconnect() },
    ...(actions.openRecording ? [{ label: t('shell.menu.openRecording'), click: () => actions.openRecording?.() }] : []),
    { type: 'separator' },
    ...(actions.makeDefaultViewer
      ? ([
          // Greyed out once it is done: the OS offers no "undo" we could mirror.
          { label: t('shell.menu.makeDefaultViewer'), enabled: !options.defaultViewer, click: () => actions.makeDefaultViewer?.() },
          { type: 'separator' },
        ] as MenuItemConstructorOptions[])
      : []),
    // Elsewhere than macOS the settings live in the first menu, above Quit.
    ...(mac ? [] : preferencesItem(t('shell.menu.preferences'))),
    mac ? { role: 'close', label: t('shell.menu.closeWindow') } : { role: 'quit', label: t('shell.menu.quit'), accelerator: 'CmdOrCtrl+Q' },
  ]
  const edit: MenuItemConstructorOptions[] = [
    { role: 'undo', label: t('shell.menu.undo') },
    { role: 'redo', label: t('shell.menu.redo') },
    { type: 'separator' },
    { role: 'cut', label: t('shell.menu.cut') },
    { role: 'copy', label: t('shell.menu.copy') },
    { role: 'paste', label: t('shell.menu.paste') },
    { role: 'delete', label: t('shell.menu.delete') },
    { type: 'separator' },
    { role: 'selectAll', label: t('shell.menu.selectAll') },
  ]
  const view: MenuItemConstructorOptions[] = [
    { label: t('shell.menu.fullScreen'), accelerator: mac ? 'Ctrl+Cmd+F' : 'F11', click: () => actions.toggleFullscreen() },
    { type: 'separator' },
    { role: 'resetZoom', label: t('shell.menu.actualSize') },
    { role: 'zoomIn', label: t('shell.menu.zoomIn') },
    { role: 'zoomOut', label: t('shell.menu.zoomOut') },
    ...(actions.measurePerformance
      ? ([{ type: 'separator' }, { label: t('shell.menu.measurePerformance'), click: () => actions.measurePerformance?.() }] as MenuItemConstructorOptions[])
      : []),
    ...(options.devTools ? ([{ type: 'separator' }, { role: 'toggleDevTools', label: t('shell.menu.developerTools') }] as MenuItemConstructorOptions[]) : []),
  ]
  // macOS: the app menu holds About, Settings… (Cmd+,), Services, Hide and Quit.
  const appMenu: MenuItemConstructorOptions[] = [
    { role: 'about', label: t('shell.menu.about') },
    { type: 'separator' },
    ...preferencesItem(t('shell.menu.settings')),
    { role: 'services', label: t('shell.menu.services') },
    { type: 'separator' },
    { role: 'hide', label: t('shell.menu.hide') },
    { role: 'hideOthers', label: t('shell.menu.hideOthers') },
    { role: 'unhide', label: t('shell.menu.showAll') },
    { type: 'separator' },
    { role: 'quit', label: t('shell.menu.quitApp') },
  ]
  return [
    ...(mac ? [{ label: 'Tessera', submenu: appMenu } as MenuItemConstructorOptions] : []),
    { label: t('shell.menu.connection'), submenu: session },
    { label: t('shell.menu.edit'), submenu: edit },
    { label: t('shell.menu.view'), submenu: view },
    actions.addressBook || actions.cycleWindows
      ? { label: t('shell.menu.window'), submenu: windowMenu(actions, mac, options.sessions ?? [], t) }
      : { role: 'windowMenu' },
  ]
}

function windowMenu(
  actions: MenuActions,
  mac: boolean,
  sessions: readonly SessionMenuEntry[],
  t: (key: Parameters<ShellText>[0]) => string,
): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [
    { role: 'minimize', label: t('shell.menu.minimize') },
    ...(mac ? ([{ role: 'zoom', label: t('shell.menu.zoom') }] as MenuItemConstructorOptions[]) : []),
    { type: 'separator' },
  ]
  if (actions.addressBook) {
    const open = actions.addressBook
    items.push({ label: t('shell.menu.addressBook'), accelerator: SHORTCUTS.addressBook, click: () => open() })
  }
  if (actions.cycleWindows) {
    const cycle = actions.cycleWindows
    items.push(
      { label: t('shell.menu.nextWindow'), accelerator: SHORTCUTS.nextWindow, click: () => cycle(1) },
      { label: t('shell.menu.previousWindow'), accelerator: SHORTCUTS.previousWindow, click: () => cycle(-1) },
    )
  }
  if (actions.cycleTabs) {
    const cycle = actions.cycleTabs
    items.push(
      { label: t('shell.menu.nextTab'), accelerator: SHORTCUTS.nextTab, click: () => cycle(1) },
      { label: t('shell.menu.previousTab'), accelerator: SHORTCUTS.previousTab, click: () => cycle(-1) },
    )
  }
  if (sessions.length) {
    items.push({ type: 'separator' })
    for (const s of sessions) items.push({ label: s.label, click: () => s.focus() })
  }
  if (mac) items.push({ type: 'separator' }, { role: 'front', label: t('shell.menu.bringAllToFront') })
  return items
}

/** How an open session is named in the Window menu: "name — desktop name", short, with `&` shown as itself (not a mnemonic). */
export function sessionMenuLabel(session: { name: string; desktopName?: string }, platform: NodeJS.Platform = process.platform): string {
  const full = session.desktopName && session.desktopName !== session.name ? `${session.name} — ${session.desktopName}` : session.name
  const short = full.length > 60 ? `${full.slice(0, 59)}…` : full
  return platform === 'darwin' ? short : short.replaceAll('&', '&&')
}
