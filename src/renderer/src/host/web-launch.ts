import type { WebLinkErrorCode } from '@shared/error-codes'
import { LAUNCH_CODE_PARAM, SESSION_PATH } from '@shared/web-auth'
import { errorHeadline } from '../lib/errors'
import { t } from '../lib/i18n'

/** Where the page keeps its credential: per tab and per origin (the port included), so a reload keeps it. */
export const CREDENTIAL_KEY = 'tessera.credential'

/** What the launch needs from the browser, so tests can pass fakes. */
export interface LaunchEnv {
  location: { hash: string; pathname: string; search: string }
  replaceUrl(url: string): void
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
  fetch(url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<{ ok: boolean; json(): Promise<unknown> }>
}

/** The page's credential, or why it has none. */
export type LaunchResult = { credential: string } | { error: WebLinkErrorCode }

/**
 * Gets this browser-mode page its credential: a launch code in the address's fragment is taken
 * out of the address (so history, bookmarks and a reload never hold it) and exchanged once;
 * without one, the credential this tab already holds is checked. Never throws.
 */
export async function launchCredential(env: LaunchEnv): Promise<LaunchResult> {
  const code = new URLSearchParams(env.location.hash.replace(/^#/, '')).get(LAUNCH_CODE_PARAM)
  if (code !== null) {
    env.replaceUrl(env.location.pathname + env.location.search)
    return remember(env, await exchange(env, { code }))
  }
  const held = env.storage.getItem(CREDENTIAL_KEY)
  if (held === null) return { error: 'WEB_LINK_MISSING' }
  return remember(env, await exchange(env, { credential: held }))
}

function remember(env: LaunchEnv, result: LaunchResult): LaunchResult {
  if ('credential' in result) env.storage.setItem(CREDENTIAL_KEY, result.credential)
  else env.storage.removeItem(CREDENTIAL_KEY)
  return result
}

async function exchange(env: LaunchEnv, body: { code: string } | { credential: string }): Promise<LaunchResult> {
  try {
    const res = await env.fetch(SESSION_PATH, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    const answer = (await res.json()) as { credential?: unknown; error?: unknown }
    if (res.ok && typeof answer.credential === 'string') return { credential: answer.credential }
    const code = answer.error
    if (code === 'WEB_LINK_USED' || code === 'WEB_LINK_MISSING' || code === 'WEB_SESSION_ENDED') return { error: code }
  } catch {
    // No answer, or not JSON: this page's server is gone.
  }
  return { error: 'WEB_SESSION_ENDED' }
}

/** Replaces the page with a plain explanation of why it cannot open and how to get a new address. */
export function showLaunchProblem(doc: Document, code: WebLinkErrorCode): void {
  const main = doc.createElement('main')
  main.className = 'launch-problem'
  const title = doc.createElement('h1')
  title.textContent = errorHeadline(code)
  const next = doc.createElement('p')
  next.textContent = t('app.launch.nextStep')
  main.append(title, next)
  doc.body.replaceChildren(main)
  doc.title = 'Tessera' // i18n-exempt: the product's name
}
