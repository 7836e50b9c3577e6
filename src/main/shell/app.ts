import { join } from 'node:path'
import { BrowserWindow, type MessageBoxOptions, Menu, app, dialog, ipcMain, protocol, screen, session, webContents } from 'electron'
import type { AppCommand } from '@shared/contract'
import { menuTemplate } from './app-menu'
import { safeStorageCipher } from './electron-secrets'
import { createHost } from '../host/create-host'
import type { Host } from '../host/host'
import { type IpcBridge, bridgeHostToIpc } from './ipc-bridge'
import { isDefaultViewer, makeDefaultViewer } from './default-viewer'
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './app-protocol'
import { type LaunchTarget, describeTarget, openLaunchTarget, targetsFromArgv } from './launch-targets'
import { installPermissionHandlers } from './permissions'
import { rememberOpened, trackRecentConnections } from './recent-connections'
import { guardWebContents } from './web-contents-guard'
import { type RendererLocation, isTrustedSender, loadWindowState, rendererUrl, saveWindowState, visibleBounds, windowOptions, withCsp } from './window-options'

// The Electron shell: windows, menu, OS integration. Everything else is the host service,
// reached only through the validated IPC bridge.

/** Where the built renderer and preload are, beside the main bundle (set by startShell). */
let renderer: RendererLocation
let preloadFile: string
const windowStateFile = (): string => join(app.getPath('userData'), 'window-state.json')

let host: Host | null = null
let bridge: IpcBridge | null = null
let mainWindow: BrowserWindow | null = null
/** Targets that arrived before the window could take them. */
const pending: LaunchTarget[] = []
let rendererReady = false

/**
 * Runs the desktop app: one instance, one window, the host behind the IPC bridge. `bundleDir`
 * is the directory of the main bundle (out/main), beside which the renderer and preload are built.
 */
export function startShell(bundleDir: string): void {
  renderer = {
    dir: join(bundleDir, '../renderer'),
    devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
  }
  preloadFile = join(bundleDir, '../preload/index.js')
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  // Both must happen before app.ready: every renderer sandboxed, and app:// a real origin.
  app.enableSandbox()
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
  pending.push(...targetsFromArgv(process.argv.slice(1)))
  app.on('second-instance', (_event, argv) => {
    pending.push(...targetsFromArgv(argv.slice(1)))
    focus()
    flushTargets()
  })
  app.on('open-url', (event, url) => {
    event.preventDefault()
    pending.push({ kind: 'url', url })
    flushTargets()
  })
  app.on('open-file', (event, path) => {
    event.preventDefault()
    pending.push({ kind: 'file', path })
    flushTargets()
  })
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents))
  void app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      // Most likely another Tessera holds the data folder (DATA_DIR_LOCKED): its message says what to do.
      dialog.showErrorBox('Tessera cannot start', (e as Error).message)
      app.quit()
    })
  app.on('window-all-closed', () => app.quit())
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting || !host) return
    // Close sessions (saving their thumbnails) before the process goes.
    event.preventDefault()
    quitting = true
    void host.shutdown().finally(() => app.quit())
  })
}

async function start(): Promise<void> {
  const created = await createHost({ dataDir: app.getPath('userData'), cipher: safeStorageCipher() })
  host = created.host
  bridge = bridgeHostToIpc({
    host,
    ipcMain,
    isTrustedSender: (url, isMainFrame) => isTrustedSender(url, isMainFrame, renderer),
    send: (id, channel, ...args) => {
      const wc = webContents.fromId(id)
      if (wc && !wc.isDestroyed()) wc.send(channel, ...args)
    },
  })
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) })
  })
  serveRenderer(protocol, renderer.dir)
  installPermissionHandlers(session.defaultSession, {
    where: renderer,
    isFocused: (id) => BrowserWindow.getFocusedWindow()?.webContents.id === id,
    hasSession: (id) => hasSession(id),
  })
  installMenu()
  // Jump list (Windows) / dock menu (macOS); a failure there must not keep the window from opening.
  void trackRecentConnections(host, { open: (id) => openTarget({ kind: 'profile', id }) }).catch((e: unknown) =>
    process.stderr.write(`tessera: cannot list recent connections: ${(e as Error).message}\n`),
  )
  await createWindow()
  if (created.store.problems.length) {
    void dialog.showMessageBox({
      type: 'warning',
      title: 'Tessera',
      message: 'There was a problem with your saved connections.',
      detail: created.store.problems.map((p) => p.message).join('\n\n'),
    })
  }
}

