import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PROFILE_SCHEMA_VERSION, newProfile } from '../../../src/shared/profile'
import { REQUEST_NAMES } from '../../../src/shared/schemas'
import { RENDERER_CSP } from '../../../src/main/shell/window-options'
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
  return { handlers, appEvents, windows, whenReady, ready: () => ready(), headers: [] as ((d: unknown, cb: (r: unknown) => void) => void)[], permission: [] as ((wc: unknown, p: string, cb: (ok: boolean) => void) => void)[], dir: '', wcEvents, sent, menus }
})

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { id: 1, on: (name: string, l: () => void) => m.wcEvents.set(name, l), send: () => {}, isDestroyed: () => false }
    constructor(options: Record<string, unknown>) {
      m.windows.push({ options, loaded: [] })
    }
    static getAllWindows = () => []
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
      isDefaultProtocolClient: () => false,
      setAsDefaultProtocolClient: () => true,
    },
    BrowserWindow,
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (t: { submenu?: { label?: string; enabled?: boolean }[] }[]) => m.menus.push(t.flatMap((x) => x.submenu ?? [])),
    },
    dialog: { showMessageBox: async () => ({}) },
    ipcMain: { handle: (c: string, l: (event: unknown, arg: unknown) => Promise<unknown>) => m.handlers.set(c, l), removeHandler: () => {} },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (l: (d: unknown, cb: (r: unknown) => void) => void) => m.headers.push(l) },
        setPermissionRequestHandler: (l: (wc: unknown, p: string, cb: (ok: boolean) => void) => void) => m.permission.push(l),
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

  it('creates a sandboxed, isolated window loading the built renderer', () => {
    const { options, loaded } = m.windows[0]
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false })
    expect(loaded[0]).toMatch(/renderer[\\/]index\.html$/)
  })

  it('puts the CSP on every response and grants only the permissions a viewer needs', () => {
    let headers: unknown
    m.headers[0]({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r))
    expect(headers).toEqual({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [RENDERER_CSP] } })
    const grant = (p: string) => {
      let ok = false
      m.permission[0]({}, p, (x) => (ok = x))
      return ok
    }
    expect(grant('clipboard-read')).toBe(true)
    expect(grant('geolocation')).toBe(false)
    expect(grant('media')).toBe(false)
  })

  it('refuses navigation, new windows and webviews in every web contents', () => {
    const prevented: string[] = []
    let openHandler: (() => unknown) | undefined
    const contents = {
      on: (name: string, l: (e: { preventDefault(): void }) => void) => l({ preventDefault: () => prevented.push(name) }),
      setWindowOpenHandler: (h: () => unknown) => (openHandler = h),
    }
    m.appEvents.get('web-contents-created')!({}, contents)
    expect(prevented.sort()).toEqual(['will-attach-webview', 'will-navigate'])
    expect(openHandler!()).toEqual({ action: 'deny' })
  })

  it('reports a keyring-less Linux safeStorage as unprotected', async () => {
    const packaged = `file://${join(__dirname, '../../../src/renderer/index.html')}`
    // The mocked shell runs from src/main, so its renderer path is src/renderer/index.html.
    const result = await m.handlers.get('tessera:secrets.status')!({ senderFrame: { url: packaged, parent: null }, sender: { id: 1 } }, undefined)
    expect(result).toEqual({ ok: true, result: { available: true, protected: false, backend: 'basic_text', plainFileAllowed: false } })
  })

  it('offers "Make Tessera the Default VNC Viewer" while it is not', () => {
    expect(m.menus.at(-1)).toContainEqual(expect.objectContaining({ label: 'Make Tessera the Default VNC Viewer', enabled: true }))
  })

  it('opens the saved connection a second instance forwards with --tessera-profile', async () => {
    m.wcEvents.get('did-finish-load')!()
    m.appEvents.get('second-instance')!({}, ['C:\\Program Files\\Tessera\\Tessera.exe', '--allow-file-access', `--tessera-profile=${PROFILE_ID}`], '')
    await vi.waitFor(() => {
      const states = m.sent.filter((e) => e.args[0] === 'session.state').map((e) => e.args[1] as { state: string })
      expect(states.map((x) => x.state)).toContain('connected')
    }, { timeout: 5_000 })
  })
})
