import { beforeEach, describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(),
  listeners: [] as ((event: unknown, ...args: unknown[]) => void)[],
}))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (_channel: string, l: (event: unknown, ...args: unknown[]) => void) => electron.listeners.push(l),
  },
}))

interface Api {
  request(name: string, arg?: unknown): Promise<unknown>
  on(name: string, l: (p: unknown) => void): () => void
}

beforeEach(async () => {
  vi.resetModules()
  electron.exposed.clear()
  electron.listeners.length = 0
  electron.invoke.mockReset()
  await import('../../../src/preload/index')
})

const api = (): Api => electron.exposed.get('tessera') as Api
const shell = (): { request(name: string, arg: unknown): Promise<unknown> } =>
  electron.exposed.get('tesseraShell') as { request(name: string, arg: unknown): Promise<unknown> }

describe('preload', () => {
  it('exposes window.tessera with request and on, window.tesseraShell with request, and nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['tessera', 'tesseraShell'])
    expect(Object.keys(api()).sort()).toEqual(['on', 'request'])
    expect(Object.keys(shell())).toEqual(['request'])
  })

  it("invokes the shell's per-request channel, unwraps the result and rejects with the error", async () => {
    electron.invoke.mockResolvedValue({ ok: true, result: true })
    expect(await shell().request('shell.focusSession', { sessionId: 's1' })).toBe(true)
    expect(electron.invoke).toHaveBeenCalledWith('tessera-shell:shell.focusSession', { sessionId: 's1' })
    const error = { kind: 'refused', code: 'HOST_UNTRUSTED_SENDER', message: 'no' }
    electron.invoke.mockResolvedValue({ ok: false, error })
    await expect(shell().request('shell.displays', undefined)).rejects.toEqual(error)
  })

  it('refuses names that are not shell requests without touching IPC, host requests included', async () => {
    await expect(shell().request('profiles.list', undefined)).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    await expect(shell().request('shell.openExternal', 'https://x')).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    await expect(api().request('shell.displays')).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    expect(electron.invoke).not.toHaveBeenCalled()
  })

  it('invokes the per-request channel and unwraps the result', async () => {
    electron.invoke.mockResolvedValue({ ok: true, result: [1] })
    expect(await api().request('profiles.list')).toEqual([1])
    expect(electron.invoke).toHaveBeenCalledWith('tessera:profiles.list', undefined)
  })

  it('rejects with the host SessionError', async () => {
    const error = { kind: 'closed', code: 'HOST_UNKNOWN_SESSION', message: 'gone' }
    electron.invoke.mockResolvedValue({ ok: false, error })
    await expect(api().request('session.close', { sessionId: 'x' })).rejects.toEqual(error)
  })

  it('refuses unknown request names without touching IPC', async () => {
    await expect(api().request('shell.openExternal', 'file:///')).rejects.toMatchObject({ code: 'HOST_INVALID_REQUEST' })
    expect(electron.invoke).not.toHaveBeenCalled()
  })

  it('delivers events to subscribers until they unsubscribe', () => {
    const got: unknown[] = []
    const off = api().on('session.bell', (p) => got.push(p))
    expect(() => api().on('ipc.anything', () => {})).toThrow('unknown event')
    const deliver = (name: string, payload: unknown) => electron.listeners.forEach((l) => l({}, name, payload))
    deliver('session.bell', { sessionId: 'a' })
    deliver('session.clipboard', { sessionId: 'a', text: 'x' })
    off()
    deliver('session.bell', { sessionId: 'b' })
    expect(got).toEqual([{ sessionId: 'a' }])
  })

  it("delivers the shell's app commands, which are part of the contract", () => {
    const got: unknown[] = []
    api().on('app.command', (p) => got.push(p))
    electron.listeners.forEach((l) => l({}, 'app.command', { command: 'disconnect' }))
    expect(got).toEqual([{ command: 'disconnect' }])
  })
})
