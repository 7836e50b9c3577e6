import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import { closeQuestion, quitQuestion } from '../../../src/main/shell/app-lifecycle'
import { menuTemplate } from '../../../src/main/shell/app-menu'
import { menuLabel, shellLocale, shellText } from '../../../src/main/shell/shell-i18n'
import { SUPPORTED_LOCALES } from '../../../src/shared/i18n/locales'

const actions = (calls: string[]) => ({
  newConnection: () => calls.push('new'),
  disconnect: () => calls.push('disc'),
  toggleFullscreen: () => calls.push('fs'),
  addressBook: () => calls.push('book'),
  preferences: () => calls.push('prefs'),
})

const items = (t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => t.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? m.submenu : [])])

describe('the shell in every language', () => {
  it('builds the menu in the language asked for, with access keys kept elsewhere than macOS', () => {
    const t = menuTemplate(actions([]), { platform: 'linux', text: shellText('de') })
    expect(t.map((m) => m.label)).toEqual(['&Verbindung', '&Bearbeiten', '&Ansicht', '&Fenster'])
    const labels = items(t).map((i) => i.label)
    expect(labels).toEqual(expect.arrayContaining(['Neue Verbindung', 'Trennen', 'Einstellungen…', 'Beenden', 'Kopieren', 'Vollbild', 'Adressbuch']))
    // Every item a role would otherwise name in English has a label of ours.
    for (const i of items(t)) if (i.role && i.role !== 'windowMenu') expect(i.label, String(i.role)).toBeTruthy()
  })

  it('puts Preferences… with Ctrl+, above Quit on Linux and Windows, and Settings… in the app menu on macOS', () => {
    const calls: string[] = []
    const linux = items(menuTemplate(actions(calls), { platform: 'linux' }))
    const prefs = linux.find((i) => i.label === 'Preferences…')!
    expect(prefs.accelerator).toBe('CmdOrCtrl+,')
    ;(prefs.click as () => void)()
    expect(calls).toEqual(['prefs'])
    const mac = menuTemplate(actions(calls), { platform: 'darwin', text: shellText('ja') })
    expect(mac[0].label).toBe('Tessera')
    const appMenu = mac[0].submenu as MenuItemConstructorOptions[]
    expect(appMenu.find((i) => i.accelerator === 'CmdOrCtrl+,')?.label).toBe('設定…')
    // macOS shows no access keys: "接続(&C)" reads "接続" there.
    expect(mac.map((m) => m.label)).toEqual(['Tessera', '接続', '編集', '表示', 'ウインドウ'])
    expect(items(menuTemplate(actions([]), { platform: 'darwin' })).filter((i) => i.accelerator === 'CmdOrCtrl+,')).toHaveLength(1)
  })

  it('asks the quit question in the chosen language with the right plural', () => {
    expect(quitQuestion(1, shellText('de'))).toEqual({
      message: 'Tessera beenden?',
      detail: 'Eine Sitzung ist geöffnet und wird getrennt.',
      buttons: ['Beenden', 'Abbrechen'],
    })
    expect(closeQuestion('linux', 1, 4, shellText('fr'))?.detail).toBe('4 sessions sont ouvertes et seront déconnectées.')
    expect(quitQuestion(2, shellText('zh-CN'))?.detail).toContain('2 个会话')
  })

  it('every language has every shell word, and none is left empty', () => {
    const en = shellText('en')
    for (const locale of SUPPORTED_LOCALES) {
      const t = shellText(locale)
      expect(t('shell.menu.newConnection')).not.toBe('')
      if (locale !== 'en') expect(t('shell.menu.newConnection'), locale).not.toBe(en('shell.menu.newConnection'))
    }
  })

  it('follows the system when the setting says so, and the setting otherwise', () => {
    expect(shellLocale('system', ['de-AT', 'en-US'])).toBe('de')
    expect(shellLocale('system', ['zh-Hans-CN'])).toBe('zh-CN')
    expect(shellLocale('system', ['pt-BR'])).toBe('en')
    expect(shellLocale('fr', ['de-DE'])).toBe('fr')
  })

  it('drops access keys only on macOS, keeping a literal ampersand', () => {
    expect(menuLabel('&Window', 'darwin')).toBe('Window')
    expect(menuLabel('R&&D', 'darwin')).toBe('R&D')
    expect(menuLabel('ウインドウ(&W)', 'darwin')).toBe('ウインドウ')
    expect(menuLabel('&Window', 'win32')).toBe('&Window')
  })
})
