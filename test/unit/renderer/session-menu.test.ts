import { describe, expect, it } from 'vitest'
import { type MenuAction, type MenuHandlers, menuDispatcher } from '../../../src/renderer/src/components/session-menu'

/** Handlers that record which ran with what; `slow` answers later, for the wait. */
function recording(slow: Promise<void>) {
  const ran: MenuAction[] = []
  const seen = (a: MenuAction) => void ran.push(a)
  const handlers: MenuHandlers = {
    combo: seen,
    fkey: seen,
    viewOnly: seen,
    scaling: seen,
    matchMonitors: seen,
    sendClipboard: seen,
    typeText: seen,
    clipboardPanel: seen,
    filesPanel: seen,
    screenshot: (a) => slow.then(() => seen(a)),
    record: seen,
    stats: seen,
    mute: seen,
    fullscreen: seen,
    fullscreenOn: seen,
    askMonitors: seen,
    refresh: seen,
    power: seen,
    disconnect: seen,
  }
  return { ran, handlers }
}

describe('menuDispatcher', () => {
  it('runs only the handler of the action chosen, with the action and its fields', async () => {
    const { ran, handlers } = recording(Promise.resolve())
    const run = menuDispatcher(handlers)
    await run({ type: 'fkey', n: 5 })
    await run({ type: 'power', action: 'reboot' })
    expect(ran).toEqual([
      { type: 'fkey', n: 5 },
      { type: 'power', action: 'reboot' },
    ])
  })

  it('settles only once an async handler has finished, and passes its failure on', async () => {
    let finish!: () => void
    const { ran, handlers } = recording(new Promise<void>((r) => (finish = r)))
    const run = menuDispatcher(handlers)
    let settled = false
    const done = run({ type: 'screenshot' }).then(() => (settled = true))
    await Promise.resolve()
    expect(settled).toBe(false)
    finish()
    await done
    expect(ran).toEqual([{ type: 'screenshot' }])
    const failing = menuDispatcher({ ...handlers, refresh: () => Promise.reject(new Error('no')) })
    await expect(failing({ type: 'refresh' })).rejects.toThrow('no')
  })
})
