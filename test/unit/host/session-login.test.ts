import { describe, expect, it } from 'vitest'
import type { CredentialRequestKind } from '../../../src/shared/contract'
import { type ConnectionProfile, newProfile } from '../../../src/shared/profile'
import { HostError } from '../../../src/main/host/errors'
import { AuthFailedError, NetworkError } from '../../../src/main/rfb/errors'
import { type LoginPrompter, SessionLogin } from '../../../src/main/host/session-login'
import { MemorySecretStore } from './memory-secret-store'

/** A prompter for one attempt: records what the session would show, and whether the attempt is still current. */
function prompter(): LoginPrompter & { shown: CredentialRequestKind[]; resumes: number; current: boolean } {
  const p = {
    shown: [] as CredentialRequestKind[],
    resumes: 0,
    current: true,
    stillCurrent: () => p.current,
    show: (kind: CredentialRequestKind) => void p.shown.push(kind),
    resumed: () => void p.resumes++,
  }
  return p
}

/** Lets the login's awaits run until it waits for the user. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r))

function profile(extra: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return newProfile({ id: 'p1', host: 'vnc.example', port: 5901, ...extra })
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    return e instanceof HostError ? e.error.code : 'not a HostError'
  }
  return undefined
}

describe('SessionLogin: the VNC password', () => {
  it('asks when nothing is known or saved, fills in the username, and records what was typed', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    const ui = prompter()
    login.beginAttempt()
    const asked = login.vncCredentials('password', null, null, ui)
    await settle()
    expect(ui.shown).toEqual(['password'])
    expect(login.answer({ password: 'pw', save: true }, 'alice')).toBe(false)
    expect(await asked).toEqual({ username: 'alice', password: 'pw' })
    expect(ui.resumes).toBe(0)
    login.vnc.worked()
    expect(login.takeTyped()).toEqual({ typed: { credentials: { username: 'alice', password: 'pw' }, save: true }, sshTyped: null })
    expect(login.takeTyped()).toEqual({ typed: null, sshTyped: null })
  })

  it('leaves the username out when none is known', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    login.beginAttempt()
    const asked = login.vncCredentials('password', null, null, prompter())
    await settle()
    login.answer({ password: 'pw', save: false }, undefined)
    expect(await asked).toEqual({ password: 'pw' })
    expect(Object.keys((await asked)!)).toEqual(['password'])
  })

  it('uses the saved password only for a profile that saves it, and for username-password only with a username', async () => {
    const store = new MemorySecretStore()
    store.map.set('p1', 'saved-pw')
    const login = new SessionLogin(store)
    login.beginAttempt()
    expect(await login.vncCredentials('password', profile({ savePassword: true, username: 'bob' }), 'p1', prompter())).toEqual({
      username: 'bob',
      password: 'saved-pw',
    })
    expect(login.vnc.source).toBe('saved')

    for (const [p, kind] of [
      [profile({ savePassword: false }), 'password'],
      [profile({ savePassword: true }), 'username-password'],
    ] as const) {
      const other = new SessionLogin(store)
      const ui = prompter()
      other.beginAttempt()
      void other.vncCredentials(kind, p, 'p1', ui)
      await settle()
      expect(ui.shown).toEqual([kind])
    }
  })

  it("a refused saved password is not tried again: the retry's answer goes to the next attempt without asking", async () => {
    const store = new MemorySecretStore()
    store.map.set('p1', 'stale')
    const login = new SessionLogin(store)
    const p = profile({ savePassword: true })
    login.beginAttempt()
    await login.vncCredentials('password', p, 'p1', prompter())
    expect(login.waiting).toBe(false)
    expect(login.refused()).toBe('password')
    // The renderer shows the retry question (the session cannot be moved meanwhile); its answer is for the next attempt.
    expect(login.waiting).toBe(true)
    expect(login.answer({ password: 'fresh', save: true }, undefined)).toBe(true)
    expect(login.waiting).toBe(false)
    const ui = prompter()
    login.beginAttempt()
    expect(await login.vncCredentials('password', p, 'p1', ui)).toEqual({ password: 'fresh' })
    expect(ui.shown).toEqual([])
    expect(store.reads).toEqual(['p1'])
    // Answered once: nothing waits any more.
    expect(codeOf(() => login.answer({ password: 'late', save: false }, undefined))).toBe('HOST_NO_CREDENTIALS_PENDING')
  })

  it("asks again after a refusal with the kind asked last, the server's own words, and the link for a VNC password only", async () => {
    const login = new SessionLogin(new MemorySecretStore())
    login.beginAttempt()
    void login.vncCredentials('username-password', profile(), 'p1', prompter())
    await settle()
    login.answer({ username: 'u', password: 'wrong', save: false }, undefined)
    const link = { encrypted: false, verified: false, acceptedOnce: false }
    expect(login.refusedQuestion('s1', new AuthFailedError('bad password'))).toEqual({
      sessionId: 's1',
      kind: 'username-password',
      retry: true,
      reason: 'bad password',
      link,
    })
    expect(login.waiting).toBe(true)
    // Our own words for a refusal stay out of the prompt.
    expect(login.refusedQuestion('s1', new NetworkError('gone'))).toEqual({ sessionId: 's1', kind: 'username-password', retry: true, link })
    void login.sshSecret('ssh-passphrase', null, prompter())
    await settle()
    expect(login.refusedQuestion('s1', new AuthFailedError(''))).toEqual({ sessionId: 's1', kind: 'ssh-passphrase', retry: true })
  })

  it('a late answer is refused before it replaces the password that is to be saved', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    login.beginAttempt()
    const asked = login.vncCredentials('password', null, null, prompter())
    await settle()
    expect(login.waiting).toBe(true)
    expect(login.answer({ password: 'right', save: true }, undefined)).toBe(false)
    expect(login.waiting).toBe(false)
    expect(await asked).toEqual({ password: 'right' })
    // The same dialog submitted a second time, with other text: refused, and nothing changes.
    expect(codeOf(() => login.answer({ password: 'typo', save: false }, undefined))).toBe('HOST_NO_CREDENTIALS_PENDING')
    expect(login.takeTyped().typed).toEqual({ credentials: { password: 'right' }, save: true })
  })

  it('a replaced attempt asks nobody', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    const ui = prompter()
    ui.current = false
    login.beginAttempt()
    expect(await login.vncCredentials('password', null, null, ui)).toBeNull()
    expect(ui.shown).toEqual([])
  })

  it('reconnecting reuses the password that worked without asking', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    login.beginAttempt()
    const asked = login.vncCredentials('password', null, null, prompter())
    await settle()
    login.answer({ password: 'pw', save: false }, undefined)
    await asked
    login.vnc.worked()
    login.reconnecting()
    const ui = prompter()
    login.beginAttempt()
    expect(await login.vncCredentials('password', null, null, ui)).toEqual({ password: 'pw' })
    expect(ui.shown).toEqual([])
  })
})

describe('SessionLogin: the SSH secret', () => {
  it('routes the answer by the kind asked last: kept apart from the VNC password, with its own save choice', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    const ui = prompter()
    login.beginAttempt()
    const asked = login.sshSecret('ssh-password', 'p1', ui)
    await settle()
    expect(ui.shown).toEqual(['ssh-password'])
    login.answer({ username: 'ignored', password: 'tunnel', save: true }, 'alice')
    expect(await asked).toBe('tunnel')
    expect(ui.resumes).toBe(1)
    expect(login.takeTyped()).toEqual({ typed: null, sshTyped: { secret: 'tunnel', save: true } })
  })

  it('uses the saved one under ssh:<profile id> whether or not the profile saves its VNC password', async () => {
    const store = new MemorySecretStore()
    store.map.set('ssh:p1', 'saved-tunnel')
    const login = new SessionLogin(store)
    login.beginAttempt()
    expect(await login.sshSecret('ssh-passphrase', 'p1', prompter())).toBe('saved-tunnel')
    expect(store.reads).toEqual(['ssh:p1'])
  })

  it('what worked is reused by every later attempt until the SSH server refuses it', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    login.beginAttempt()
    const asked = login.sshSecret('ssh-password', null, prompter())
    await settle()
    login.answer({ password: 'tunnel', save: false }, undefined)
    await asked
    login.ssh.worked()
    // A refused VNC password does not touch the SSH secret.
    login.refused()
    login.beginAttempt()
    expect(await login.sshSecret('ssh-password', null, prompter())).toBe('tunnel')
    login.ssh.rejected()
    const ui = prompter()
    login.beginAttempt()
    void login.sshSecret('ssh-password', null, ui)
    await settle()
    expect(ui.shown).toEqual(['ssh-password'])
  })

  it('a cancelled question, or an answer for a replaced attempt, does not resume the session', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    const ui = prompter()
    login.beginAttempt()
    const cancelled = login.sshSecret('ssh-password', null, ui)
    await settle()
    expect(login.cancel()).toBe(false)
    expect(await cancelled).toBeNull()

    const late = login.sshSecret('ssh-password', null, ui)
    await settle()
    ui.current = false
    login.answer({ password: 'x', save: false }, undefined)
    expect(await late).toBe('x')
    expect(ui.resumes).toBe(0)
  })
})

describe('SessionLogin: cancel and release', () => {
  it('cancel releases a waiting question, ends a session waiting for a retry, and is refused otherwise', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    expect(codeOf(() => login.cancel())).toBe('HOST_NO_CREDENTIALS_PENDING')
    login.refused()
    expect(login.cancel()).toBe(true)
    expect(codeOf(() => login.cancel())).toBe('HOST_NO_CREDENTIALS_PENDING')
  })

  it('release answers a waiting question with nothing; clear forgets what worked', async () => {
    const login = new SessionLogin(new MemorySecretStore())
    login.beginAttempt()
    const asked = login.vncCredentials('password', null, null, prompter())
    await settle()
    login.release()
    expect(await asked).toBeNull()
    login.vnc.retryWith({ password: 'pw' })
    login.clear()
    const ui = prompter()
    login.beginAttempt()
    void login.vncCredentials('password', null, null, ui)
    await settle()
    expect(ui.shown).toEqual(['password'])
  })
})
