import { join } from 'node:path'
import { BrowserWindow, type MessageBoxOptions, Menu, app, dialog, ipcMain, nativeTheme, protocol, screen, session, shell, webContents } from 'electron'
import type { SessionSummary } from '@shared/contract'
import type { Locale } from '@shared/i18n/locales'
import type { Preferences } from '@shared/preferences'
import { type Question, closeQuestion, quitQuestion, quitsWithLastWindow, reopensOnActivate } from './app-lifecycle'
import { menuTemplate, sessionMenuLabel } from './app-menu'
import { fullscreenable, initialPlace, managed, sizeToDesktop } from './app-windows'
import { toDisplayInfos } from './display-geometry'
import { safeStorageCipher } from './electron-secrets'
import { createHost } from '../host/create-host'
import { showDataFile } from './show-data-file'
import { type ShowOpenDialog, chooseFolder, chooseRecordingFile } from './native-dialogs'
import type { HostClient } from '../host/endpoint'
import type { Host } from '../host/host'
import { type IpcBridge, bridgeHostToIpc } from './ipc-bridge'
import { isDefaultViewer, makeDefaultViewer } from './default-viewer'
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './app-protocol'
import { type LaunchTarget, describeTarget, resolveLaunchTarget, targetsFromArgv } from './launch-targets'
import { installPermissionHandlers } from './permissions'
import { rememberOpened, trackRecentConnections } from './recent-connections'
import { type ManagedWindow, SessionWindows, type WindowRequest, wallQuery } from './session-windows'
import { ShellRefusal, bridgeShellToIpc } from './shell-ipc'
import { guardWebContents } from './web-contents-guard'
import { WindowFullscreen } from './window-fullscreen'
import { type RendererLocation, isTrustedSender, rendererUrl, windowOptions, withCsp } from './window-options'
import { WindowStateFile } from './window-state-file'
import { trailingThrottle } from './trailing-throttle'
import { type ShellText, shellLocale, shellText } from './shell-i18n'

// The Electron shell: windows, menu, OS integration. Everything else is the host service,
// reached only through the validated IPC bridge.

/** Where the built renderer and preload are, beside the main bundle (set by startShell). */
let renderer: RendererLocation
let preloadFile: string
const windowStateFile = (): string => join(app.getPath('userData'), 'window-state.json')

let host: Host | null = null
let windows: SessionWindows | null = null
let states: WindowStateFile | null = null
/** Our windows by webContents id, with each one's fullscreen and whether it has its place already. */
const byId = new Map<number, { win: BrowserWindow; fullscreen: WindowFullscreen; placed: boolean }>()
/** Targets that arrived before the host could take them. */
const pending: LaunchTarget[] = []
/** Asks launch targets' questions of the host on nobody's behalf: it opens no session and hears nothing. */
const shellClient: HostClient = { deliver: () => undefined }
/** The user said quit: nothing asks again, every window may close. */
let quitting = false
/** A quit question is on screen: another close or quit waits for its answer. */
let asking = false
/** The shell's language (menus, message boxes): the preference, or the system's until the host has answered. */
let locale: Locale = 'en'
let text: ShellText = shellText('en')
/** How often the application menu may be rebuilt for sessions.changed (a desktop renamed in a loop must not flood it). */
const MENU_REBUILD_MS = 1_000

/**
 * Runs the desktop app: one instance, the address book and a window per session, the host
 * behind the IPC bridge. `bundleDir` is the directory of the main bundle (out/main), beside
 * which the renderer and preload are built.
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
    const targets = targetsFromArgv(argv.slice(1))
    pending.push(...targets)
    // Started again with nothing to open: the person is looking for the app.
    if (!targets.length) windows?.openAddressBook()
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
      dialog.showErrorBox(shellText(shellLocale('system', systemLanguages()))('shell.cannotStart'), (e as Error).message)
      app.quit()
    })
  app.on('window-all-closed', () => {
    if (quitsWithLastWindow(process.platform)) app.quit()
  })
  app.on('activate', () => {
    if (windows && reopensOnActivate(process.platform, windows.count())) windows.openAddressBook()
  })
  app.on('before-quit', (event) => {
    if (quitting || !host) return
    event.preventDefault()
    if (asking) return
    const question = quitQuestion(windows?.openSessionCount() ?? 0, text)
    if (!question) return quitNow()
    askThenQuit(question, BrowserWindow.getFocusedWindow())
  })
}

/** The OS's preferred languages, most wanted first (Electron's UI locale last, as a fallback). */
function systemLanguages(): string[] {
  return [...(app.getPreferredSystemLanguages?.() ?? []), app.getLocale?.() ?? 'en']
}

