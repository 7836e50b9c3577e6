import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { menuTemplate } from '../../../src/main/shell/app-menu'
import { createHost } from '../../../src/main/host/create-host'
import type { ConnectionStore } from '../../../src/main/host/connection-store'
import type { Host } from '../../../src/main/host/host'
import { PROFILE_ARG, targetsFromArgv } from '../../../src/main/shell/launch-targets'
import { newProfile } from '../../../src/shared/profile'

// Jump list, dock menu, recent documents and the default-viewer registration, against a
// stand-in for Electron that records what the shell asked of the OS.
const m = vi.hoisted(() => ({
  jumpLists: [] as unknown[],
  removed: [] as { args?: string }[],
  dockMenus: [] as { label: string; toolTip?: string; click(): void }[][],
  recentDocs: [] as string[],
  protocolCalls: [] as { fn: string; args: unknown[] }[],
  isDefault: false,
}))

vi.mock('electron', () => ({
  app: {
    setJumpList: (c: unknown) => (m.jumpLists.push(c), 'ok'),
    getJumpListSettings: () => ({ minItems: 10, removedItems: m.removed }),
    dock: { setMenu: (menu: { label: string; toolTip?: string; click(): void }[]) => m.dockMenus.push(menu) },
    addRecentDocument: (p: string) => m.recentDocs.push(p),
    isDefaultProtocolClient: (...args: unknown[]) => (m.protocolCalls.push({ fn: 'is', args }), m.isDefault),
    setAsDefaultProtocolClient: (...args: unknown[]) => (m.protocolCalls.push({ fn: 'set', args }), true),
  },
  Menu: { buildFromTemplate: (t: unknown) => t },
}))

const { trackRecentConnections, jumpListCategories, rememberOpened, recentConnections } = await import('../../../src/main/shell/recent-connections')
const { isDefaultViewer, makeDefaultViewer, selfCommand, windowsArgs } = await import('../../../src/main/shell/default-viewer')

let dir: string
let host: Host
let store: ConnectionStore

beforeEach(async () => {
  m.jumpLists.length = 0
  m.dockMenus.length = 0
  m.recentDocs.length = 0
  m.protocolCalls.length = 0
  m.removed = []
  dir = mkdtempSync(join(tmpdir(), 'tessera-os-'))
  ;({ host, store } = await createHost({ dataDir: dir, decodeImage: null, log: () => {} }))
})

afterEach(async () => {
  await host.shutdown()
  rmSync(dir, { recursive: true, force: true })
})

/** Ten used connections (c0 oldest … c9 newest) and one never used. */
async function addConnections(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const p = await store.save(newProfile({ id: `c${i}`, host: `host${i}`, port: 5900 + i, name: `Server ${i}` }))
    await store.touch(p.id, 1000 + i)
  }
  await store.save(newProfile({ id: 'unused', host: 'never', name: 'Never used' }))
}

const self = { program: 'C:\\Program Files\\Tessera\\Tessera.exe', args: [] }

describe('--tessera-profile', () => {
  it('parses into a profile target, ignoring bad ids and surviving Chromium switch lower-casing', () => {
    expect(targetsFromArgv(['--tessera-profile=abc-DEF_1'])).toEqual([{ kind: 'profile', id: 'abc-DEF_1' }])
    expect(targetsFromArgv(['--TESSERA-PROFILE=Xy'])).toEqual([{ kind: 'profile', id: 'Xy' }])
    expect(targetsFromArgv(['--tessera-profile=', '--tessera-profile=../etc', `--tessera-profile=${'a'.repeat(65)}`])).toEqual([])
    expect(targetsFromArgv(['--no-sandbox', '--tessera-profile=p1', 'vnc://h'])).toEqual([
      { kind: 'profile', id: 'p1' },
      { kind: 'url', url: 'vnc://h' },
    ])
  })
})

describe('jump list (Windows)', () => {
  it('lists the 8 most recent connections, each starting Tessera with --tessera-profile=<id>', async () => {
    await addConnections()
    await trackRecentConnections(host, { platform: 'win32', self, open: () => {} })
    expect(m.jumpLists).toHaveLength(1)
    const [recent, custom] = m.jumpLists[0] as [
      { type: string },
      { type: string; name: string; items: { title: string; description: string; program: string; args: string }[] },
    ]
    expect(recent).toEqual({ type: 'recent' })
    expect(custom).toMatchObject({ type: 'custom', name: 'Recent Connections' })
    expect(custom.items.map((i) => i.title)).toEqual(['Server 9', 'Server 8', 'Server 7', 'Server 6', 'Server 5', 'Server 4', 'Server 3', 'Server 2'])
    expect(custom.items[0]).toMatchObject({ type: 'task', program: self.program, args: `${PROFILE_ARG}c9`, description: 'host9:9', iconPath: self.program })
    // What the jump list starts is exactly what the launch parser opens.
    expect(targetsFromArgv([self.program, custom.items[0].args])).toEqual([{ kind: 'profile', id: 'c9' }])
  })

  it('refreshes when profiles change, but only when the list itself changes', async () => {
    await addConnections()
    await trackRecentConnections(host, { platform: 'win32', self, open: () => {} })
    await host.handle('profiles.save', { ...store.get('c0')!, name: 'Renamed but old' })
    expect(m.jumpLists).toHaveLength(1)
    await store.touch('c0', 5000)
    await host.handle('profiles.save', { ...store.get('c0')!, name: 'Oldest is newest' })
    expect(m.jumpLists).toHaveLength(2)
    const custom = (m.jumpLists[1] as { items?: { title: string }[] }[])[1]
    expect(custom.items![0].title).toBe('Oldest is newest')
    await host.handle('profiles.delete', { id: 'c0' })
    expect(m.jumpLists).toHaveLength(3)
  })

  it('does not add back an entry the user removed', async () => {
    await addConnections()
    m.removed = [{ args: `${PROFILE_ARG}c9` }]
    await trackRecentConnections(host, { platform: 'win32', self, open: () => {} })
    const custom = (m.jumpLists[0] as { items?: { args: string }[] }[])[1]
    expect(custom.items!.map((i) => i.args)).not.toContain(`${PROFILE_ARG}c9`)
  })

  it('passes the app directory first in development, quoted for Windows', () => {
    const dev = { program: 'C:\\electron.exe', args: ['C:\\My Code\\tessera'] }
    const [, custom] = jumpListCategories([newProfile({ id: 'a', host: 'h', lastUsedAt: 1 })], dev) as { items?: { args: string }[] }[]
    expect(custom.items![0].args).toBe(`"C:\\My Code\\tessera" ${PROFILE_ARG}a`)
  })

  it('has only the OS recent category with no recent connections', () => {
    expect(jumpListCategories([newProfile({ id: 'a', host: 'h' })], self)).toEqual([{ type: 'recent' }])
    expect(recentConnections([])).toEqual([])
  })
})

