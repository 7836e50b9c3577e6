import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHORTCUTS, menuTemplate, sessionMenuLabel } from '../../../src/main/shell/app-menu'
import { targetsFromArgv } from '../../../src/main/shell/launch-targets'
import {
  DEFAULT_WINDOW,
  SHELL_CSP,
  isTrustedSender,
  loadWindowState,
  parseWindowState,
  saveWindowState,
  visibleBounds,
  windowOptions,
  withCsp,
} from '../../../src/main/shell/window-options'

describe('window options', () => {
  it('isolate the renderer: context isolation, sandbox, no Node, no webview', () => {
    const o = windowOptions('/app/out/preload/index.js')
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    })
    expect(o).toMatchObject({ width: DEFAULT_WINDOW.width, height: DEFAULT_WINDOW.height, show: false })
  })

  it('use remembered bounds', () => {
    expect(windowOptions('/p', { x: 10, y: 20, width: 900, height: 700, maximized: false })).toMatchObject({ x: 10, y: 20, width: 900, height: 700 })
  })

  it('CSP allows only our own code and replaces any header the page came with', () => {
    expect(SHELL_CSP).toContain("default-src 'self'")
    expect(SHELL_CSP).toContain("script-src 'self'")
    expect(SHELL_CSP).toContain("object-src 'none'")
    expect(SHELL_CSP).toContain("frame-ancestors 'none'")
    expect(SHELL_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
    const h = withCsp({ 'content-security-policy': ['default-src *'], 'X-Other': 'v' })
    expect(h).toEqual({ 'Content-Security-Policy': [SHELL_CSP], 'X-Other': ['v'] })
  })
})

describe('IPC sender validation', () => {
  const dir = join(tmpdir(), 'app', 'out', 'renderer')
  const packaged = { dir }
  const url = 'app://tessera/index.html'

  it('accepts our renderer page on app://tessera in the main frame', () => {
    expect(isTrustedSender(url, true, packaged)).toBe(true)
    expect(isTrustedSender(`${url}#/session/1`, true, packaged)).toBe(true)
    expect(isTrustedSender('app://tessera/', true, packaged)).toBe(true)
  })

  it('refuses subframes, other pages, file://, other schemes and nonsense', () => {
    expect(isTrustedSender(url, false, packaged)).toBe(false)
    expect(isTrustedSender('app://tessera/assets/evil.html', true, packaged)).toBe(false)
    expect(isTrustedSender('app://other/index.html', true, packaged)).toBe(false)
    expect(isTrustedSender(`file://${join(dir, 'index.html')}`, true, packaged)).toBe(false)
    expect(isTrustedSender('https://example.org/', true, packaged)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/', true, packaged)).toBe(false)
    expect(isTrustedSender(undefined, true, packaged)).toBe(false)
    expect(isTrustedSender('::', true, packaged)).toBe(false)
  })

  it('accepts the dev server origin only in dev', () => {
    const dev = { dir, devServerUrl: 'http://localhost:5173' }
    expect(isTrustedSender('http://localhost:5173/index.html', true, dev)).toBe(true)
    expect(isTrustedSender('http://localhost:5174/', true, dev)).toBe(false)
    expect(isTrustedSender(url, true, dev)).toBe(false)
  })
})

describe('window state', () => {
  it('round-trips through a file and falls back to defaults on anything odd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-win-'))
    try {
      const f = join(dir, 'window-state.json')
      expect(await loadWindowState(f)).toEqual(DEFAULT_WINDOW)
      await saveWindowState(f, { x: 5, y: 6, width: 1000, height: 800, maximized: true })
      expect(await loadWindowState(f)).toEqual({ x: 5, y: 6, width: 1000, height: 800, maximized: true })
      writeFileSync(f, '{"width": "huge"}')
      expect(await loadWindowState(f)).toEqual(DEFAULT_WINDOW)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(parseWindowState({ width: 10, height: 10 })).toEqual(DEFAULT_WINDOW)
    expect(parseWindowState({ width: 800, height: 600, x: 1.5, y: 0 })).toEqual({ width: 800, height: 600, maximized: false })
  })

  it('drops a position that is on no display any more', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }]
    const onScreen = { x: 100, y: 100, width: 800, height: 600, maximized: false }
    expect(visibleBounds(onScreen, screens)).toEqual(onScreen)
    expect(visibleBounds({ ...onScreen, x: 3000 }, screens)).toEqual({ width: 800, height: 600, maximized: false })
    expect(visibleBounds({ x: 3000, y: 0, width: 4000, height: 3000, maximized: false }, screens)).toEqual({ width: 1920, height: 1080, maximized: false })
  })
})

describe('launch targets', () => {
  it('picks vnc:// URLs and .vnc files out of argv', () => {
    expect(targetsFromArgv(['/usr/bin/tessera', '--no-sandbox', 'vnc://pi@10.0.0.2:5901', 'VNCS://x', '/home/u/Lab.VNC', 'readme.txt', '--flag.vnc'])).toEqual([
      { kind: 'url', url: 'vnc://pi@10.0.0.2:5901' },
      { kind: 'url', url: 'VNCS://x' },
      { kind: 'file', path: '/home/u/Lab.VNC' },
    ])
  })
})

