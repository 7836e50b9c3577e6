// One browser-mode session against a real VNC server: the set-up that the session suites share
// (a host on its own data folder, `tessera web`, a context whose every page is watched for errors,
// the address book at the launch address, and a quick connection that opens the session page).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { type CreateHostOptions, createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { type WebServer, startWebServer } from '../../src/main/web/server'
import { RENDERER_DIR, newContext, waitConnected, watchErrors } from './harness'

export interface WebSessionOptions {
  /** The VNC server's port on 127.0.0.1, typed into quick connect as `127.0.0.1::PORT`. */
  port: number
  dataDir: string
  viewport: { width: number; height: number }
  /** More host options (e.g. downloadsFolder); the keychain is off and thumbnails wait a minute. */
  hostOptions?: Omit<CreateHostOptions, 'dataDir'>
}

export interface WebSession {
  host: Host
  web: WebServer
  context: BrowserContext
  /** The address book page the connection was opened from. */
  book: Page
  /** The session page, connected with its first picture. */
  session: Page
  /** One error list per page of the context (see watchErrors); the suite asserts them empty. */
  errors: string[][]
  /** Closes the context, the web server and the host, in that order. */
  close(): Promise<void>
}

/** Opens a connected session in browser mode; on failure it closes what it opened before throwing. */
export async function openWebSession(browser: Browser, opts: WebSessionOptions): Promise<WebSession> {
  const { host } = await createHost({ dataDir: opts.dataDir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 }, ...opts.hostOptions })
  let web: WebServer | undefined
  let context: BrowserContext | undefined
  const close = async (): Promise<void> => {
    await context?.close()
    await web?.close()
    await host.shutdown()
  }
  try {
    web = await startWebServer({ host, rendererDir: RENDERER_DIR, port: 0, log: () => {} })
    context = await newContext(browser, `http://127.0.0.1:${web.port}`, opts.viewport)
    const errors: string[][] = []
    context.on('page', (p) => errors.push(watchErrors(p)))
    const book = await context.newPage()
    errors.push(watchErrors(book))
    await book.goto(web.launchUrl())
    const opened = context.waitForEvent('page')
    await book.fill('#quick-connect-input', `127.0.0.1::${opts.port}`)
    await book.press('#quick-connect-input', 'Enter')
    const session = await opened
    await waitConnected(session)
    return { host, web, context, book, session, errors, close }
  } catch (e) {
    await close().catch(() => {})
    throw e
  }
}
