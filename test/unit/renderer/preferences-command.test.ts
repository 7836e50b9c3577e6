import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { usePreferencesCommand } from '../../../src/renderer/src/composables/preferences-command'
import { setHost } from '../../../src/renderer/src/host'
import { setWindows } from '../../../src/renderer/src/host/windows'
import { MemoryHost } from './memory-host'
import { inScope } from './scope'

let host: MemoryHost

beforeEach(() => {
  host = new MemoryHost()
  setHost(host.link())
  // As in an Electron window: the app menu sends the command, no key of the page's own.
  setWindows({ kind: 'shell', openSession: async () => true, focusSession: async () => false, openSessionOfProfile: () => undefined })
})

afterEach(() => setWindows(null))

describe('usePreferencesCommand (every window root: address book, session windows, the wall)', () => {
  it("opens the Preferences on the app menu's command, and only on that one", () => {
    let opened = 0
    const { stop } = inScope(() => usePreferencesCommand(() => opened++))
    host.emit('app.command', { command: 'next-tab' })
    expect(opened).toBe(0)
    host.emit('app.command', { command: 'preferences' })
    expect(opened).toBe(1)
    stop()
    host.emit('app.command', { command: 'preferences' })
    expect(opened).toBe(1)
  })
})
