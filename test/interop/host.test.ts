import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import { type KeyEventLike, KeyboardInput } from '../../src/renderer/src/input/keyboard'
import { startWebServer } from '../../src/main/web/server'
import { socketProtocols } from '../../src/shared/web-auth'
import type { HostEvents } from '../../src/shared/contract'
import type { FrameBatch } from '../../src/shared/ops'
import type { ConnectionProfile } from '../../src/shared/profile'
import { decodeServerMessage, encodeClientMessage } from '../../src/shared/ws-codec'
import { applyBatch } from '../helpers/batch-applier'
import { firstDifference } from '../helpers/compare'
import { type RunningServer, type ServerKind, serverAvailable, startServer } from '../helpers/vnc-servers'

const PASSWORD = 'tessera1'

/** Paints batches as they come and acks each, as the renderer does; resolves once the whole screen has been drawn once. */
function paintUntilComplete(
  subscribe: (onFrame: (b: FrameBatch) => void) => void,
  ack: (seq: number) => void,
  size: { width: number; height: number },
): Promise<FramebufferSink> {
  const fb = new FramebufferSink(decodeImageNode)
  const covered = new Uint8Array(size.width * size.height)
  let left = covered.length
  return new Promise((resolve) => {
    subscribe((batch) => {
      applyBatch(fb, batch)
      // Count the pixels drawn by any op; a static screen is complete after one full update.
      for (let o = 0; o < batch.ops.length; o += 8) {
        const [code, x, y, w, h] = batch.ops.subarray(o, o + 5)
        if (code === 5) continue
        for (let r = y; r < y + h; r++) {
          for (let c = x; c < x + w; c++) {
            const i = r * size.width + c
            if (!covered[i]) {
              covered[i] = 1
              left--
            }
          }
        }
      }
      ack(batch.seq)
      if (left === 0) resolve(fb)
    })
  })
}

describe.skipIf(!serverAvailable('tigervnc'))('host service against TigerVNC', () => {
  let server: RunningServer
  let reference: FramebufferSink
  let dir: string
  let host: Host

  beforeAll(async () => {
    server = await startServer('tigervnc', { content: 'static' })
    reference = (await takeSnapshot({ host: server.host, port: server.port }, { encodings: [0] })).framebuffer
  })
  afterAll(async () => {
    await server?.stop()
  })
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-host-interop-'))
    host = (await createHost({ dataDir: dir, log: () => {} })).host
  })
  afterEach(async () => {
    await host.shutdown()
    rmSync(dir, { recursive: true, force: true })
  })

  // Full colour and no quality level: lossless whatever the encoding, so pixels compare exactly.
  async function profileWith(encodings: ConnectionProfile['encodings']): Promise<string> {
    const p = (await host.handle('profiles.save', {
      id: '',
      name: 'tiger',
      host: server.host,
      port: server.port,
      group: '',
      notes: '',
      savePassword: false,
      viewOnly: true,
      shared: true,
      encodings,
      quality: null,
      compression: null,
      colourDepth: 24,
      scaling: 'fit',
      createdAt: 0,
      lastUsedAt: 0,
    })) as ConnectionProfile
    return p.id
  }

  it.each([
    ['Raw', ['raw']],
    ['the default (lossless) encodings', 'auto'],
  ] as const)('frame batches painted in order equal a Raw snapshot, with %s', async (_label, encodings) => {
    const profileId = await profileWith(encodings as ConnectionProfile['encodings'])
    let sessionId = ''
    const painted = paintUntilComplete(
      (onFrame) => host.on('session.frame', (b) => b.sessionId === sessionId && onFrame(b)),
      (seq) => void host.handle('session.ack', { sessionId, seq }),
      reference,
    )
    sessionId = ((await host.handle('session.open', { profileId })) as { sessionId: string }).sessionId
    expect(firstDifference(await painted, reference)).toBeNull()
  })

  it('the same through the browser-mode WebSocket, frames as binary messages', async () => {
    // A typed address that matches a saved connection uses its (lossless) options.
    await profileWith('auto')
    const rendererDir = join(dir, 'renderer')
    mkdirSync(rendererDir)
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>')
    const web = await startWebServer({ host, rendererDir, log: () => {} })
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, socketProtocols(web.token), { headers: { Origin: `http://127.0.0.1:${web.port}` } })
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
      let binaryFrames = 0
      let sessionId = ''
      let id = 0
      const send = (name: string, arg: unknown): void => ws.send(encodeClientMessage({ type: 'request', id: ++id, name: name as never, arg }))
      const painted = paintUntilComplete(
        (onFrame) => {
          ws.on('message', (data: Buffer, isBinary: boolean) => {
            const m = decodeServerMessage(isBinary ? data : data.toString())
            if (m.type === 'response' && m.id === 1) sessionId = (m.result as { sessionId: string }).sessionId
            if (m.type === 'event' && m.name === 'session.frame') {
              expect(isBinary).toBe(true)
              binaryFrames++
              // Frames can overtake the response to session.open: take the id from the batch itself.
              sessionId = (m.payload as FrameBatch).sessionId
              onFrame(m.payload as FrameBatch)
            }
          })
        },
        (seq) => send('session.ack', { sessionId, seq }),
        reference,
      )
      send('session.open', { address: `${server.host}::${server.port}` })
      expect(firstDifference(await painted, reference)).toBeNull()
      expect(binaryFrames).toBeGreaterThan(0)
    } finally {
      ws.close()
      await web.close()
    }
  })
})

