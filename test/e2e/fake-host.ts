// An in-page stand-in for the Electron preload bridge (window.tessera), so renderer behaviour
// (painter, input, dialogs) can be tested without a VNC server. The test drives it with
// page.evaluate: it emits events and reads the requests the renderer made.
import type { Page } from 'playwright-core'
import type { ConnectionProfile } from '../../src/shared/profile'

export interface FakeCall {
  name: string
  arg: Record<string, unknown> | undefined
}

interface FakeState {
  calls: FakeCall[]
  listeners: Record<string, Array<(p: unknown) => void>>
  profiles: ConnectionProfile[]
  secrets: { available: boolean; protected: boolean; backend: string; plainFileAllowed: boolean }
  nextSession: number
}

declare global {
  interface Window {
    __fake: FakeState & {
      emit(name: string, payload: unknown): void
      /** Emits a FrameBatch; pixel and image bytes come base64-encoded. */
      frame(sessionId: string, seq: number, ops: number[], pixelsB64?: string, imagesB64?: string): void
    }
  }
}

/** Installs the fake bridge before the app's scripts run. */
export async function installFakeHost(
  page: Page,
  init: { profiles?: ConnectionProfile[]; secretsProtected?: boolean; plainFileAllowed?: boolean } = {},
): Promise<void> {
  await page.addInitScript((init) => {
    const state: FakeState = {
      calls: [],
      listeners: {},
      profiles: init.profiles ?? [],
      secrets: { available: true, protected: init.secretsProtected ?? true, backend: 'fake-keychain', plainFileAllowed: init.plainFileAllowed ?? false },
      nextSession: 1,
    }
    const emit = (name: string, payload: unknown): void => {
      for (const l of state.listeners[name] ?? []) l(payload)
    }
    const answers: Record<string, (arg: Record<string, unknown>) => unknown> = {
      'profiles.list': () => state.profiles,
      'profiles.save': (p) => {
        state.profiles = [...state.profiles.filter((x) => x.id !== p.id), p as unknown as ConnectionProfile]
        return p
      },
      'profiles.delete': (a) => {
        state.profiles = state.profiles.filter((x) => x.id !== a.id)
      },
      'profiles.thumbnail': () => null,
      'secrets.status': () => state.secrets,
      'secrets.allowPlainFile': (a) => {
        state.secrets = { ...state.secrets, plainFileAllowed: a.allow as boolean }
      },
      'session.open': () => ({ sessionId: `s${state.nextSession++}` }),
      'listen.start': (a) => ({ port: (a.port as number | undefined) ?? 5500 }),
      // An accepted server becomes a session with the next id; its events come from the test.
      'listen.answer': (a) => (a.accept ? { sessionId: `s${state.nextSession++}` } : null),
    }
    window.__fake = Object.assign(state, {
      emit,
      frame(sessionId: string, seq: number, ops: number[], pixelsB64 = '', imagesB64 = '') {
        const bytes = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
        const pixels = bytes(pixelsB64)
        // Views into a larger buffer at an odd offset, as decoded WebSocket frames may be.
        const px = new Uint8Array(pixels.length + 8)
        px.set(pixels, 8)
        const images = bytes(imagesB64)
        const im = new Uint8Array(images.length + 3)
        im.set(images, 3)
        emit('session.frame', { sessionId, seq, ops: new Int32Array(ops), pixels: px.subarray(8), images: im.subarray(3) })
      },
    })
    window.tessera = {
      request(name: string, arg: unknown) {
        state.calls.push({ name, arg: arg as Record<string, unknown> })
        const answer = answers[name]
        return Promise.resolve(answer ? answer(arg as Record<string, unknown>) : undefined)
      },
      on(name: string, listener: (p: unknown) => void) {
        ;(state.listeners[name] ??= []).push(listener)
        return () => {
          state.listeners[name] = state.listeners[name].filter((l) => l !== listener)
        }
      },
    } as unknown as Window['tessera']
  }, init)
}

/** Requests the renderer made, optionally of one name. */
export async function fakeCalls(page: Page, name?: string): Promise<FakeCall[]> {
  const calls = await page.evaluate(() => window.__fake.calls)
  return name ? calls.filter((c) => c.name === name) : calls
}

export async function clearCalls(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__fake.calls.length = 0
  })
}