/**
 * Follows the app-wide settings the shell has a part in: the theme of native parts (menus,
 * message boxes, window frames) and the language of the shell's own words, rebuilding the menu
 * when that changes.
 */
function applyPreferences(prefs: Preferences): void {
  nativeTheme.themeSource = prefs.theme
  const next = shellLocale(prefs.language, systemLanguages())
  if (next === locale) return
  locale = next
  text = shellText(next)
  installMenu()
}

/** Quits for good: sessions closed (saving their thumbnails) before the process goes. */
function quitNow(): void {
  quitting = true
  void host?.shutdown().finally(() => app.quit())
}

/** Shows the quit question (over `parent` when given) and quits if the answer is yes. */
function askThenQuit(question: Question, parent: BrowserWindow | null): void {
  asking = true
  const options: MessageBoxOptions = { type: 'question', title: 'Tessera', ...question, defaultId: 0, cancelId: 1, noLink: true }
  void (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options))
    .then(({ response }) => {
      if (response === 0) quitNow()
    })
    .finally(() => (asking = false))
}

async function start(): Promise<void> {
  const created = await createHost({ dataDir: app.getPath('userData'), cipher: safeStorageCipher() })
  const h = (host = created.host)
  locale = shellLocale('system', systemLanguages())
  text = shellText(locale)
  h.on('prefs.changed', ({ prefs }) => applyPreferences(prefs))
  await h.handle('prefs.get', undefined, shellClient).then(
    (prefs) => applyPreferences(prefs as Preferences),
    () => undefined,
  )
  states = await WindowStateFile.load(windowStateFile())
  const b: IpcBridge = bridgeHostToIpc({
    host: h,
    ipcMain,
    isTrustedSender: (url, isMainFrame) => isTrustedSender(url, isMainFrame, renderer),
    send: (id, channel, ...args) => {
      const wc = webContents.fromId(id)
      if (wc && !wc.isDestroyed()) wc.send(channel, ...args)
    },
  })
  const w = (windows = new SessionWindows({
    createWindow,
    clientOf: (id) => b.clientOf(id),
    release: (id) => b.release(id),
    ownerOf: (id) => h.ownerOf(id),
    sessionIds: () => h.sessionIds(),
    focusedWindowId: () => BrowserWindow.getFocusedWindow()?.webContents.id,
    desktopSized: (window, size) => {
      const entry = byId.get(window.id)
      // A remembered place wins over the desktop's size.
      if (!entry || entry.placed) return
      entry.placed = true
      sizeToDesktop(entry.win, size, screen.getAllDisplays())
    },
  }))
  bridgeShellToIpc({
    ipcMain,
    isTrustedSender: (url, isMainFrame) => isTrustedSender(url, isMainFrame, renderer),
    handlers: {
      'shell.openSession': ({ placement, ...target }) => {
        w.openSession(target, placement)
      },
      'shell.openWall': (source) => {
        w.openWall(wallQuery(source))
      },
      'shell.focusSession': ({ sessionId }) => w.focusSession(sessionId),
      'shell.displays': () => toDisplayInfos(screen.getAllDisplays(), screen.getPrimaryDisplay().id),
      'shell.showDataFile': ({ name }) => showDataFile(app.getPath('userData'), name, (path) => shell.showItemInFolder(path)),
      'shell.fullscreen': ({ mode, displayId }, senderId) => {
        const entry = byId.get(senderId)
        if (!entry) throw new ShellRefusal('only a Tessera window can go full screen')
        entry.fullscreen.apply(mode, displayId, screen.getAllDisplays())
      },
      'shell.chooseFolder': ({ current }, senderId) => chooseFolder(openDialogOver(senderId), text('shell.chooseDownloadFolder'), current),
      'shell.openRecordingFile': async (_none, senderId) => {
        const path = await chooseRecordingFile(openDialogOver(senderId), text('shell.openRecordingFile'), text('shell.recordingFiles'))
        // The player belongs to the asking window's host client, as if it had sent player.open.
        return path ? h.openRecordingFile(path, b.clientOf(senderId)) : null
      },
    },
  })
  let menuSessions = ''
  // Reads the sessions when it runs: a trailing rebuild shows the newest names.
  const rebuildMenu = trailingThrottle(installMenu, MENU_REBUILD_MS)
  const sessionsChanged = (sessions: readonly SessionSummary[]): void => {
    w.sessionsChanged(sessions)
    // The menu is rebuilt only when what it lists changes, not on every state change.
    const listed = JSON.stringify(w.windowedSessions().map((s) => [s.sessionId, s.name, s.desktopName]))
    if (listed !== menuSessions) {
      menuSessions = listed
      rebuildMenu()
    }
  }
  h.on('sessions.changed', ({ sessions }) => sessionsChanged(sessions))
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) })
  })
  serveRenderer(protocol, renderer.dir)
  installPermissionHandlers(session.defaultSession, {
    where: renderer,
    isFocused: (id) => BrowserWindow.getFocusedWindow()?.webContents.id === id,
    hasSession: (id) => w.hasSession(id),
  })
  installMenu()
  // Jump list (Windows) / dock menu (macOS); a failure there must not keep the window from opening.
  void trackRecentConnections(h, { open: (id) => openTarget({ kind: 'profile', id }) }).catch((e: unknown) =>
    process.stderr.write(`tessera: cannot list recent connections: ${(e as Error).message}\n`),
  )
  w.openAddressBook()
  void h.handle('sessions.list', undefined, shellClient).then(
    (sessions) => sessionsChanged(sessions as SessionSummary[]),
    () => undefined,
  )
  flushTargets()
  if (created.store.problems.length) {
    void dialog.showMessageBox({
      type: 'warning',
      title: 'Tessera',
      message: text('shell.storeProblems'),
      detail: created.store.problems.map((p) => p.message).join('\n\n'),
    })
  }
}