describe.skipIf(!serverAvailable('tigervnc'))('host service credentials against TigerVNC with VNC authentication', () => {
  let server: RunningServer
  let dir: string
  let host: Host
  const events: { name: string; payload: unknown }[] = []

  beforeAll(async () => {
    server = await startServer('tigervnc', { password: PASSWORD })
    dir = mkdtempSync(join(tmpdir(), 'tessera-host-auth-'))
    host = (await createHost({ dataDir: dir, log: () => {} })).host
    host.on('session.state', (payload) => events.push({ name: 'session.state', payload }))
    host.on('session.credentials', (payload) => events.push({ name: 'session.credentials', payload }))
  })
  afterAll(async () => {
    await host?.shutdown()
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const waitFor = async <K extends 'session.state' | 'session.credentials'>(name: K, test: (p: HostEvents[K]) => boolean): Promise<HostEvents[K]> => {
    await expect.poll(() => events.some((e) => e.name === name && test(e.payload as HostEvents[K])), { timeout: 15_000 }).toBe(true)
    return events.find((e) => e.name === name && test(e.payload as HostEvents[K]))!.payload as HostEvents[K]
  }

  it('asks for the password, connects with it, and asks again after a wrong one', async () => {
    const { sessionId } = (await host.handle('session.open', { address: `${server.host}::${server.port}` })) as { sessionId: string }
    const ask = await waitFor('session.credentials', (p) => p.sessionId === sessionId)
    // VNC authentication without TLS: the prompt says the password travels unencrypted to an unverified server.
    expect(ask).toEqual({ sessionId, kind: 'password', retry: false, link: { encrypted: false, verified: false, acceptedOnce: false } })
    await host.handle('session.credentials', { sessionId, password: 'not-it', save: false })
    const closed = await waitFor('session.state', (p) => p.sessionId === sessionId && p.state === 'closed')
    expect(closed.error).toMatchObject({ kind: 'auth' })
    const again = await waitFor('session.credentials', (p) => p.sessionId === sessionId && p.retry)
    expect(again.reason?.length).toBeGreaterThan(0)
    await host.handle('session.credentials', { sessionId, password: PASSWORD, save: false })
    const connected = await waitFor('session.state', (p) => p.sessionId === sessionId && p.state === 'connected')
    expect(connected.info).toMatchObject({ width: 800, height: 600, security: 'VNC Authentication' })
  })
})

/** Pixels brighter than dark grey in rows [top, bottom). */
function litPixels(fb: FramebufferSink, top: number, bottom: number): number {
  let n = 0
  for (let o = top * fb.width * 4; o < Math.min(bottom, fb.height) * fb.width * 4; o += 4) if (fb.data[o] + fb.data[o + 1] + fb.data[o + 2] > 96) n++
  return n
}

// Both report their keyboard LEDs (QEMU LED State) and neither offers XVP (nor does x11vnc).
for (const kind of ['qemu', 'tigervnc'] as ServerKind[]) {
  describe.skipIf(!serverAvailable(kind))(`host service lock LEDs and power against ${kind}`, () => {
    let server: RunningServer
    let dir: string
    let host: Host
    let sessionId = ''
    const leds: HostEvents['session.leds'][] = []
    const screen = new FramebufferSink()

    beforeAll(async () => {
      // SeaBIOS sets the guest's keyboard LEDs only while it reads keys: its boot menu prompt waits a minute.
      server = await startServer(kind, kind === 'qemu' ? { extraArgs: ['-boot', 'menu=on,splash-time=60000'] } : {})
      dir = mkdtempSync(join(tmpdir(), `tessera-host-leds-${kind}-`))
      host = (await createHost({ dataDir: dir, log: () => {} })).host
      host.on('session.leds', (p) => p.sessionId === sessionId && leds.push(p))
      // Painted at once, as the renderer would say: nothing waits behind a frame.
      host.on('session.frame', (b) => {
        applyBatch(screen, b)
        void host.handle('session.ack', { sessionId: b.sessionId, seq: b.seq })
      })
    })
    afterAll(async () => {
      await host?.shutdown()
      await server?.stop()
      if (dir) rmSync(dir, { recursive: true, force: true })
    })

    it('forwards the LED state, and the keyboard makes Caps Lock and Num Lock follow the local ones', async () => {
      let connected: HostEvents['session.state'] | undefined
      host.on('session.state', (p) => p.sessionId === sessionId && p.state === 'connected' && (connected = p))
      sessionId = ((await host.handle('session.open', { address: `${server.host}::${server.port}` })) as { sessionId: string }).sessionId
      await expect.poll(() => leds.length, { timeout: 15_000 }).toBeGreaterThan(0)
      expect(leds[0]).toEqual({ sessionId, capsLock: false, numLock: false, scrollLock: false })
      expect(connected?.info?.power).toBe(false)
      expect(await host.handle('session.power', { sessionId, action: 'reboot' }).catch((e: { error: unknown }) => e.error)).toMatchObject({
        kind: 'unsupported',
        code: 'HOST_POWER_UNSUPPORTED',
      })

      // The renderer's keyboard, with the local Caps Lock and Num Lock on: typing a letter first
      // taps both lock keys (with their codes, so QEMU gets XT scancodes 0x3a and 0x45).
      const kb = new KeyboardInput((keysym, down, code) => void host.handle('session.key', { sessionId, keysym, down, ...(code ? { code } : {}) }))
      const key = (code: string): KeyEventLike => ({ key: 'x', code, location: 0, repeat: false, timeStamp: 0, metaKey: false, getModifierState: () => true })
      // Keys typed while SeaBIOS sets up the PS/2 keyboard can break it: wait for its text-mode
      // prompt ("Press ESC for boot menu.", the third 16-pixel row), drawn once that is done.
      if (kind === 'qemu') await expect.poll(() => screen.width === 720 && litPixels(screen, 32, 48) > 0, { timeout: 30_000 }).toBe(true)
      // As in the renderer, each LED report re-arms the sync; a key is typed until they match.
      const inStep = (): boolean => leds.at(-1)!.capsLock && leds.at(-1)!.numLock
      for (const deadline = Date.now() + 45_000; !inStep() && Date.now() < deadline;) {
        kb.setServerLocks(leds.at(-1)!)
        kb.keydown(key('KeyX'))
        kb.keyup(key('KeyX'))
        await expect
          .poll(inStep, { timeout: 2000 })
          .toBe(true)
          .catch(() => undefined)
      }
      expect(leds.at(-1)).toEqual({ sessionId, capsLock: true, numLock: true, scrollLock: false })
      // In step now: the next key sends no lock key, and the LEDs stay.
      kb.setServerLocks(leds.at(-1)!)
      const before = leds.length
      kb.keydown(key('KeyX'))
      kb.keyup(key('KeyX'))
      await new Promise((r) => setTimeout(r, 500))
      expect(leds.slice(before).filter((l) => !l.capsLock || !l.numLock)).toEqual([])
    }, 90_000)
  })
}
