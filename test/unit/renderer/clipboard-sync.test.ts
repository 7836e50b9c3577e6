import { describe, expect, it } from 'vitest'
import { type LocalClipboard, useClipboardSync } from '../../../src/renderer/src/composables/clipboard-sync'

/** A clipboard holding `text`; `readable` is the permission state, `refuse` makes reads fail. */
function fakeClipboard(text: string, opts: { readable?: boolean; refuse?: boolean } = {}): LocalClipboard & { text: string } {
  return {
    text,
    read() {
      return opts.refuse ? Promise.reject(new DOMException('Read permission denied.', 'NotAllowedError')) : Promise.resolve(this.text)
    },
    readableWithoutPrompt: () => Promise.resolve(opts.readable ?? true),
  }
}

function setup(clipboard: LocalClipboard, state: { remote?: string; inputAllowed?: boolean; sendFails?: boolean } = {}) {
  const sent: string[] = []
  const notices: Array<[string, string]> = []
  let panels = 0
  const sync = useClipboardSync({
    clipboard,
    send: (text) => {
      if (state.sendFails) return Promise.reject(new Error('not connected'))
      sent.push(text)
      return Promise.resolve()
    },
    remoteText: () => state.remote ?? '',
    inputAllowed: () => state.inputAllowed ?? true,
    notify: (kind, text) => notices.push([kind, text]),
    openPanel: () => panels++,
  })
  return { sync, sent, notices, panels: () => panels }
}

describe('useClipboardSync: sending on request', () => {
  it('sends the local clipboard and says so', async () => {
    const { sync, sent, notices } = setup(fakeClipboard('hello'))
    await sync.sendLocal()
    expect(sent).toEqual(['hello'])
    expect(notices).toEqual([['info', 'Clipboard sent to the remote computer.']])
  })

  it('says when the local clipboard is empty', async () => {
    const { sync, sent, notices } = setup(fakeClipboard(''))
    await sync.sendLocal()
    expect(sent).toEqual([''])
    expect(notices).toEqual([['info', 'The clipboard here is empty.']])
  })

  it('opens the panel when the browser will not let the page read the clipboard', async () => {
    const { sync, sent, notices, panels } = setup(fakeClipboard('secret', { refuse: true }))
    await sync.sendLocal()
    expect(sent).toEqual([])
    expect(panels()).toBe(1)
    expect(notices).toEqual([['info', 'The browser did not allow reading the clipboard: paste the text into the clipboard panel.']])
  })
})

describe('useClipboardSync: sending by itself', () => {
  it('sends new local text where reading needs no prompt, once', async () => {
    const clipboard = fakeClipboard('one')
    const { sync, sent } = setup(clipboard)
    await sync.syncLocal()
    await sync.syncLocal()
    clipboard.text = 'two'
    await sync.syncLocal()
    expect(sent).toEqual(['one', 'two'])
  })

  it('does not send back what the server put there', async () => {
    const { sync, sent } = setup(fakeClipboard('from the server'), { remote: 'from the server' })
    await sync.syncLocal()
    expect(sent).toEqual([])
  })

  it('does not send again what was sent on request', async () => {
    const { sync, sent } = setup(fakeClipboard('same'))
    await sync.sendLocal()
    await sync.syncLocal()
    expect(sent).toEqual(['same'])
  })

  it('never prompts, reads nor sends without permission or while input is not allowed', async () => {
    const unreadable = setup(fakeClipboard('x', { readable: false }))
    await unreadable.sync.syncLocal()
    const viewOnly = setup(fakeClipboard('x'), { inputAllowed: false })
    await viewOnly.sync.syncLocal()
    expect([...unreadable.sent, ...viewOnly.sent]).toEqual([])
  })

  it('stays silent when reading or sending fails', async () => {
    const refused = setup(fakeClipboard('x', { refuse: true }))
    await refused.sync.syncLocal()
    const offline = setup(fakeClipboard('x'), { sendFails: true })
    await offline.sync.syncLocal()
    expect([...refused.notices, ...offline.notices]).toEqual([])
    expect(refused.panels() + offline.panels()).toBe(0)
  })
})
