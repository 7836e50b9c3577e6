import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PROFILE_SCHEMA_VERSION, newProfile } from '../../../src/shared/profile'
import { REQUEST_NAMES } from '../../../src/shared/schemas'
import { SHELL_REQUEST_NAMES } from '../../../src/shared/shell-schemas'
import { SHELL_CSP } from '../../../src/main/shell/window-options'
import { placeOn } from '../../../src/main/shell/window-fullscreen'
import { MiniServer } from '../host/mini-server'

// The shell loaded against a stand-in for Electron (the binary cannot run here): it must wire
// the validated bridge, the hardened window and the CSP, and nothing else.
/** What the tests read of a mocked BrowserWindow. */
interface FakeWindow {
  events: Map<string, (...args: unknown[]) => void>
  wcEvents: Map<string, (...args: unknown[]) => void>
  calls: string[]
  webContents: { id: number }
  isDestroyed(): boolean
  focus(): void
  close(): void
}

const m = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, arg: unknown) => Promise<unknown>>()
  const appEvents = new Map<string, (...args: unknown[]) => void>()
  const windows: { options: Record<string, unknown>; loaded: string[]; win: FakeWindow }[] = []
  let ready!: () => void
  const whenReady = new Promise<void>((r) => (ready = r))
  const wcEvents = new Map<string, () => void>()
  const sent: { id: number; channel: string; args: unknown[] }[] = []
  const menus: { label?: string; enabled?: boolean }[][] = []
  const nativeTheme = { themeSource: 'system' }
  /** Calls to Electron made before app.ready, in order. */
  const beforeReady: string[] = []
  let isReady = false
  const dialogs: { message?: string; detail?: string; buttons?: string[] }[] = []
  return {
    handlers,
    appEvents,
    windows,
    whenReady,
    ready: () => {
      isReady = true
      ready()
    },
    beforeReady,
    isReady: () => isReady,
    dir: '',
    wcEvents,
    sent,
    menus,
    nativeTheme,
    dialogs,
    headers: [] as ((d: unknown, cb: (r: unknown) => void) => void)[],
    permission: [] as ((wc: unknown, p: string, cb: (ok: boolean) => void, details: unknown) => void)[],
    permissionCheck: [] as ((wc: unknown, p: string, origin: string, details: unknown) => boolean)[],
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    /** The button the next message boxes answer with (0: Connect, 1: Cancel). */
    dialogAnswer: 1,
    /** Each showOpenDialog call: the window it was parented to and its options. */
    openDialogs: [] as { parent: unknown; options: Record<string, unknown> }[],
    /** What the next open dialogs answer with (as Electron's OpenDialogReturnValue). */
    openAnswer: { canceled: true, filePaths: [] as string[] },
    focused: true,
    quits: [] as number[],
    /** The window BrowserWindow.getFocusedWindow() answers with while `focused`. */
    focusedWindow: null as FakeWindow | null,
  }
})

