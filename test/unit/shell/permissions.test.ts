import { describe, expect, it } from 'vitest'
import { type PermissionQuestion, installPermissionHandlers, permissionAllowed } from '../../../src/main/shell/permissions'

const packaged = { dir: '/opt/Tessera/resources/app.asar/out/renderer' }
const dev = { ...packaged, devServerUrl: 'http://localhost:5173' }
const ours: PermissionQuestion = { permission: 'clipboard-read', url: 'app://tessera/index.html', isMainFrame: true, windowFocused: true, sessionOpen: true }

describe('permissionAllowed', () => {
  it('lets our focused window with a session read the clipboard, and nothing else', () => {
    expect(permissionAllowed(ours, packaged)).toBe(true)
    expect(permissionAllowed({ ...ours, url: 'app://tessera' }, packaged)).toBe(true)
    expect(permissionAllowed({ ...ours, windowFocused: false }, packaged)).toBe(false)
    expect(permissionAllowed({ ...ours, sessionOpen: false }, packaged)).toBe(false)
    expect(permissionAllowed({ ...ours, isMainFrame: false }, packaged)).toBe(false)
    for (const url of [
      'app://evil/index.html',
      'file:///opt/Tessera/resources/app.asar/out/renderer/index.html',
      'https://tessera/',
      'http://localhost:5173/',
      undefined,
      'null',
      '',
    ]) {
      expect(permissionAllowed({ ...ours, url }, packaged), String(url)).toBe(false)
    }
  })

  it('allows clipboard writes and full screen to our page without a session, refuses everything else', () => {
    for (const permission of ['clipboard-sanitized-write', 'fullscreen']) {
      expect(permissionAllowed({ ...ours, permission, sessionOpen: false, windowFocused: false }, packaged), permission).toBe(true)
      expect(permissionAllowed({ ...ours, permission, url: 'https://example.org/' }, packaged), permission).toBe(false)
    }
    for (const permission of [
      'deprecated-sync-clipboard-read',
      'keyboardLock',
      'pointerLock',
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'hid',
      'usb',
      'serial',
      'fileSystem',
      'local-fonts',
      'window-management',
      'unknown',
      'automatic-fullscreen',
    ]) {
      expect(permissionAllowed({ ...ours, permission }, packaged), permission).toBe(false)
    }
  })

  it('trusts the dev server origin only when running from it', () => {
    expect(permissionAllowed({ ...ours, url: 'http://localhost:5173/' }, dev)).toBe(true)
    expect(permissionAllowed({ ...ours, url: 'http://localhost:5174/' }, dev)).toBe(false)
    expect(permissionAllowed(ours, dev)).toBe(false)
  })
})

describe('installPermissionHandlers', () => {
  it('gives the request and the check handler the same answers', () => {
    let request!: (wc: { id: number }, p: string, cb: (ok: boolean) => void, d: { requestingUrl?: string; isMainFrame?: boolean }) => void
    let check!: (wc: { id: number } | null, p: string, origin: string, d: { requestingUrl?: string; isMainFrame?: boolean }) => boolean
    let focusedId = 7
    installPermissionHandlers(
      { setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) },
      {
        where: packaged,
        isFocused: (id) => id === focusedId,
        hasSession: (id) => id === 7,
      },
    )
    const asked = (id: number, permission: string): [boolean, boolean] => {
      let granted: boolean | undefined
      request({ id }, permission, (ok) => (granted = ok), { requestingUrl: 'app://tessera/index.html', isMainFrame: true })
      return [granted!, check({ id }, permission, 'app://tessera', { isMainFrame: true })]
    }
    expect(asked(7, 'clipboard-read')).toEqual([true, true])
    expect(asked(8, 'clipboard-read')).toEqual([false, false])
    expect(asked(8, 'clipboard-sanitized-write')).toEqual([true, true])
    expect(asked(7, 'geolocation')).toEqual([false, false])
    focusedId = 8
    expect(asked(7, 'clipboard-read')).toEqual([false, false])
    // No web contents (a service worker, say): refused.
    expect(check(null, 'clipboard-sanitized-write', 'app://tessera', { isMainFrame: true })).toBe(false)
  })
})
