import type { MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  newConnection(): void
  disconnect(): void
  toggleFullscreen(): void
  makeDefaultViewer?(): void
}

/**
 * The application menu. New connection and Disconnect are the renderer's to carry out (it
 * knows which session is in front), so they are sent as app commands; the accelerators are
 * not registered with the OS where Electron allows it, so a key the user means for the remote
 * desktop still reaches the page when no menu is open.
 */
export function menuTemplate(
  actions: MenuActions,
  options: { platform?: NodeJS.Platform; devTools?: boolean; defaultViewer?: boolean } = {},
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
    { role: 'windowMenu' },
  ]
}
