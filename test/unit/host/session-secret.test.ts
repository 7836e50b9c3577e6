import { describe, expect, it } from 'vitest'
import { SessionSecret } from '../../../src/main/host/session-secret'
import { MemorySecretStore } from './memory-secret-store'

const asIs = (s: string): string => s

describe('SessionSecret', () => {
  it('holds nothing at first: no known secret, saved ones allowed, nothing typed', () => {
    const s = new SessionSecret<string>()
    s.beginAttempt()
    expect(s.known()).toBeNull()
    expect(s.source).toBeNull()
    expect(s.mayUseSaved).toBe(true)
    expect(s.takeTyped()).toBeNull()
  })

  it('an asked secret that worked is reused by later attempts without asking', () => {
    const s = new SessionSecret<string>()
    s.beginAttempt()
    expect(s.asked('typed')).toBe('typed')
    expect(s.source).toBe('asked')
    s.worked()
    for (let attempt = 0; attempt < 2; attempt++) {
      s.beginAttempt()
      expect(s.known()).toBe('typed')
      expect(s.source).toBe('known')
    }
  })

  it('a cancelled question leaves the attempt without a secret', () => {
    const s = new SessionSecret<string>()
    s.beginAttempt()
    expect(s.asked(null)).toBeNull()
    expect(s.source).toBeNull()
    s.worked()
    s.beginAttempt()
    expect(s.known()).toBeNull()
  })

  it("a retry's answer is handed over once, ahead of what worked", () => {
    const s = new SessionSecret<string>()
    s.beginAttempt()
    s.asked('old')
    s.worked()
    s.retryWith('new')
    s.beginAttempt()
    expect(s.known()).toBe('new')
    s.beginAttempt()
    expect(s.known()).toBe('old')
  })

  it('reads the saved secret under its key, shaped by the caller, and marks it saved', async () => {
    const store = new MemorySecretStore()
    store.map.set('ssh:p1', 'from-keychain')
    const s = new SessionSecret<{ password: string }>()
    s.beginAttempt()
    expect(await s.fromSaved(store, 'ssh:p1', (password) => ({ password }))).toEqual({ password: 'from-keychain' })
    expect(s.source).toBe('saved')
    expect(store.reads).toEqual(['ssh:p1'])
    // A new attempt starts without a source.
    s.beginAttempt()
    expect(s.source).toBeNull()
  })

  it('a missing or unreadable saved secret is as good as none', async () => {
    const store = new MemorySecretStore()
    const s = new SessionSecret<string>()
    s.beginAttempt()
    expect(await s.fromSaved(store, 'p1', asIs)).toBeNull()
    store.map.set('p1', 'x')
    store.failing = true
    expect(await s.fromSaved(store, 'p1', asIs)).toBeNull()
    expect(s.source).toBeNull()
  })

  it('a rejected saved secret is not tried again in this session (and stays in the store)', async () => {
    const store = new MemorySecretStore()
    store.map.set('p1', 'stale')
    const s = new SessionSecret<string>()
    s.beginAttempt()
    await s.fromSaved(store, 'p1', asIs)
    s.rejected()
    expect(s.mayUseSaved).toBe(false)
    s.beginAttempt()
    expect(s.known()).toBeNull()
    expect(await s.fromSaved(store, 'p1', asIs)).toBeNull()
    expect(store.reads).toEqual(['p1'])
    expect(store.map.get('p1')).toBe('stale')
  })

  it('a rejected typed or known secret is dropped, but the saved one may still be tried', async () => {
    const s = new SessionSecret<string>()
    s.beginAttempt()
    s.asked('wrong')
    s.worked()
    s.beginAttempt()
    expect(s.known()).toBe('wrong')
    s.rejected()
    expect(s.mayUseSaved).toBe(true)
    s.beginAttempt()
    expect(s.known()).toBeNull()
  })

  it('reconnecting hands over what worked, replacing an older retry answer', () => {
    const s = new SessionSecret<string>()
    s.retryWith('unused retry answer')
    s.beginAttempt()
    s.asked('good')
    s.worked()
    s.reconnecting()
    s.beginAttempt()
    expect(s.known()).toBe('good')
  })

  it("a reconnect's hand-over survives a refusal that came before this secret was asked for", () => {
    // An SSH login refused during a reconnect drops the VNC secret that worked, but the
    // reconnect already handed it over: the retry after the SSH question still uses it.
    const s = new SessionSecret<string>()
    s.beginAttempt()
    s.asked('vnc-good')
    s.worked()
    s.reconnecting()
    s.beginAttempt()
    s.rejected()
    s.beginAttempt()
    expect(s.known()).toBe('vnc-good')
    s.beginAttempt()
    expect(s.known()).toBeNull()
  })

  it('what the user typed is kept with the save choice and handed out once', () => {
    const s = new SessionSecret<string>()
    s.typedByUser('first', false)
    s.typedByUser('second', true)
    expect(s.takeTyped()).toEqual({ value: 'second', save: true })
    expect(s.takeTyped()).toBeNull()
  })

  it('clear drops every copy kept for later attempts', () => {
    const s = new SessionSecret<string>()
    s.beginAttempt()
    s.asked('good')
    s.worked()
    s.retryWith('retry')
    s.clear()
    s.beginAttempt()
    expect(s.known()).toBeNull()
    s.worked()
    s.beginAttempt()
    expect(s.known()).toBeNull()
  })
})