describe('dock menu (macOS)', () => {
  it('lists the 8 most recent connections and opens the clicked one in this process', async () => {
    await addConnections()
    const opened: string[] = []
    const stop = await trackRecentConnections(host, { platform: 'darwin', self, open: (id) => opened.push(id) })
    expect(m.jumpLists).toEqual([])
    const menu = m.dockMenus[0]
    expect(menu.map((i) => i.label)).toEqual(['Server 9', 'Server 8', 'Server 7', 'Server 6', 'Server 5', 'Server 4', 'Server 3', 'Server 2'])
    expect(menu[0].toolTip).toBe('host9:9')
    menu[1].click()
    expect(opened).toEqual(['c8'])
    // Unsubscribed: later changes leave the dock alone.
    stop()
    await store.touch('c0', 9000)
    await host.handle('profiles.save', { ...store.get('c0')!, name: 'x' })
    expect(m.dockMenus).toHaveLength(1)
  })

  it('does nothing on Linux', async () => {
    await addConnections()
    await trackRecentConnections(host, { platform: 'linux', self, open: () => {} })
    expect(m.jumpLists).toEqual([])
    expect(m.dockMenus).toEqual([])
  })
})

describe('recent documents', () => {
  it('adds opened .vnc files on Windows and macOS only', () => {
    rememberOpened({ kind: 'file', path: '/home/me/lab.vnc' }, 'darwin')
    rememberOpened({ kind: 'url', url: 'vnc://h' }, 'darwin')
    rememberOpened({ kind: 'profile', id: 'a' }, 'win32')
    rememberOpened({ kind: 'file', path: '/home/me/other.vnc' }, 'linux')
    expect(m.recentDocs).toEqual(['/home/me/lab.vnc'])
  })
})

describe('default VNC viewer', () => {
  const base = { execPath: '/opt/Tessera/tessera', argv: ['/opt/Tessera/tessera'], env: {} }

  it('registers the installed executable for vnc://', () => {
    expect(isDefaultViewer(base)).toBe(false)
    expect(makeDefaultViewer(base)).toBe(true)
    expect(m.protocolCalls).toEqual([
      { fn: 'is', args: ['vnc', '/opt/Tessera/tessera', []] },
      { fn: 'set', args: ['vnc', '/opt/Tessera/tessera', []] },
    ])
  })

  it('registers the portable exe, not its temporary unpacked copy', () => {
    const portable = { ...base, execPath: 'C:\\Temp\\xyz\\Tessera.exe', env: { PORTABLE_EXECUTABLE_FILE: 'D:\\Tools\\Tessera-portable.exe' } }
    makeDefaultViewer(portable)
    expect(m.protocolCalls).toEqual([{ fn: 'set', args: ['vnc', 'D:\\Tools\\Tessera-portable.exe', []] }])
  })

  it('in development registers Electron with the resolved app directory', () => {
    expect(selfCommand({ execPath: '/n/electron', argv: ['/n/electron', '.'], defaultApp: true, env: {} })).toEqual({
      program: '/n/electron',
      args: [resolve('.')],
    })
    m.isDefault = true
    expect(isDefaultViewer({ execPath: '/n/electron', argv: ['/n/electron', 'app'], defaultApp: true, env: {} })).toBe(true)
    expect(m.protocolCalls[0]).toEqual({ fn: 'is', args: ['vnc', '/n/electron', [resolve('app')]] })
    m.isDefault = false
  })

  it('quotes Windows arguments the way CommandLineToArgvW reads them', () => {
    expect(windowsArgs(['a', 'b c', 'say "hi"', 'C:\\dir with space\\'])).toBe('a "b c" "say \\"hi\\"" "C:\\dir with space\\\\"')
  })

  it('is a menu item, greyed out once Tessera is the default', () => {
    const actions = { newConnection: () => {}, disconnect: () => {}, toggleFullscreen: () => {}, makeDefaultViewer: vi.fn() }
    const find = (defaultViewer: boolean) =>
      menuTemplate(actions, { platform: 'win32', defaultViewer })
        .flatMap((x) => (Array.isArray(x.submenu) ? x.submenu : []))
        .find((x) => x.label === 'Make Tessera the Default VNC Viewer')!
    expect(find(false).enabled).toBe(true)
    expect(find(true).enabled).toBe(false)
    ;(find(false).click as () => void)()
    expect(actions.makeDefaultViewer).toHaveBeenCalledOnce()
    // Without the action (browser-mode builds of the menu) there is no such item.
    expect(JSON.stringify(menuTemplate({ ...actions, makeDefaultViewer: undefined }))).not.toContain('Default VNC Viewer')
  })
})
