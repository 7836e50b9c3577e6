import type { MenuItemConstructorOptions } from 'electron'

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
} as const

/**
 * The application menu. New connection, Disconnect and the tab commands are the focused
 * window's to carry out (it knows which session is in front), so they are sent as app
 * commands; New connection and Disconnect are not registered with the OS where Electron allows
 * it, so those keys still reach the remote desktop when no menu is open. Window and tab
 * cycling are registered: the shell handles them. `sessions` lists the open sessions in the
 * Window menu, each focusing its window.
 */
export function menuTemplate(
  actions: MenuActions,
  options: { platform?: NodeJS.Platform; devTools?: boolean; defaultViewer?: boolean; sessions?: readonly SessionMenuEntry[] } = {},
): MenuItemConstructorOptions[] {
  const platform = options.platform ?? process.platform
  const mac = platform === 'darwin'
  const session: MenuItemConstructorOptions[] = [
    { label: 'New Connection', accelerator: 'CmdOrCtrl+N', registerAccelerator: false, click: () => actions.newConnection() },
    { label: 'Disconnect', accelerator: 'CmdOrCtrl+D', registerAccelerator: false, click: () => actions.disconnect() },
    { type: 'separator' },
    ...(actions.makeDefaultViewer
      ? ([
          // Greyed out once it is done: the OS offers no "undo" we could mirror.
          { label: 'Make Tessera the Default VNC Viewer', enabled: !options.defaultViewer, click: () => actions.makeDefaultViewer?.() },
          { type: 'separator' },
        ] as MenuItemConstructorOptions[])
      : []),
    mac ? { role: 'close' } : { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
  ]
  const view: MenuItemConstructorOptions[] = [
    { label: 'Full Screen', accelerator: mac ? 'Ctrl+Cmd+F' : 'F11', click: () => actions.toggleFullscreen() },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    ...(options.devTools ? ([{ type: 'separator' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
  ]
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: mac ? 'Connection' : '&Connection', submenu: session },
    { role: 'editMenu' },
    { label: mac ? 'View' : '&View', submenu: view },
    actions.addressBook || actions.cycleWindows
      ? { label: mac ? 'Window' : '&Window', submenu: windowMenu(actions, mac, options.sessions ?? []) }
      : { role: 'windowMenu' },
  ]
}

function windowMenu(actions: MenuActions, mac: boolean, sessions: readonly SessionMenuEntry[]): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [
    { role: 'minimize' },
    ...(mac ? ([{ role: 'zoom' }] as MenuItemConstructorOptions[]) : []),
    { type: 'separator' },
  ]
  if (actions.addressBook) {
    const open = actions.addressBook
    items.push({ label: 'Address Book', accelerator: SHORTCUTS.addressBook, click: () => open() })
  }
  if (actions.cycleWindows) {
    const cycle = actions.cycleWindows
    items.push(
      { label: 'Next Session Window', accelerator: SHORTCUTS.nextWindow, click: () => cycle(1) },
      { label: 'Previous Session Window', accelerator: SHORTCUTS.previousWindow, click: () => cycle(-1) },
    )
  }
  if (actions.cycleTabs) {
    const cycle = actions.cycleTabs
    items.push(
      { label: 'Next Tab', accelerator: SHORTCUTS.nextTab, click: () => cycle(1) },
      { label: 'Previous Tab', accelerator: SHORTCUTS.previousTab, click: () => cycle(-1) },
    )
  }
  if (sessions.length) {
    items.push({ type: 'separator' })
    for (const s of sessions) items.push({ label: s.label, click: () => s.focus() })
  }
  if (mac) items.push({ type: 'separator' }, { role: 'front' })
  return items
}

/** How an open session is named in the Window menu: "name — desktop name", short, with `&` shown as itself (not a mnemonic). */
export function sessionMenuLabel(session: { name: string; desktopName?: string }, platform: NodeJS.Platform = process.platform): string {
  const full = session.desktopName && session.desktopName !== session.name ? `${session.name} — ${session.desktopName}` : session.name
  const short = full.length > 60 ? `${full.slice(0, 59)}…` : full
  return platform === 'darwin' ? short : short.replaceAll('&', '&&')
}