/** The OS open dialog, modal over the Tessera window whose webContents id is `senderId`. */
function openDialogOver(senderId: number): ShowOpenDialog {
  const entry = byId.get(senderId)
  if (!entry) throw new ShellRefusal('only a Tessera window can open a file dialog')
  return (options) => dialog.showOpenDialog(entry.win, options)
}

/** Makes a window for SessionWindows: hardened, in its remembered place, its events forwarded. */
function createWindow(request: WindowRequest): ManagedWindow {
  const workAreas = screen.getAllDisplays().map((d) => d.workArea)
  const { state, remembered } = states ? initialPlace(request, states, workAreas) : { state: undefined, remembered: false }
  const win = new BrowserWindow(windowOptions(preloadFile, state))
  const window = managed(win)
  const id = window.id
  const fullscreen = new WindowFullscreen(fullscreenable(win))
  byId.set(id, { win, fullscreen, placed: remembered })
  if (state?.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())
  win.on('focus', () => windows?.windowFocused(id))
  win.on('leave-full-screen', () => fullscreen.exited())
  win.on('close', (event) => {
    // Closing the last window quits (Linux, Windows) and ends its sessions before before-quit
    // could count them: ask here, and keep the window if the answer is no.
    const question = quitting ? null : closeQuestion(process.platform, windows?.count() ?? 0, windows?.openSessionCount() ?? 0, text)
    if (question) {
      event.preventDefault()
      if (!asking) askThenQuit(question, win)
      return
    }
    // In a fullscreen mode the window's own bounds are not its place: the ones before it are.
    const place = { ...(fullscreen.normalBounds() ?? win.getNormalBounds()), maximized: win.isMaximized() }
    const profileId = windows?.profileOf(id)
    if (request.kind === 'address-book') void states?.rememberAddressBook(place)
    else if (profileId) void states?.rememberSession(profileId, place)
  })
  win.on('closed', () => {
    byId.delete(id)
    windows?.windowClosed(id)
  })
  // A reload starts a renderer that knows none of the old sessions: end them, and meet the new page as a new client.
  win.webContents.on('did-start-loading', () => windows?.windowLoading(id))
  win.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit') return
    process.stderr.write(`tessera: a window's renderer stopped (${details.reason}); its sessions were closed\n`)
    windows?.windowCrashed(id)
  })
  // The page's title ("connection — desktop") becomes the window's: nothing here sets one.
  void win.loadURL(rendererUrl(renderer, request.query))
  return window
}