vi.mock('electron', () => {
  type Listener = (...args: unknown[]) => void
  class BrowserWindow {
    static nextId = 1
    readonly events = new Map<string, Listener>()
    readonly wcEvents = new Map<string, Listener>()
    readonly calls: string[] = []
    bounds = { x: 0, y: 0, width: 0, height: 0 }
    fullScreen = false
    destroyed = false
    webContents: { id: number; on: (name: string, l: Listener) => void; send: () => void; isDestroyed: () => boolean; reload: () => void }
    constructor(options: Record<string, unknown>) {
      const id = BrowserWindow.nextId++
      this.bounds = { x: 100, y: 100, width: options.width as number, height: options.height as number }
      this.webContents = {
        id,
        on: (name, l) => {
          this.wcEvents.set(name, l)
          if (id === 1) m.wcEvents.set(name, l as () => void)
        },
        send: () => {},
        isDestroyed: () => this.destroyed,
        reload: () => this.calls.push('reload'),
      }
      m.windows.push({ options, loaded: [], win: this })
      m.focusedWindow = this
    }
    static getAllWindows = () => []
    static getFocusedWindow = () => (m.focused ? m.focusedWindow : null)
    once(name: string, l: Listener) {
      this.events.set(name, l)
    }
    on(name: string, l: Listener) {
      this.events.set(name, l)
    }
    maximize() {}
    show() {}
    restore() {}
    isMinimized() {
      return false
    }
    isMaximized() {
      return false
    }
    isDestroyed() {
      return this.destroyed
    }
    isFullScreen() {
      return this.fullScreen
    }
    setFullScreen(on: boolean) {
      this.calls.push(`fullscreen ${on}`)
      this.fullScreen = on
    }
    getBounds() {
      return { ...this.bounds }
    }
    getNormalBounds() {
      return { ...this.bounds }
    }
    // A frame of 20 px (title bar) above the content.
    getContentBounds() {
      return { ...this.bounds, y: this.bounds.y + 20, height: this.bounds.height - 20 }
    }
    setBounds(b: { x: number; y: number; width: number; height: number }) {
      this.calls.push(`bounds ${b.x},${b.y} ${b.width}x${b.height}`)
      this.bounds = { ...b }
    }
    setContentBounds(b: { x: number; y: number; width: number; height: number }) {
      this.calls.push(`content ${b.x},${b.y} ${b.width}x${b.height}`)
      this.bounds = { x: b.x, y: b.y - 20, width: b.width, height: b.height + 20 }
    }
    setAlwaysOnTop(on: boolean) {
      this.calls.push(`on top ${on}`)
    }
    setMenuBarVisibility() {}
    focus() {
      m.focusedWindow = this
      this.events.get('focus')?.()
    }
    close() {
      let kept = false
      this.events.get('close')?.({ preventDefault: () => (kept = true) })
      if (kept) return
      this.destroyed = true
      this.events.get('closed')?.()
    }
    async loadFile(f: string) {
      m.windows.find((w) => w.win === this)!.loaded.push(f)
    }
    async loadURL(u: string) {
      m.windows.find((w) => w.win === this)!.loaded.push(u)
    }
  }
  const displays = [
    { id: 10, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, scaleFactor: 1 },
    { id: 11, bounds: { x: 1920, y: -200, width: 2560, height: 1440 }, workArea: { x: 1920, y: -200, width: 2560, height: 1400 }, scaleFactor: 2 },
  ]
  return {
    app: {
      isPackaged: true,
      requestSingleInstanceLock: () => true,
      on: (name: string, l: (...args: unknown[]) => void) => m.appEvents.set(name, l),
      whenReady: () => m.whenReady,
      getPath: () => m.dir,
      quit: () => m.quits.push(Date.now()),
      enableSandbox: () => m.beforeReady.push('enableSandbox'),
      isDefaultProtocolClient: () => false,
      setAsDefaultProtocolClient: () => true,
      getLocale: () => 'en-US',
      getPreferredSystemLanguages: () => ['en-US'],
    },
    BrowserWindow,
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (t: { submenu?: { label?: string; enabled?: boolean }[] }[]) => m.menus.push(t.flatMap((x) => x.submenu ?? [])),
    },
    dialog: {
      showMessageBox: async (...args: unknown[]) => {
        const options = args.at(-1) as { message?: string; detail?: string; buttons?: string[] }
        m.dialogs.push(options)
        return { response: options.buttons ? m.dialogAnswer : 0 }
      },
      showOpenDialog: async (parent: unknown, options: Record<string, unknown>) => {
        m.openDialogs.push({ parent, options })
        return m.openAnswer
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        if (!m.isReady()) m.beforeReady.push('registerSchemesAsPrivileged')
        m.schemes.push(...schemes)
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => m.protocolHandlers.set(scheme, handler),
    },
    ipcMain: { handle: (c: string, l: (event: unknown, arg: unknown) => Promise<unknown>) => m.handlers.set(c, l), removeHandler: () => {} },
    screen: { getAllDisplays: () => displays, getPrimaryDisplay: () => displays[0] },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (l: (d: unknown, cb: (r: unknown) => void) => void) => m.headers.push(l) },
        setPermissionRequestHandler: (l: (wc: unknown, p: string, cb: (ok: boolean) => void, details: unknown) => void) => m.permission.push(l),
        setPermissionCheckHandler: (l: (wc: unknown, p: string, origin: string, details: unknown) => boolean) => m.permissionCheck.push(l),
      },
    },
    nativeTheme: m.nativeTheme,
    webContents: {
      fromId: (id: number) => ({ isDestroyed: () => false, send: (channel: string, ...args: unknown[]) => m.sent.push({ id, channel, args }) }),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
    },
  }
})

