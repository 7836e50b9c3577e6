import { describe, expect, it } from 'vitest'
import { CREDENTIAL_KEY, type LaunchEnv, launchCredential, showLaunchProblem } from '../../../src/renderer/src/host/web-launch'

/** A page at `hash` whose server answers the exchange with `answer`. */
function env(hash: string, answer: (body: Record<string, string>) => { ok: boolean; json: unknown } | Error, stored?: string) {
  const storage = new Map<string, string>(stored ? [[CREDENTIAL_KEY, stored]] : [])
  const posted: Array<Record<string, string>> = []
  const urls: string[] = []
  const e: LaunchEnv = {
    location: { hash, pathname: '/', search: '' },
    replaceUrl: (url) => urls.push(url),
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) },
    fetch: async (url, init) => {
      expect(url).toBe('/session')
      expect(init.method).toBe('POST')
      const body = JSON.parse(init.body) as Record<string, string>
      posted.push(body)
      const a = answer(body)
      if (a instanceof Error) throw a
      return { ok: a.ok, json: async () => a.json }
    },
  }
  return { e, storage, posted, urls }
}

describe('launchCredential', () => {
  it('takes the code out of the address, exchanges it and keeps the credential for reloads', async () => {
    const t = env('#code=abc', () => ({ ok: true, json: { credential: 'cred' } }))
    expect(await launchCredential(t.e)).toEqual({ credential: 'cred' })
    expect(t.urls).toEqual(['/'])
    expect(t.posted).toEqual([{ code: 'abc' }])
    expect(t.storage.get(CREDENTIAL_KEY)).toBe('cred')
  })

  it('says the address was used, and forgets any older credential', async () => {
    const t = env('#code=abc', () => ({ ok: false, json: { error: 'WEB_LINK_USED' } }), 'old')
    expect(await launchCredential(t.e)).toEqual({ error: 'WEB_LINK_USED' })
    expect(t.storage.has(CREDENTIAL_KEY)).toBe(false)
  })

  it('checks a held credential on reload', async () => {
    const good = env('', () => ({ ok: true, json: { credential: 'cred' } }), 'cred')
    expect(await launchCredential(good.e)).toEqual({ credential: 'cred' })
    expect(good.posted).toEqual([{ credential: 'cred' }])
    const stale = env('', () => ({ ok: false, json: { error: 'WEB_SESSION_ENDED' } }), 'cred')
    expect(await launchCredential(stale.e)).toEqual({ error: 'WEB_SESSION_ENDED' })
  })

  it('asks for the printed address when it has neither, without asking the server', async () => {
    const t = env('', () => ({ ok: true, json: { credential: 'x' } }))
    expect(await launchCredential(t.e)).toEqual({ error: 'WEB_LINK_MISSING' })
    expect(t.posted).toEqual([])
  })

  it('treats a server that is gone or answers nonsense as an ended run', async () => {
    expect(await launchCredential(env('#code=a', () => new Error('network')).e)).toEqual({ error: 'WEB_SESSION_ENDED' })
    expect(await launchCredential(env('#code=a', () => ({ ok: false, json: { error: 'SOMETHING_ELSE' } })).e)).toEqual({ error: 'WEB_SESSION_ENDED' })
    expect(await launchCredential(env('#code=a', () => ({ ok: true, json: { credential: 7 } })).e)).toEqual({ error: 'WEB_SESSION_ENDED' })
  })
})

/** Just enough of a document for showLaunchProblem: elements with text and children. */
class FakeElement {
  className = ''
  textContent = ''
  children: FakeElement[] = []
  constructor(readonly tag: string) {}
  append(...c: FakeElement[]): void {
    this.children.push(...c)
  }
  replaceChildren(...c: FakeElement[]): void {
    this.children = c
  }
}

describe('showLaunchProblem', () => {
  it('replaces the page with plain words and how to get a new address', () => {
    const body = new FakeElement('body')
    body.append(new FakeElement('div'))
    const doc = { body, title: '', createElement: (tag: string) => new FakeElement(tag) }
    showLaunchProblem(doc as unknown as Document, 'WEB_LINK_USED')
    const [main] = body.children
    expect(main.tag).toBe('main')
    expect(body.children).toHaveLength(1)
    expect(main.children.map((c) => [c.tag, c.textContent])).toEqual([
      ['h1', 'This Tessera address has already been used or has expired'],
      ['p', expect.stringContaining('press Enter in the terminal where tessera web is running')],
    ])
  })
})
