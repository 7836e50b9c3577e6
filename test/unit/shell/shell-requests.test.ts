import { describe, expect, it, vi } from 'vitest'
import type { IpcResult } from '../../../src/shared/ipc-channels'
import { SHELL_REQUEST_NAMES, isShellRequestName, shellRequestSchemas } from '../../../src/shared/shell-schemas'
import { type ShellHandlers, ShellRefusal, bridgeShellToIpc } from '../../../src/main/shell/shell-ipc'

describe('shell request schemas', () => {
  it('name exactly the eight shell requests', () => {
    expect([...SHELL_REQUEST_NAMES].sort()).toEqual([
      'shell.chooseFolder',
      'shell.displays',
      'shell.focusSession',
      'shell.fullscreen',
      'shell.openRecordingFile',
      'shell.openSession',
      'shell.openWall',
      'shell.showDataFile',
    ])
    expect(isShellRequestName('shell.displays')).toBe(true)
    for (const name of ['profiles.list', 'shell.openExternal', 'toString', '__proto__', 42, undefined])
      expect(isShellRequestName(name), String(name)).toBe(false)
  })

  it('accept each shell.openSession target with a placement', () => {
    const parse = (v: unknown) => shellRequestSchemas['shell.openSession'].parse(v, 'argument')
    expect(parse({ profileId: 'lab-1', placement: 'window' })).toEqual({ profileId: 'lab-1', placement: 'window' })
    expect(parse({ address: 'vnc://pi@10.0.0.2:5901', placement: 'tab' })).toEqual({ address: 'vnc://pi@10.0.0.2:5901', placement: 'tab' })
    const handOffCode = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi'
    expect(parse({ adoptSessionId: 's_1', handOffCode, placement: 'window' })).toEqual({ adoptSessionId: 's_1', handOffCode, placement: 'window' })
  })

  it('refuse shell.openSession without a placement, with a bad one, bad ids, two targets or extra fields', () => {
    const parse = (v: unknown) => shellRequestSchemas['shell.openSession'].parse(v, 'argument')
    for (const bad of [
      { profileId: 'lab' },
      { profileId: 'lab', placement: 'popup' },
      { profileId: '../etc/passwd', placement: 'window' },
      { profileId: '', placement: 'window' },
      { profileId: 'x'.repeat(65), placement: 'window' },
      { address: '', placement: 'window' },
      { address: 'h'.repeat(1025), placement: 'window' },
      { adoptSessionId: 'a b', handOffCode: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi', placement: 'tab' },
      // A moved session needs the code its old window was given, and nothing that could leave the query string.
      { adoptSessionId: 's1', placement: 'window' },
      { adoptSessionId: 's1', handOffCode: '', placement: 'window' },
      { adoptSessionId: 's1', handOffCode: 'short', placement: 'window' },
      { adoptSessionId: 's1', handOffCode: 'a&view=wall&open=1&code=aaaaaaaaaa', placement: 'window' },
      { adoptSessionId: 's1', handOffCode: 'x'.repeat(129), placement: 'window' },
      { profileId: 'lab', address: 'h', placement: 'window' },
      { profileId: 'lab', placement: 'window', url: 'https://evil.example/' },
      { placement: 'window' },
      null,
      'lab',
      [{ profileId: 'lab', placement: 'window' }],
    ]) {
      expect(() => parse(bad), JSON.stringify(bad)).toThrow(/^argument/)
    }
  })

  it('check shell.openWall: a folder path or the open sessions, nothing else', () => {
    const parse = (arg: unknown) => shellRequestSchemas['shell.openWall'].parse(arg, 'argument')
    expect(parse({ folder: 'Lab/Rack 2' })).toEqual({ folder: 'Lab/Rack 2' })
    expect(parse({ folder: '' })).toEqual({ folder: '' })
    expect(parse({ open: true })).toEqual({ open: true })
    for (const bad of [{ open: false }, { folder: 'x'.repeat(501) }, { folder: 'a', open: true }, { folder: 7 }, {}, null]) {
      expect(() => parse(bad), JSON.stringify(bad)).toThrow(/^argument/)
    }
  })

  it('check shell.focusSession, shell.displays and shell.fullscreen', () => {
    const s = shellRequestSchemas
    expect(s['shell.focusSession'].parse({ sessionId: 'abc' })).toEqual({ sessionId: 'abc' })
    expect(() => s['shell.focusSession'].parse({ sessionId: 7 })).toThrow()
    expect(() => s['shell.focusSession'].parse({})).toThrow(/is required/)
    expect(s['shell.displays'].parse(undefined)).toBeUndefined()
    expect(s['shell.displays'].parse(null)).toBeUndefined()
    expect(() => s['shell.displays'].parse({})).toThrow(/must be empty/)
    for (const mode of ['off', 'current', 'display', 'all'] as const) expect(s['shell.fullscreen'].parse({ mode })).toEqual({ mode })
    expect(s['shell.fullscreen'].parse({ mode: 'display', displayId: 2779098405 })).toEqual({ mode: 'display', displayId: 2779098405 })
    for (const bad of [
      { mode: 'kiosk' },
      { mode: 'display', displayId: -1 },
      { mode: 'display', displayId: 1.5 },
      { mode: 'all', displayId: '1' },
      { mode: 'off', x: 1 },
      {},
    ]) {
      expect(() => s['shell.fullscreen'].parse(bad), JSON.stringify(bad)).toThrow()
    }
  })

  it('check shell.openRecordingFile: it takes nothing, so a window cannot name a file', () => {
    const parse = (arg: unknown) => shellRequestSchemas['shell.openRecordingFile'].parse(arg, 'argument')
    expect(parse(undefined)).toBeUndefined()
    for (const bad of [{ path: '/etc/passwd' }, '/home/ana/x.fbs', { name: 'x.fbs' }]) expect(() => parse(bad), JSON.stringify(bad)).toThrow(/^argument/)
  })

  it('check shell.chooseFolder: nothing, or an absolute path to start in', () => {
    const parse = (arg: unknown) => shellRequestSchemas['shell.chooseFolder'].parse(arg, 'argument')
    expect(parse({})).toEqual({})
    for (const current of ['/home/ana/Downloads', 'C:\\Users\\ana', 'D:/x', '\\\\nas\\share']) expect(parse({ current }), current).toEqual({ current })
    for (const bad of [
      { current: '' },
      { current: 'Downloads' },
      { current: '../etc' },
      { current: '/a\0b' },
      { current: '/' + 'x'.repeat(5000) },
      { path: '/x' },
      null,
    ])
      expect(() => parse(bad), JSON.stringify(bad)).toThrow(/^argument/)
  })
})

type Handler = (event: unknown, arg: unknown) => Promise<IpcResult>

/** The shell's IPC with recording handlers; `trusted` frames are app://tessera main frames. */
function bridge(overrides: Partial<ShellHandlers> = {}) {
  const registered = new Map<string, Handler>()
  const calls: { name: string; arg: unknown; sender: number }[] = []
  const log: string[] = []
  const record =
    <T>(name: string, result: T) =>
    (arg: unknown, sender: number): T => {
      calls.push({ name, arg, sender })
      return result
    }
  const handlers: ShellHandlers = {
    'shell.openSession': record('shell.openSession', undefined),
    'shell.openWall': record('shell.openWall', undefined),
    'shell.focusSession': record('shell.focusSession', true),
    'shell.displays': record('shell.displays', []),
    'shell.fullscreen': record('shell.fullscreen', undefined),
    'shell.showDataFile': record('shell.showDataFile', true),
    'shell.chooseFolder': record('shell.chooseFolder', null),
    'shell.openRecordingFile': record('shell.openRecordingFile', null),
    ...overrides,
  }
  const dispose = bridgeShellToIpc({
    ipcMain: { handle: (channel, l) => registered.set(channel, l as Handler), removeHandler: (channel) => registered.delete(channel) },
    isTrustedSender: (url, main) => main && url === 'app://tessera/index.html?view=session&profile=lab',
    handlers,
    log: (message) => log.push(message),
  })
  const call = (name: string, arg: unknown, { url = 'app://tessera/index.html?view=session&profile=lab', subframe = false, sender = 4 } = {}) =>
    registered.get(`tessera-shell:${name}`)!({ senderFrame: { url, parent: subframe ? {} : null }, sender: { id: sender } }, arg)
  return { registered, calls, log, call, dispose }
}

describe('shell IPC', () => {
  it('registers one channel per shell request and removes them', () => {
    const b = bridge()
    expect([...b.registered.keys()].sort()).toEqual(SHELL_REQUEST_NAMES.map((n) => `tessera-shell:${n}`).sort())
    b.dispose()
    expect(b.registered.size).toBe(0)
  })

  it('refuses every request from a frame that is not our main frame, before validating or acting', async () => {
    const b = bridge()
    const valid: Record<string, unknown> = {
      'shell.openSession': { profileId: 'lab', placement: 'window' },
      'shell.focusSession': { sessionId: 's' },
      'shell.displays': undefined,
      'shell.fullscreen': { mode: 'all' },
      'shell.showDataFile': { name: 'connections.json.corrupt-1' },
      'shell.chooseFolder': {},
      'shell.openRecordingFile': undefined,
    }
    for (const name of SHELL_REQUEST_NAMES) {
      for (const from of [{ url: 'https://evil.example/' }, { subframe: true }, { url: 'app://tessera/assets/x.html' }]) {
        expect(await b.call(name, valid[name], from), `${name} ${JSON.stringify(from)}`).toEqual({
          ok: false,
          error: { kind: 'refused', code: 'HOST_UNTRUSTED_SENDER', message: 'request refused: it did not come from the Tessera window' },
        })
      }
      const missingFrame = await b.registered.get(`tessera-shell:${name}`)!({ senderFrame: null, sender: { id: 4 } }, valid[name])
      expect(missingFrame).toMatchObject({ ok: false, error: { code: 'HOST_UNTRUSTED_SENDER' } })
    }
    expect(b.calls).toEqual([])
  })

  it('refuses an invalid argument with what was wrong, without acting', async () => {
    const b = bridge()
    expect(await b.call('shell.openSession', { profileId: 'lab', placement: 'everywhere' })).toEqual({
      ok: false,
      error: { kind: 'protocol', code: 'HOST_INVALID_REQUEST', message: expect.stringMatching(/^argument/) },
    })
    expect(await b.call('shell.fullscreen', { mode: 'display', displayId: 'left' })).toMatchObject({ ok: false, error: { code: 'HOST_INVALID_REQUEST' } })
    expect(b.calls).toEqual([])
  })

  it('hands the checked argument and the sender to the handler and returns its result', async () => {
    const b = bridge()
    expect(await b.call('shell.focusSession', { sessionId: 's9' }, { sender: 12 })).toEqual({ ok: true, result: true })
    expect(b.calls).toEqual([{ name: 'shell.focusSession', arg: { sessionId: 's9' }, sender: 12 }])
  })

  it('reports a refusal in its own words, and anything unforeseen as an internal error in the log only', async () => {
    const b = bridge({
      'shell.fullscreen': () => {
        throw new ShellRefusal('that display is not connected')
      },
      'shell.displays': vi.fn(() => {
        throw new Error('secret detail')
      }),
    })
    expect(await b.call('shell.fullscreen', { mode: 'display', displayId: 3 })).toEqual({
      ok: false,
      error: { kind: 'refused', code: 'HOST_INVALID_REQUEST', message: 'that display is not connected' },
    })
    expect(await b.call('shell.displays', undefined)).toEqual({ ok: false, error: { kind: 'protocol', code: 'HOST_INTERNAL', message: 'internal error' } })
    expect(b.log.join('\n')).toMatch(/shell.displays failed: .*secret detail/)
  })
})
