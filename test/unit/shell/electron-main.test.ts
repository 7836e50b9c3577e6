import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PROFILE_SCHEMA_VERSION, newProfile } from '../../../src/shared/profile'
import { REQUEST_NAMES } from '../../../src/shared/schemas'
import { SHELL_CSP } from '../../../src/main/shell/window-options'
import { MiniServer } from '../host/mini-server'

// The shell loaded against a stand-in for Electron (the binary cannot run here): it must wire
// the validated bridge, the hardened window and the CSP, and nothing else.
const m = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, arg: unknown) => Promise<unknown>>()
  const appEvents = new Map<string, (...args: unknown[]) => void>()
  const windows: { options: Record<string, unknown>; loaded: string[] }[] = []
  let ready!: () => void
  const whenReady = new Promise<void>((r) => (ready = r))
  const wcEvents = new Map<string, () => void>()
  const sent: { channel: string; args: unknown[] }[] = []
  const menus: { label?: string; enabled?: boolean }[][] = []
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
    dialogs,
    headers: [] as ((d: unknown, cb: (r: unknown) => void) => void)[],
    permission: [] as ((wc: unknown, p: string, cb: (ok: boolean) => void, details: unknown) => void)[],
    permissionCheck: [] as ((wc: unknown, p: string, origin: string, details: unknown) => boolean)[],
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    /** The button the next message boxes answer with (0: Connect, 1: Cancel). */
    dialogAnswer: 1,
    focused: true,
  }
})

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { id: 1, on: (name: string, l: () => void) => m.wcEvents.set(name, l), send: () => {}, isDestroyed: () => false }
    static focusedWindow: BrowserWindow | null = null
    constructor(options: Record<string, unknown>) {
      m.windows.push({ options, loaded: [] })
      BrowserWindow.focusedWindow = this
    }
    static getAllWindows = () => []
    static getFocusedWindow = () => (m.focused ? BrowserWindow.focusedWindow : null)
    once() {}
    on() {}
    maximize() {}
    show() {}
    isMinimized() {
      return false
    }
    focus() {}
    async loadFile(f: string) {
      m.windows.at(-1)!.loaded.push(f)
    }
    async loadURL(u: string) {
      m.windows.at(-1)!.loaded.push(u)
    }
  }
  return {
    app: {
      isPackaged: true,
      requestSingleInstanceLock: () => true,
      on: (name: string, l: (...args: unknown[]) => void) => m.appEvents.set(name, l),
      whenReady: () => m.whenReady,
      getPath: () => m.dir,
      quit: () => {},
      enableSandbox: () => m.beforeReady.push('enableSandbox'),
      isDefaultProtocolClient: () => false,
      setAsDefaultProtocolClient: () => true,
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
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        if (!m.isReady()) m.beforeReady.push('registerSchemesAsPrivileged')
        m.schemes.push(...schemes)
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => m.protocolHandlers.set(scheme, handler),
    },
    ipcMain: { handle: (c: string, l: (event: unknown, arg: unknown) => Promise<unknown>) => m.handlers.set(c, l), removeHandler: () => {} },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (l: (d: unknown, cb: (r: unknown) => void) => void) => m.headers.push(l) },
        setPermissionRequestHandler: (l: (wc: unknown, p: string, cb: (ok: boolean) => void, details: unknown) => void) => m.permission.push(l),
        setPermissionCheckHandler: (l: (wc: unknown, p: string, origin: string, details: unknown) => boolean) => m.permissionCheck.push(l),
      },
    },
    webContents: { fromId: () => ({ isDestroyed: () => false, send: (channel: string, ...args: unknown[]) => m.sent.push({ channel, args }) }) },
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
  it('registers a handler for every request, and only those', () => {
    expect([...m.handlers.keys()].sort()).toEqual(REQUEST_NAMES.map((n) => `tessera:${n}`).sort())
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

  it('opens the saved connection a second instance forwards with --tessera-profile', async () => {
    m.wcEvents.get('did-finish-load')!()
    m.appEvents.get('second-instance')!({}, ['C:\\Program Files\\Tessera\\Tessera.exe', '--allow-file-access', `--tessera-profile=${PROFILE_ID}`], '')
    await vi.waitFor(() => expect(connectedCount()).toBe(1), { timeout: 5_000 })
    expect(m.dialogs).toEqual([])
  })

  it('reads the clipboard only for its own focused window with a session open', () => {
    // The session of the test above is open now.
    const page = { requestingUrl: 'app://tessera/index.html', isMainFrame: true }
    expect(request('clipboard-read', page)).toBe(true)
    expect(check('clipboard-read', 'app://tessera', page)).toBe(true)
    expect(request('clipboard-read', { ...page, isMainFrame: false })).toBe(false)
    expect(request('clipboard-read', { requestingUrl: 'app://evil/index.html', isMainFrame: true })).toBe(false)
    expect(request('clipboard-read', page, { id: 2 })).toBe(false)
    m.focused = false
    try {
      expect(request('clipboard-read', page)).toBe(false)
      expect(check('clipboard-read', 'app://tessera', page)).toBe(false)
    } finally {
      m.focused = true
    }
  })

  it('asks before a vnc:// link connects to a server not in the address book, naming it', async () => {
    m.dialogAnswer = 1
    m.appEvents.get('open-url')!({ preventDefault: () => {} }, `vnc://127.0.0.1:${vnc.port + 1}`)
    await vi.waitFor(() => expect(m.dialogs).toHaveLength(1))
    expect(m.dialogs[0].message).toBe(`Connect to 127.0.0.1::${vnc.port + 1}?`)
    expect(m.dialogs[0].detail).toMatch(/not in your address book/)
    expect(m.dialogs[0].buttons).toEqual(['Connect', 'Cancel'])
    // Cancelled: nothing was opened (an attempt would have failed with an error dialog or a session).
    await new Promise((r) => setTimeout(r, 100))
    expect(m.dialogs).toHaveLength(1)
    expect(connectedCount()).toBe(1)
  })

  it('connects a vnc:// link to a saved server without asking', async () => {
    m.dialogs.length = 0
    m.appEvents.get('open-url')!({ preventDefault: () => {} }, `vnc://127.0.0.1:${vnc.port}`)
    await vi.waitFor(() => expect(connectedCount()).toBe(2), { timeout: 5_000 })
    expect(m.dialogs).toEqual([])
  })
})

function connectedCount(): number {
  return m.sent.filter((e) => e.args[0] === 'session.state' && (e.args[1] as { state: string }).state === 'connected').length
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