let vnc: MiniServer
const PROFILE_ID = 'lab-profile'

beforeAll(async () => {
  m.dir = mkdtempSync(join(tmpdir(), 'tessera-shell-'))
  vnc = await new MiniServer().start()
  const lab = newProfile({ id: PROFILE_ID, host: '127.0.0.1', port: vnc.port, name: 'Lab', lastUsedAt: 1 })
  writeFileSync(join(m.dir, 'connections.json'), JSON.stringify({ schemaVersion: PROFILE_SCHEMA_VERSION, profiles: [lab] }))
  await import('../../../src/main/index')
  m.ready()
  await vi.waitFor(() => expect(m.windows).toHaveLength(1))
})

afterAll(async () => {
  await vnc.stop()
  rmSync(m.dir, { recursive: true, force: true })
})

describe('Electron shell', () => {
  it('registers a handler for every host and shell request, and only those', () => {
    expect([...m.handlers.keys()].sort()).toEqual([...REQUEST_NAMES.map((n) => `tessera:${n}`), ...SHELL_REQUEST_NAMES.map((n) => `tessera-shell:${n}`)].sort())
  })

  it('creates a sandboxed, isolated window loading the renderer from app://tessera, not file://', () => {
    const { options, loaded } = m.windows[0]
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false })
    expect(loaded).toEqual(['app://tessera/index.html'])
    // Sandboxing every renderer and making app:// a privileged scheme only work before app.ready.
    expect(m.beforeReady).toEqual(['enableSandbox', 'registerSchemesAsPrivileged'])
    expect(m.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }])
  })

  it('serves the renderer folder on app:// with its MIME type and the CSP, and nothing outside it', async () => {
    // The mocked shell runs from src/main, so its renderer folder is src/renderer.
    const serve = m.protocolHandlers.get('app')!
    const page = await serve(new Request('app://tessera/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(SHELL_CSP)
    expect(await page.text()).toContain('<div id="app"></div>')
    for (const url of [
      'app://tessera/../main/index.ts',
      'app://tessera/%2e%2e/main/index.ts',
      'app://tessera/src%2f..%2f..%2fmain%2findex.ts',
      'app://tessera/..%5cmain%5cindex.ts',
    ]) {
      expect((await serve(new Request(url))).status, url).toBe(404)
    }
  })

  it('puts the CSP on every response and grants only the permissions a viewer needs', () => {
    let headers: unknown
    m.headers[0]({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r))
    expect(headers).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [SHELL_CSP] } })
    const page = { requestingUrl: 'app://tessera/index.html', isMainFrame: true }
    expect(request('clipboard-sanitized-write', page)).toBe(true)
    expect(request('fullscreen', page)).toBe(true)
    expect(request('geolocation', page)).toBe(false)
    expect(request('media', page)).toBe(false)
    expect(check('clipboard-sanitized-write', 'app://tessera', page)).toBe(true)
    expect(check('usb', 'app://tessera', page)).toBe(false)
    // No session is open yet: the clipboard stays closed even to our own focused window.
    expect(request('clipboard-read', page)).toBe(false)
    expect(check('clipboard-read', 'app://tessera', page)).toBe(false)
    expect(request('fullscreen', { requestingUrl: 'https://example.org/', isMainFrame: true })).toBe(false)
    expect(check('fullscreen', 'file://', { isMainFrame: true })).toBe(false)
  })

  it('refuses navigation, new windows and webviews in every web contents', () => {
    const prevented: string[] = []
    let openHandler: (() => unknown) | undefined
    const contents = {
      on: (name: string, l: (e: { preventDefault(): void }) => void) => l({ preventDefault: () => prevented.push(name) }),
      setWindowOpenHandler: (h: () => unknown) => (openHandler = h),
    }
    m.appEvents.get('web-contents-created')!({}, contents)
    expect(prevented.sort()).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate'])
    expect(openHandler!()).toEqual({ action: 'deny' })
  })

  it('reports a keyring-less Linux safeStorage as unprotected', async () => {
    const packaged = 'app://tessera/index.html'
    const result = await m.handlers.get('tessera:secrets.status')!({ senderFrame: { url: packaged, parent: null }, sender: { id: 1 } }, undefined)
    expect(result).toEqual({ ok: true, result: { available: true, protected: false, backend: 'basic_text', plainFileAllowed: false } })
  })

  it('offers "Make Tessera the Default VNC Viewer" while it is not', () => {
    expect(m.menus.at(-1)).toContainEqual(expect.objectContaining({ label: 'Make Tessera the Default VNC Viewer', enabled: true }))
  })

  it('follows the preferences: the menus in the chosen language, native parts in the chosen theme', async () => {
    expect(m.nativeTheme.themeSource).toBe('system')
    expect(m.menus.at(-1)).toContainEqual(expect.objectContaining({ label: 'Preferences…', accelerator: 'CmdOrCtrl+,' }))
    expect(await invoke('tessera:prefs.set', { language: 'de', theme: 'dark' }, 1)).toMatchObject({ ok: true })
    expect(m.nativeTheme.themeSource).toBe('dark')
    const german = m.menus.at(-1)!.map((i) => i.label)
    expect(german).toEqual(expect.arrayContaining(['Neue Verbindung', 'Trennen', 'Einstellungen…', 'Vollbild', 'Adressbuch']))
    expect(german).not.toContain('New Connection')
    expect(await invoke('tessera:prefs.set', { language: 'system', theme: 'system' }, 1)).toMatchObject({ ok: true })
    expect(m.nativeTheme.themeSource).toBe('system')
    expect(m.menus.at(-1)!.map((i) => i.label)).toContain('New Connection')
  })

  it('opens the saved connection a second instance forwards with --tessera-profile in a session window of its own', async () => {
    m.appEvents.get('second-instance')!({}, ['C:\\Program Files\\Tessera\\Tessera.exe', '--allow-file-access', `--tessera-profile=${PROFILE_ID}`], '')
    await vi.waitFor(() => expect(m.windows).toHaveLength(2))
    expect(m.windows[1].loaded).toEqual([`app://tessera/index.html?view=session&profile=${PROFILE_ID}`])
    expect(m.windows[1].options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    // The page's title ("connection — desktop") is the window's: the shell neither sets one nor stops the page's.
    expect(m.windows[1].win.events.has('page-title-updated')).toBe(false)
    expect(m.dialogs).toEqual([])
    // Its renderer opens the session, as the client of that window.
    const reply = await invoke('tessera:session.open', { profileId: PROFILE_ID }, 2)
    expect(reply).toMatchObject({ ok: true })
    await vi.waitFor(() => expect(connectedCount(2)).toBe(1), { timeout: 5_000 })
    expect(connectedCount(1)).toBe(0)
  })

  it('focuses the window already showing a connection instead of opening it again', async () => {
    const before = m.windows.length
    m.appEvents.get('second-instance')!({}, ['tessera', `--tessera-profile=${PROFILE_ID}`], '')
    await new Promise((r) => setTimeout(r, 50))
    expect(m.windows).toHaveLength(before)
    expect(focusedId()).toBe(2)
    // A second instance with nothing to open shows the address book.
    m.appEvents.get('second-instance')!({}, ['tessera'], '')
    expect(focusedId()).toBe(1)
    expect(m.windows).toHaveLength(before)
  })

  it('reads the clipboard only for its own focused window with a session open', () => {
    const page = { requestingUrl: `app://tessera/index.html?view=session&profile=${PROFILE_ID}`, isMainFrame: true }
    m.windows[1].win.focus()
    expect(request('clipboard-read', page, { id: 2 })).toBe(true)
    expect(check('clipboard-read', 'app://tessera', page, { id: 2 })).toBe(true)
    expect(request('clipboard-read', { ...page, isMainFrame: false }, { id: 2 })).toBe(false)
    expect(request('clipboard-read', { requestingUrl: 'app://evil/index.html', isMainFrame: true }, { id: 2 })).toBe(false)
    // The address book owns no session; a web contents that is not ours gets nothing.
    m.windows[0].win.focus()
    expect(request('clipboard-read', { ...page, requestingUrl: 'app://tessera/index.html' }, { id: 1 })).toBe(false)
    expect(request('clipboard-read', page, { id: 2 })).toBe(false)
    m.windows[1].win.focus()
    expect(request('clipboard-read', page, { id: 99 })).toBe(false)
    m.focused = false
    try {
      expect(request('clipboard-read', page, { id: 2 })).toBe(false)
      expect(check('clipboard-read', 'app://tessera', page, { id: 2 })).toBe(false)
    } finally {
      m.focused = true
    }
  })

  it('asks before a vnc:// link connects to a server not in the address book, naming it', async () => {
    m.dialogAnswer = 1
    const before = m.windows.length
    m.appEvents.get('open-url')!({ preventDefault: () => {} }, `vnc://127.0.0.1:${vnc.port + 1}`)
    await vi.waitFor(() => expect(m.dialogs).toHaveLength(1))
    expect(m.dialogs[0].message).toBe(`Connect to 127.0.0.1::${vnc.port + 1}?`)
    expect(m.dialogs[0].detail).toMatch(/not in your address book/)
    expect(m.dialogs[0].buttons).toEqual(['Connect', 'Cancel'])
    // Cancelled: no window was opened for it.
    await new Promise((r) => setTimeout(r, 100))
    expect(m.dialogs).toHaveLength(1)
    expect(m.windows).toHaveLength(before)
  })

  it('opens a vnc:// link to a saved server in a session window without asking', async () => {
    m.dialogs.length = 0
    const url = `vnc://127.0.0.1:${vnc.port}`
    m.appEvents.get('open-url')!({ preventDefault: () => {} }, url)
    await vi.waitFor(() => expect(m.windows).toHaveLength(3))
    expect(new URL(m.windows[2].loaded[0]).searchParams.get('view')).toBe('session')
    expect(new URL(m.windows[2].loaded[0]).searchParams.get('address')).toBe(url)
    expect(m.dialogs).toEqual([])
  })

  it('answers shell requests only from our own main frame, and only with valid arguments', async () => {
    const bad = [
      await invoke('tessera-shell:shell.displays', undefined, 1, 'https://evil.example/'),
      await invoke('tessera-shell:shell.displays', undefined, 1, 'app://tessera/index.html', true),
    ]
    for (const r of bad) expect(r).toMatchObject({ ok: false, error: { code: 'HOST_UNTRUSTED_SENDER' } })
    expect(await invoke('tessera-shell:shell.openSession', { profileId: '../x', placement: 'window' }, 1)).toMatchObject({
      ok: false,
      error: { code: 'HOST_INVALID_REQUEST' },
    })
    expect(await invoke('tessera-shell:shell.displays', undefined, 1)).toEqual({
      ok: true,
      result: [
        { id: 10, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, scaleFactor: 1, primary: true },
        {
          id: 11,
          bounds: { x: 1920, y: -200, width: 2560, height: 1440 },
          workArea: { x: 1920, y: -200, width: 2560, height: 1400 },
          scaleFactor: 2,
          primary: false,
        },
      ],
    })
    expect(await invoke('tessera-shell:shell.focusSession', { sessionId: 'nope' }, 1)).toEqual({ ok: true, result: false })
  })

  it('opens a session as a tab of the session window used last, with an app.openTab event', async () => {
    m.windows[1].win.focus()
    m.windows[0].win.focus()
    const before = m.windows.length
    expect(await invoke('tessera-shell:shell.openSession', { address: 'example.org::5901', placement: 'tab' }, 1)).toEqual({ ok: true, result: undefined })
    expect(m.windows).toHaveLength(before)
    expect(m.sent.filter((e) => e.args[0] === 'app.openTab')).toEqual([
      { id: 2, channel: 'tessera:event', args: ['app.openTab', { address: 'example.org::5901' }] },
    ])
  })

  it('asks for a download folder in the OS picker over the asking window, and returns only what was picked', async () => {
    m.openDialogs.length = 0
    m.openAnswer = { canceled: false, filePaths: ['/home/ana/Incoming'] }
    expect(await invoke('tessera-shell:shell.chooseFolder', { current: '/home/ana/Downloads' }, 2)).toEqual({ ok: true, result: '/home/ana/Incoming' })
    expect(m.openDialogs).toHaveLength(1)
    expect(m.openDialogs[0].parent).toBe(m.windows[1].win)
    expect(m.openDialogs[0].options).toMatchObject({
      title: 'Choose a folder for downloads',
      defaultPath: '/home/ana/Downloads',
      properties: expect.arrayContaining(['openDirectory']),
    })
    m.openAnswer = { canceled: true, filePaths: [] }
    expect(await invoke('tessera-shell:shell.chooseFolder', {}, 1)).toEqual({ ok: true, result: null })
    expect(m.openDialogs[1].parent).toBe(m.windows[0].win)
    expect(m.openDialogs[1].options.defaultPath).toBeUndefined()
    // A starting place that is not an absolute path, or a window that is not ours: no dialog at all.
    expect(await invoke('tessera-shell:shell.chooseFolder', { current: '../etc' }, 1)).toMatchObject({ ok: false, error: { code: 'HOST_INVALID_REQUEST' } })
    expect(await invoke('tessera-shell:shell.chooseFolder', {}, 99)).toMatchObject({ ok: false, error: { kind: 'refused' } })
    expect(m.openDialogs).toHaveLength(2)
  })

  it('plays the recording file picked in the OS open dialog, owned by the asking window, and passes a bad file on in words', async () => {
    m.openDialogs.length = 0
    const picked = join(m.dir, 'picked elsewhere.fbs')
    copyFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs'), picked)
    m.openAnswer = { canceled: false, filePaths: [picked] }
    const opened = (await invoke('tessera-shell:shell.openRecordingFile', undefined, 1)) as { ok: true; result: { playerId: string; name: string } }
    expect(opened).toMatchObject({ ok: true, result: { name: 'picked elsewhere.fbs', playerId: expect.any(String) } })
    expect(m.openDialogs[0].parent).toBe(m.windows[0].win)
    expect(m.openDialogs[0].options).toMatchObject({
      title: 'Open a recording',
      filters: [{ name: 'Tessera recordings', extensions: ['fbs'] }],
      properties: ['openFile'],
    })
    // Its pictures go to the window that asked, which alone may drive and close it.
    const pictureOf = (id: number) =>
      m.sent.some((e) => e.id === id && e.args[0] === 'session.frame' && (e.args[1] as { sessionId: string }).sessionId === opened.result.playerId)
    await vi.waitFor(() => expect(pictureOf(1)).toBe(true))
    expect(pictureOf(2)).toBe(false)
    expect(await invoke('tessera:player.close', { playerId: opened.result.playerId }, 2)).toMatchObject({ ok: false, error: { code: 'HOST_NO_PLAYER' } })
    expect(await invoke('tessera:player.close', { playerId: opened.result.playerId }, 1)).toEqual({ ok: true, result: undefined })

    writeFileSync(join(m.dir, 'junk.fbs'), 'not a recording')
    m.openAnswer = { canceled: false, filePaths: [join(m.dir, 'junk.fbs')] }
    expect(await invoke('tessera-shell:shell.openRecordingFile', undefined, 1)).toMatchObject({ ok: false, error: { code: 'RFB_ERR_FBS' } })
    m.openAnswer = { canceled: true, filePaths: [] }
    expect(await invoke('tessera-shell:shell.openRecordingFile', undefined, 1)).toEqual({ ok: true, result: null })
    // A window cannot name the file itself.
    expect(await invoke('tessera-shell:shell.openRecordingFile', { path: picked }, 1)).toMatchObject({ ok: false, error: { code: 'HOST_INVALID_REQUEST' } })
    expect(m.openDialogs).toHaveLength(3)
  })

  it('takes a session window full screen on another display and back, and across all displays', async () => {
    const win = m.windows[1].win
    win.calls.length = 0
    // Where it is now: sized to its desktop or not, depending on whether the host reported the size yet.
    const start = (win as unknown as { bounds: { x: number; y: number; width: number; height: number } }).bounds
    const size = (b: { x: number; y: number; width: number; height: number }) => `bounds ${b.x},${b.y} ${b.width}x${b.height}`
    expect(await invoke('tessera-shell:shell.fullscreen', { mode: 'display', displayId: 11 }, 2)).toEqual({ ok: true, result: undefined })
    expect(await invoke('tessera-shell:shell.fullscreen', { mode: 'display', displayId: 12 }, 2)).toMatchObject({ ok: false, error: { kind: 'refused' } })
    expect(await invoke('tessera-shell:shell.fullscreen', { mode: 'all' }, 2)).toEqual({ ok: true, result: undefined })
    expect(await invoke('tessera-shell:shell.fullscreen', { mode: 'off' }, 2)).toEqual({ ok: true, result: undefined })
    expect(win.calls).toEqual([
      // Centred on display 11's work area, then full screen there.
      size(placeOn(start, { x: 1920, y: -200, width: 2560, height: 1400 })),
      'fullscreen true',
      'fullscreen false',
      'on top true',
      'content 0,-200 4480x1440',
      'on top false',
      size(start),
    ])
  })

  it('ends the sessions of a window whose renderer crashed and closes it, leaving the others alone', async () => {
    expect(await invoke('tessera-shell:shell.openSession', { address: `127.0.0.1::${vnc.port}`, placement: 'window' }, 1)).toEqual({
      ok: true,
      result: undefined,
    })
    const crashed = m.windows.at(-1)!.win
    const id = crashed.webContents.id
    expect(await invoke('tessera:session.open', { address: `127.0.0.1::${vnc.port}` }, id)).toMatchObject({ ok: true })
    await vi.waitFor(() => expect(connectedCount(id)).toBe(1), { timeout: 5_000 })
    const sockets = vnc.sockets.size
    crashed.wcEvents.get('render-process-gone')!({}, { reason: 'crashed', exitCode: 139 })
    await vi.waitFor(() => expect(vnc.sockets.size).toBe(sockets - 1))
    expect(crashed.isDestroyed()).toBe(true)
    expect(m.windows[1].win.isDestroyed()).toBe(false)
    expect(m.windows[0].win.isDestroyed()).toBe(false)
  })

  it('ends the sessions of a window that closes, and nothing else', async () => {
    // A second session, in the window opened for the vnc:// link.
    expect(await invoke('tessera:session.open', { profileId: PROFILE_ID }, 3)).toMatchObject({ ok: true })
    await vi.waitFor(() => expect(connectedCount(3)).toBe(1), { timeout: 5_000 })
    expect(vnc.sockets.size).toBe(2)
    const seen = m.sent.length
    m.windows[1].win.close()
    await vi.waitFor(() => expect(vnc.sockets.size).toBe(1))
    expect(closedCount(3, seen)).toBe(0)
    // Its place is remembered under its connection, for the next time it opens.
    await vi.waitFor(() => expect(JSON.parse(readFileSync(join(m.dir, 'window-state.json'), 'utf8')).sessions[PROFILE_ID]).toBeDefined())
  })

  it('asks before closing the last window quits with its sessions open (before-quit would come too late), and keeps it on Cancel', async () => {
    m.dialogs.length = 0
    m.dialogAnswer = 1
    // Another window open: closing the address book quits nothing and asks nothing.
    m.windows[0].win.close()
    expect(m.windows[0].win.isDestroyed()).toBe(true)
    expect(m.dialogs).toEqual([])
    // The last window, with the vnc:// link's session in it: closing it would quit and disconnect.
    const last = m.windows[2].win
    const sockets = vnc.sockets.size
    last.close()
    await vi.waitFor(() => expect(m.dialogs).toHaveLength(1))
    expect(m.dialogs[0]).toMatchObject({ message: 'Quit Tessera?', detail: '1 session is open and will be disconnected.', buttons: ['Quit', 'Cancel'] })
    // A second close while the question is up asks nothing more.
    last.close()
    await new Promise((r) => setTimeout(r, 50))
    expect(m.dialogs).toHaveLength(1)
    expect(last.isDestroyed()).toBe(false)
    expect(vnc.sockets.size).toBe(sockets)
    expect(m.quits).toEqual([])
  })

  it('asks before quitting with sessions open, and quits only when told to', async () => {
    // The session in the window opened for the vnc:// link is still open.
    m.dialogs.length = 0
    m.dialogAnswer = 1
    let prevented = 0
    m.appEvents.get('before-quit')!({ preventDefault: () => prevented++ })
    await vi.waitFor(() => expect(m.dialogs).toHaveLength(1))
    expect(m.dialogs[0]).toMatchObject({ message: 'Quit Tessera?', detail: '1 session is open and will be disconnected.', buttons: ['Quit', 'Cancel'] })
    await new Promise((r) => setTimeout(r, 50))
    expect(prevented).toBe(1)
    expect(m.quits).toEqual([])
    m.dialogAnswer = 0
    m.appEvents.get('before-quit')!({ preventDefault: () => prevented++ })
    await vi.waitFor(() => expect(m.quits).toHaveLength(1), { timeout: 5_000 })
    expect(m.dialogs).toHaveLength(2)
  })

  it('quits with its last window on Linux, and does not reopen a window on activate there', () => {
    expect(process.platform).not.toBe('darwin')
    const windows = m.windows.length
    m.appEvents.get('activate')!()
    expect(m.windows).toHaveLength(windows)
    const quits = m.quits.length
    m.appEvents.get('window-all-closed')!()
    expect(m.quits).toHaveLength(quits + 1)
  })
})

