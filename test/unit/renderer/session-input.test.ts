import { describe, expect, it } from 'vitest'
import { localShortcut } from '../../../src/renderer/src/composables/session-input'

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
})

describe('localShortcut', () => {
  it('keeps F8 (menu) and F11 (full screen) for Tessera', () => {
    expect(localShortcut(key('F8'))).toBe('menu')
    expect(localShortcut(key('F11'))).toBe('fullscreen')
  })

  it('leaves them to the server with any modifier, and every other key', () => {
    for (const mod of ['ctrlKey', 'altKey', 'metaKey', 'shiftKey'] as const) {
      expect(localShortcut(key('F8', { [mod]: true })), mod).toBeNull()
      expect(localShortcut(key('F11', { [mod]: true })), mod).toBeNull()
    }
    for (const k of ['F7', 'F9', 'F12', 'Escape', 'a']) expect(localShortcut(key(k)), k).toBeNull()
  })
})