async function createWindow(): Promise<void> {
  const saved = await loadWindowState(windowStateFile())
  const state = visibleBounds(
    saved,
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const win = new BrowserWindow(windowOptions(preloadFile, state))
  mainWindow = win
  const id = win.webContents.id
  // Attached from the start, so the window hears events meant for every window before it asks anything.
  bridge?.clientOf(id)
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())
  win.on('close', () => {
    void saveWindowState(windowStateFile(), { ...win.getNormalBounds(), maximized: win.isMaximized() }).catch(() => undefined)
  })
  win.on('closed', () => {
    bridge?.release(id)
    if (mainWindow === win) mainWindow = null
    rendererReady = false
  })
  // A reload starts a renderer that knows none of the old sessions: end them, and meet the new page as a new client.
  win.webContents.on('did-start-loading', () => {
    rendererReady = false
    bridge?.release(id)
    bridge?.clientOf(id)
  })
  win.webContents.on('did-finish-load', () => {
    rendererReady = true
    flushTargets()
  })
  await win.loadURL(rendererUrl(renderer))
}

/** Whether the renderer in our window (and only there) has a session open. */
function hasSession(webContentsId: number): boolean {
  if (!host || !bridge || mainWindow?.webContents.id !== webContentsId) return false
  const owner = bridge.clientOf(webContentsId)
  return host.sessionIds().some((id) => host?.ownerOf(id) === owner)
}

/** Asks, in a dialog on our window, before a link or file from outside connects to a server the address book does not hold. */
async function confirmUnknownServer(server: string, target: LaunchTarget): Promise<boolean> {
  const options: MessageBoxOptions = {
    type: 'question',
    title: 'Tessera',
    buttons: ['Connect', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    message: `Connect to ${server}?`,
    detail:
      `${target.kind === 'file' ? 'A .vnc file' : 'A vnc:// link'} opened from outside Tessera asks to connect to ${server}. ` +
      'This server is not in your address book. Connect only if you expected this and trust the server: ' +
      'it will see what you type and could show you anything.',
  }
  const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options)
  return response === 0
}

function installMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        {
          newConnection: () => command('new-connection'),
          disconnect: () => command('disconnect'),
          toggleFullscreen: () => mainWindow?.setFullScreen(!mainWindow.isFullScreen()),
          makeDefaultViewer: () => {
            const ok = makeDefaultViewer()
            installMenu()
            void dialog.showMessageBox({
              type: ok ? 'info' : 'error',
              title: 'Tessera',
              message: ok ? 'vnc:// links now open in Tessera.' : 'The system did not let Tessera become the default VNC viewer.',
            })
          },
        },
        { devTools: !app.isPackaged, defaultViewer: isDefaultViewer() },
      ),
    ),
  )
}

function openTarget(target: LaunchTarget): void {
  pending.push(target)
  focus()
  flushTargets()
}

function focus(): void {
  if (!mainWindow) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.focus()
}

function command(name: AppCommand): void {
  if (mainWindow && bridge) bridge.clientOf(mainWindow.webContents.id).deliver('app.command', { command: name })
}

function flushTargets(): void {
  if (!host || !bridge || !mainWindow || !rendererReady) return
  const owner = bridge.clientOf(mainWindow.webContents.id)
  for (const target of pending.splice(0)) {
    openLaunchTarget(host, target, owner, confirmUnknownServer).then(
      (sessionId) => {
        if (sessionId) rememberOpened(target)
      },
      (e: unknown) => {
        const message = typeof (e as { message?: unknown })?.message === 'string' ? (e as Error).message : 'cannot open it'
        void dialog.showMessageBox({ type: 'error', title: 'Tessera', message: `Cannot open ${describeTarget(target)}`, detail: message })
      },
    )
  }
}