/** Calls a registered IPC handler as the window with webContents `id` would, from `url`'s main frame (or a subframe). */
function invoke(channel: string, arg: unknown, id: number, url = 'app://tessera/index.html', subframe = false): Promise<unknown> {
  return m.handlers.get(channel)!({ senderFrame: { url, parent: subframe ? {} : null }, sender: { id } }, arg)
}

/** The webContents id of the window that has the focus. */
function focusedId(): number | undefined {
  return m.focusedWindow?.webContents.id
}

function closedCount(id: number, from = 0): number {
  return m.sent.slice(from).filter((e) => e.id === id && e.args[0] === 'session.state' && (e.args[1] as { state: string }).state === 'closed').length
}

/** How many sessions reported "connected" to the window with webContents `id`. */
function connectedCount(id: number): number {
  return m.sent.filter((e) => e.id === id && e.args[0] === 'session.state' && (e.args[1] as { state: string }).state === 'connected').length
}

/** What the permission request handler answers for the window (webContents 1 unless given). */
function request(permission: string, details: { requestingUrl: string; isMainFrame: boolean }, wc = { id: 1 }): boolean {
  let granted: boolean | undefined
  m.permission[0](wc, permission, (ok) => (granted = ok), details)
  if (granted === undefined) throw new Error('the request handler did not answer')
  return granted
}

/** What the permission check handler answers for the window. */
function check(permission: string, origin: string, details: { requestingUrl?: string; isMainFrame: boolean }, wc = { id: 1 }): boolean {
  return m.permissionCheck[0](wc, permission, origin, details)
}