describe('application menu', () => {
  it('has New connection, Disconnect, Full screen on F11 and Quit', () => {
    const calls: string[] = []
    const t = menuTemplate(
      { newConnection: () => calls.push('new'), disconnect: () => calls.push('disc'), toggleFullscreen: () => calls.push('fs') },
      { platform: 'linux' },
    )
    const items = t.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []))
    const byLabel = (l: string) => items.find((i) => i.label === l)!
    expect(byLabel('New Connection').accelerator).toBe('CmdOrCtrl+N')
    expect(byLabel('Full Screen').accelerator).toBe('F11')
    expect(items.some((i) => i.role === 'quit')).toBe(true)
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false)
    for (const l of ['New Connection', 'Disconnect', 'Full Screen']) (byLabel(l).click as () => void)()
    expect(calls).toEqual(['new', 'disc', 'fs'])
    // Keys meant for the remote desktop are not taken by the menu.
    expect(byLabel('New Connection').registerAccelerator).toBe(false)
    // Open Recording… only where the shell offers it.
    expect(items.some((i) => i.label === 'Open Recording…')).toBe(false)
    const withRecordings = menuTemplate(
      { newConnection: () => {}, disconnect: () => {}, toggleFullscreen: () => {}, openRecording: () => calls.push('rec') },
      { platform: 'linux' },
    )
    const rec = withRecordings.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : [])).find((i) => i.label === 'Open Recording…')!
    ;(rec.click as () => void)()
    expect(calls.at(-1)).toBe('rec')
  })

  it('offers Measure Performance… in the View menu where the shell gives the action', () => {
    const calls: string[] = []
    const base = { newConnection: () => {}, disconnect: () => {}, toggleFullscreen: () => {} }
    const view = (t: ReturnType<typeof menuTemplate>) =>
      t.find((m) => String(m.label).replace('&', '') === 'View')!.submenu as { label?: string; click?: unknown }[]
    expect(view(menuTemplate(base, { platform: 'linux' })).some((i) => i.label === 'Measure Performance…')).toBe(false)
    const item = view(menuTemplate({ ...base, measurePerformance: () => calls.push('measure') }, { platform: 'linux' })).find(
      (i) => i.label === 'Measure Performance…',
    )!
    ;(item.click as () => void)()
    expect(calls).toEqual(['measure'])
  })
})

describe('window menu', () => {
  const actions = (calls: string[]) => ({
    newConnection: () => calls.push('new'),
    disconnect: () => calls.push('disc'),
    toggleFullscreen: () => calls.push('fs'),
    addressBook: () => calls.push('book'),
    cycleWindows: (d: 1 | -1) => calls.push(`window ${d}`),
    cycleTabs: (d: 1 | -1) => calls.push(`tab ${d}`),
  })
  const windowItems = (t: ReturnType<typeof menuTemplate>) =>
    t.find((m) => m.label === '&Window' || m.label === 'Window')!.submenu as {
      label?: string
      accelerator?: string
      registerAccelerator?: boolean
      click?: () => void
      role?: string
    }[]

  it('has the address book, session window and tab cycling, each doing its job', () => {
    const calls: string[] = []
    const items = windowItems(menuTemplate(actions(calls), { platform: 'linux' }))
    const byLabel = (l: string) => items.find((i) => i.label === l)!
    for (const l of ['Address Book', 'Next Session Window', 'Previous Session Window', 'Next Tab', 'Previous Tab']) byLabel(l).click!()
    expect(calls).toEqual(['book', 'window 1', 'window -1', 'tab 1', 'tab -1'])
    expect(byLabel('Next Session Window').accelerator).toBe(SHORTCUTS.nextWindow)
    // Registered: the shell, not the page, acts on these keys.
    expect(byLabel('Next Session Window').registerAccelerator).toBeUndefined()
  })

  it('uses shortcuts that stay clear of what remote desktops and the other menu items need', () => {
    const all = Object.values(SHORTCUTS)
    expect(new Set(all).size).toBe(all.length)
    for (const a of all) {
      expect(a).not.toMatch(/^(CmdOrCtrl|Ctrl)\+(Tab|Alt\+Delete|N|D|Q|C|V|X|Z|A)$/)
      expect(a).not.toMatch(/^Alt\+/)
      expect(['CmdOrCtrl+N', 'CmdOrCtrl+D', 'CmdOrCtrl+Q', 'F11']).not.toContain(a)
    }
  })

  it('lists open sessions, each focusing its window, with & shown as itself', () => {
    const focused: string[] = []
    const items = windowItems(
      menuTemplate(actions([]), {
        platform: 'linux',
        sessions: [
          { label: sessionMenuLabel({ name: 'R&D lab', desktopName: 'build:1' }, 'linux'), focus: () => focused.push('lab') },
          { label: sessionMenuLabel({ name: 'pi' }, 'linux'), focus: () => focused.push('pi') },
        ],
      }),
    )
    const labels = items.map((i) => i.label).filter(Boolean)
    expect(labels.slice(-2)).toEqual(['R&&D lab — build:1', 'pi'])
    items.find((i) => i.label === 'pi')!.click!()
    expect(focused).toEqual(['pi'])
    expect(sessionMenuLabel({ name: 'x'.repeat(80) }, 'darwin')).toHaveLength(60)
    expect(sessionMenuLabel({ name: 'same', desktopName: 'same' }, 'darwin')).toBe('same')
  })

  it("keeps Electron's own Window menu when the shell gives no window actions", () => {
    const t = menuTemplate({ newConnection: () => {}, disconnect: () => {}, toggleFullscreen: () => {} }, { platform: 'linux' })
    expect(t.at(-1)).toEqual({ role: 'windowMenu' })
  })
})

describe('IPC sender validation with views', () => {
  it('trusts our page whatever view its query string asks for', () => {
    const packaged = { dir: '/app/out/renderer' }
    expect(isTrustedSender('app://tessera/index.html?view=session&profile=lab', true, packaged)).toBe(true)
    expect(isTrustedSender('app://tessera/?view=wall&open=1', true, packaged)).toBe(true)
    expect(isTrustedSender('app://tessera/other.html?view=session', true, packaged)).toBe(false)
  })
})
