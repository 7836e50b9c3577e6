import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { CLOSE_TOO_MANY_CLIENTS, MAX_CLIENTS, type WebServer, startWebServer } from '../../../src/main/web/server'
import { CLOSE_TRY_AGAIN_LATER, type LinkState, type SocketLike, WsHost } from '../../../src/renderer/src/host/ws-host'
import { linkStateWords } from '../../../src/renderer/src/lib/errors'
import { socketProtocols } from '../../../src/shared/web-auth'

// A browser tab past browser mode's cap on sockets: the page's own WsHost, against the real
// browser-mode server, must say in plain words why it cannot connect, and connect once a place frees.

let work: string
let host: Host
let web: WebServer
const sockets: WebSocket[] = []
const pages: WsHost[] = []

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'tessera-web-tabs-'))
  mkdirSync(join(work, 'renderer'))
  writeFileSync(join(work, 'renderer', 'index.html'), '<!doctype html>')
  host = (await createHost({ dataDir: join(work, 'data'), decodeImage: null, log: () => {} })).host
  web = await startWebServer({ host, rendererDir: join(work, 'renderer'), token: 'T0ken-for-tests', log: () => {} })
})

afterEach(async () => {
  for (const p of pages.splice(0)) p.close()
  for (const ws of sockets.splice(0)) ws.terminate()
  await web.close()
  await host.shutdown()
  rmSync(work, { recursive: true, force: true })
})

/** A socket as a browser page opens it (Origin of the page), through the `ws` package. */
function pageSocket(url: string, protocols: string[]): SocketLike {
  const ws = new WebSocket(url, protocols, { headers: { Origin: `http://127.0.0.1:${web.port}` } })
  sockets.push(ws)
  return ws as unknown as SocketLike
}

function openTab(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, socketProtocols(web.token), { headers: { Origin: `http://127.0.0.1:${web.port}` } })
  sockets.push(ws)
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

async function until(what: string, test: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('a browser tab past the cap on tabs', () => {
  it('says in plain words that too many tabs are open, keeps saying it while it retries, and connects once one closes', async () => {
    expect(CLOSE_TRY_AGAIN_LATER).toBe(CLOSE_TOO_MANY_CLIENTS)
    const tabs: WebSocket[] = []
    for (let i = 0; i < MAX_CLIENTS; i++) tabs.push(await openTab())
    const page = new WsHost({
      url: `ws://127.0.0.1:${web.port}/ws`,
      protocols: socketProtocols(web.token),
      createSocket: pageSocket,
      minRetryMs: 50,
      maxRetryMs: 200,
    })
    pages.push(page)
    const states: LinkState[] = []
    page.onLinkState((s) => states.push(s))
    await until('the page to be turned away', () => page.state === 'busy')
    const words = linkStateWords(page.state)!
    expect(words).toMatch(/too many tessera tabs are open/i)
    expect(words).not.toMatch(/1013|websocket/i)
    // Several retries later it still says why, never "lost" or a bare "connecting".
    await new Promise((r) => setTimeout(r, 600))
    expect(page.state).toBe('busy')
    expect(states.slice(states.indexOf('busy'))).not.toContain('connecting')
    expect(states).not.toContain('lost')
    tabs[0].close()
    await until('the page to connect', () => page.state === 'open')
    expect(linkStateWords('open')).toBeNull()
    expect(await page.request('profiles.list', undefined)).toEqual([])
  }, 15_000)
})
