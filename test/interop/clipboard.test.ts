import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { RfbClient } from '../../src/main/rfb/session'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { execFile, spawnSync } from 'node:child_process'

/** TigerVNC moves UTF-8 through Extended Clipboard (with plain cut text as the fallback path). */
const CASES = [
  { kind: 'tigervnc', extended: true, fromServer: 'from the server: grüße ✓ 日本', toServer: 'to the server: café ✓' },
  { kind: 'tigervnc', extended: false, fromServer: 'from the server: plain', toServer: 'to the server: café' },
] as const

const hasXclip = spawnSync('sh', ['-c', 'command -v xclip']).status === 0

/**
 * Reads an X selection on the server's display; asynchronous, since the server may ask us for it
 * meanwhile. `latin1` asks for the STRING target, whose bytes are ISO 8859-1.
 */
function readSelection(server: RunningServer, selection: 'clipboard' | 'primary', as: 'utf8' | 'latin1' = 'utf8'): Promise<string> {
  const target = as === 'latin1' ? ['-t', 'STRING'] : []
  return new Promise((resolve) => {
    execFile('xclip', ['-o', '-selection', selection, ...target], { env: server.env, encoding: as, timeout: 3000 }, (_e, out) => resolve(out ?? ''))
  })
}

async function until(check: () => boolean | Promise<boolean>, ms = 8000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

for (const { kind, extended, fromServer, toServer } of CASES) {
  // Needs the server's Debian package and xclip to own and read X selections (.ci/run installs both).
  describe.skipIf(!serverAvailable(kind) || !hasXclip)(`clipboard with ${kind}, ${extended ? 'Extended Clipboard' : 'plain cut text'}`, () => {
    let server: RunningServer
    let client: RfbClient
    const received: string[] = []

    beforeAll(async () => {
      server = await startServer(kind)
      const c = await connectRfb({ host: server.host, port: server.port }, { sink: new FramebufferSink(), extendedClipboard: extended })
      client = c.client
      client.on('clipboard', (t) => received.push(t))
      // Let the first update (and TigerVNC's extended clipboard caps) arrive.
      await new Promise<void>((r) => client.once('update', () => r()))
    })
    afterAll(async () => {
      client?.close()
      await server?.stop()
    })

    it(`text copied on the server arrives (${extended ? 'extended, UTF-8' : 'plain'})`, async () => {
      const text = fromServer
      // xclip stays alive owning the selection until it is read; the harness stops it with the server.
      server.spawnClient('sh', ['-c', `printf '%s' '${text}' | xclip -selection clipboard`])
      await until(() => received.includes(text))
      expect(received).toContain(text)
    })

    it('text sent by the client reaches the server selection', async () => {
      const text = toServer
      client.sendClipboard(text)
      await until(async () => (await readSelection(server, 'clipboard')) === text || (await readSelection(server, 'primary')) === text)
    })
  })
}

/**
 * x11vnc 0.9.16 (Debian: libvncserver 0.9.14) syncs PRIMARY and CLIPBOARD (and CUT_BUFFER0), as
 * Latin-1 STRING only, and only once it has made its selection window: 8 s after a client
 * connects when a window manager seems to run, 45 s without one (x11vnc's guess_dm_gone, waiting
 * out a display manager). Selection text goes out no sooner than 15 s after the connection
 * (sel_waittime). Before that window exists, text from a client lands in CUT_BUFFER0 only.
 * libvncserver sends Extended Clipboard caps (without notify), but x11vnc reads only plain cut
 * text, which the engine therefore sends as well; x11vnc always sends plain cut text.
 */
const hasXprop = spawnSync('sh', ['-c', 'command -v xprop && command -v xwininfo']).status === 0

/** x11vnc's selection window: a 1x1 child of the root at +3+2 (x11vnc xevents.c, initialize_xevents). */
function x11vncSelectionWindowExists(server: RunningServer): boolean {
  const res = spawnSync('xwininfo', ['-root', '-children'], { env: server.env, encoding: 'utf8', timeout: 3000 })
  return /\s1x1\+3\+2\s/.test(res.stdout ?? '')
}

describe.skipIf(!serverAvailable('x11vnc') || !hasXclip || !hasXprop)('clipboard with x11vnc, default options', () => {
  let server: RunningServer
  let client: RfbClient
  const received: string[] = []

  beforeAll(async () => {
    server = await startServer('x11vnc')
    // A desktop session has a window manager; an EWMH hint on the root is what x11vnc looks for.
    spawnSync('xprop', ['-root', '-f', '_NET_SUPPORTED', '32a', '-set', '_NET_SUPPORTED', '_NET_SUPPORTED'], { env: server.env, timeout: 3000 })
    const c = await connectRfb({ host: server.host, port: server.port }, { sink: new FramebufferSink() })
    client = c.client
    client.on('clipboard', (t) => received.push(t))
    await new Promise<void>((r) => client.once('update', () => r()))
    await until(() => x11vncSelectionWindowExists(server), 30_000, "x11vnc's selection window")
  }, 60_000)
  afterAll(async () => {
    client?.close()
    await server?.stop()
  })

  it('remote → client: CLIPBOARD text on the x11vnc display arrives as a clipboard event', async () => {
    const text = 'from x11vnc: café'
    // Served as STRING in Latin-1, as x11vnc asks for it (a GTK or Qt application converts likewise).
    server.spawnClient('sh', ['-c', `printf '%b' '${text.replace('é', '\\351')}' | xclip -selection clipboard -t STRING`])
    await until(() => received.includes(text), 25_000, `a clipboard event with ${JSON.stringify(text)} (got ${JSON.stringify(received)})`)
    // x11vnc sends its empty CUT_BUFFER0 before any selection text; it must not reach the local clipboard.
    expect(received).not.toContain('')
  }, 30_000)

  it('client → remote: text sent by the client becomes the x11vnc display CLIPBOARD, session intact', async () => {
    const text = 'to x11vnc: naïve'
    client.sendClipboard(text)
    await until(async () => (await readSelection(server, 'clipboard', 'latin1')) === text, 10_000, `CLIPBOARD = ${JSON.stringify(text)}`)
    expect(await readSelection(server, 'primary', 'latin1')).toBe(text)
    // libvncserver 0.9.14 drops a client whose extended text ends its zlib stream.
    expect(client.state).toBe('connected')
  }, 30_000)
})