/** Asks, in a dialog over the address book, before a link or file from outside connects to a server the address book does not hold. */
async function confirmUnknownServer(server: string, target: LaunchTarget): Promise<boolean> {
  const options: MessageBoxOptions = {
    type: 'question',
    title: 'Tessera',
    buttons: [text('shell.unknownServer.connect'), text('shell.unknownServer.cancel')],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    message: text('shell.unknownServer.message', { server }),
    detail: `${text(target.kind === 'file' ? 'shell.unknownServer.fromFile' : 'shell.unknownServer.fromLink', { server })} ${text('shell.unknownServer.warning')}`,
  }
  const parent = BrowserWindow.getFocusedWindow()
  const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options)
  return response === 0
}

function installMenu(): void {
  const w = windows
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        {
          newConnection: () => w?.command('new-connection'),
          disconnect: () => w?.command('disconnect'),
          toggleFullscreen: () => {
            const entry = byId.get(BrowserWindow.getFocusedWindow()?.webContents.id ?? -1)
            // A page's own fullscreen (the session's button) counts as on: the key takes it off too.
            const on = entry && (entry.fullscreen.current() !== 'off' || entry.win.isFullScreen())
            entry?.fullscreen.apply(on ? 'off' : 'current', undefined, screen.getAllDisplays())
          },
          addressBook: () => w?.openAddressBook(),
          cycleWindows: (direction) => w?.cycle(direction),
          cycleTabs: (direction) => w?.command(direction === 1 ? 'next-tab' : 'previous-tab'),
          preferences: () => w?.command('preferences'),
          measurePerformance: () => w?.command('measure-performance'),
          openRecording: () => w?.commandAddressBook('open-recording'),
          makeDefaultViewer: () => {
            const ok = makeDefaultViewer()
            installMenu()
            void dialog.showMessageBox({
              type: ok ? 'info' : 'error',
              title: 'Tessera',
              message: text(ok ? 'shell.defaultViewerDone' : 'shell.defaultViewerFailed'),
            })
          },
        },
        {
          devTools: !app.isPackaged,
          defaultViewer: isDefaultViewer(),
          sessions: (w?.windowedSessions() ?? []).map((s) => ({ label: sessionMenuLabel(s), focus: () => w?.focusSession(s.sessionId) })),
          text,
        },
      ),
    ),
  )
}

function openTarget(target: LaunchTarget): void {
  pending.push(target)
  flushTargets()
}

/** Opens what the OS asked for, each in a session window of its own, after the unknown-server question. */
function flushTargets(): void {
  const h = host
  if (!h || !windows) return
  for (const target of pending.splice(0)) {
    resolveLaunchTarget(h, target, shellClient, confirmUnknownServer).then(
      (resolved) => {
        if (!resolved) return
        windows?.openSession(resolved, 'window')
        rememberOpened(target)
      },
      (e: unknown) => {
        const message = typeof (e as { message?: unknown })?.message === 'string' ? (e as Error).message : 'cannot open it'
        void dialog.showMessageBox({
          type: 'error',
          title: 'Tessera',
          message: text('shell.cannotOpen', { what: describeTarget(target, text('shell.savedConnection')) }),
          detail: message,
        })
      },
    )
  }
}
