// The renderer in Chromium against an in-page fake host (fake-host.ts): painter correctness
// against the Node framebuffer as reference, input, scaling, full screen, dialogs and states.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../src/main/rfb/images/node-image-decoder'
import { encodePng } from '../../src/main/rfb/png'
import { ImageKindCode, OpCode } from '../../src/shared/ops'
import { type ConnectionProfile, newProfile } from '../../src/shared/profile'
import { prng } from '../helpers/desktop'
import { clearCalls, fakeCalls, installFakeHost } from './fake-host'
import { canvasPixels, e2eUnavailable, ensureRendererBuilt, launchChromium, newContext, screenshot, serveRenderer, waitUntil, watchErrors } from './harness'

const skip = e2eUnavailable()

interface WireBatch {
  seq: number
  ops: number[]
  pixels: string
  images: string
}

/** Random op batches, and the picture the engine's own framebuffer makes of them. */
function randomSession(seed: number, width: number, height: number, count: number): { batches: WireBatch[]; reference: FramebufferSink } {
  const rnd = prng(seed)
  const int = (n: number): number => Math.floor(rnd() * n)
  const colour = (): number => int(256) | (int(256) << 8) | (int(256) << 16) | 0xff000000 | 0
  const ref = new FramebufferSink(decodeImageNode)
  let w = width
  let h = height
  const batches: WireBatch[] = []
  for (let seq = 1; seq <= count; seq++) {
    const ops: number[] = []
    const pixels: Buffer[] = []
    const images: Buffer[] = []
    let pixelWords = 0
    let imageBytes = 0
    const rect = (): [number, number, number, number] => {
      const rw = 1 + int(Math.min(64, w))
      const rh = 1 + int(Math.min(48, h))
      return [int(w - rw + 1), int(h - rh + 1), rw, rh]
    }
    if (seq === 1) {
      ops.push(OpCode.Resize, 0, 0, w, h, 0, 0, 0)
      ref.resize(w, h)
      const c = colour()
      ops.push(OpCode.Fill, 0, 0, w, h, c, 0, 0)
      ref.fill(0, 0, w, h, c)
    } else if (seq === Math.floor(count / 2)) {
      // A resize mid-session keeps what overlaps.
      w = width - 40
      h = height + 24
      ops.push(OpCode.Resize, 0, 0, w, h, 0, 0, 0)
      ref.resize(w, h)
    }
    const n = 4 + int(12)
    for (let i = 0; i < n; i++) {
      const kind = int(10)
      const [x, y, rw, rh] = rect()
      if (kind < 3) {
        const c = colour()
        ops.push(OpCode.Fill, x, y, rw, rh, c, 0, 0)
        ref.fill(x, y, rw, rh, c)
      } else if (kind < 5) {
        // Source and destination may overlap (scrolling): both must stay inside.
        const sx = Math.min(w - rw, Math.max(0, x + int(9) - 4))
        const sy = Math.min(h - rh, Math.max(0, y + int(9) - 4))
        ops.push(OpCode.Copy, x, y, rw, rh, sx, sy, 0)
        ref.copy(sx, sy, x, y, rw, rh)
      } else if (kind < 8) {
        const words = new Uint32Array(rw * rh)
        for (let k = 0; k < words.length; k++) words[k] = (int(0x1000000) | 0xff000000) >>> 0
        ops.push(OpCode.Pixels, x, y, rw, rh, pixelWords, 0, 0)
        pixels.push(Buffer.from(words.buffer))
        pixelWords += words.length
        ref.pixels(x, y, rw, rh, words)
      } else {
        const rgba = new Uint8Array(rw * rh * 4)
        for (let k = 0; k < rgba.length; k += 4) {
          rgba[k] = ((k / 4) % rw) * 4
          rgba[k + 1] = Math.floor(k / 4 / rw) * 5
          rgba[k + 2] = int(256)
          rgba[k + 3] = 255
        }
        const png = encodePng(rw, rh, rgba)
        ops.push(OpCode.Image, x, y, rw, rh, imageBytes, png.length, ImageKindCode.Png)
        images.push(png)
        imageBytes += png.length
        ref.image(x, y, rw, rh, 'png', png)
      }
    }
    batches.push({ seq, ops, pixels: Buffer.concat(pixels).toString('base64'), images: Buffer.concat(images).toString('base64') })
  }
  return { batches, reference: ref }
}

function firstRgbDifference(a: { width: number; height: number; rgba: Uint8Array }, ref: FramebufferSink): string | null {
  if (a.width !== ref.width || a.height !== ref.height) return `size ${a.width}x${a.height}, expected ${ref.width}x${ref.height}`
  let bad = 0
  let first = ''
  for (let i = 0; i < ref.width * ref.height; i++) {
    const o = i * 4
    if (a.rgba[o] !== ref.data[o] || a.rgba[o + 1] !== ref.data[o + 1] || a.rgba[o + 2] !== ref.data[o + 2]) {
      if (!bad)
        first = `(${i % ref.width},${Math.floor(i / ref.width)}): canvas ${[...a.rgba.subarray(o, o + 3)]} vs reference ${[...ref.data.subarray(o, o + 3)]}`
      bad++
    }
  }
  return bad ? `${bad} pixels differ, first at ${first}` : null
}

const INFO = { name: 'fake desktop', serverVersion: '3.8', security: 'VncAuth', encrypted: false, verified: false }

describe.skipIf(skip)('renderer in Chromium (fake host)', () => {
  let browser: Browser
  let server: Awaited<ReturnType<typeof serveRenderer>>
  let context: BrowserContext
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    ensureRendererBuilt()
    server = await serveRenderer()
    browser = await launchChromium()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  async function openApp(
    profiles: ConnectionProfile[] = [],
    opts: { secretsProtected?: boolean; plainFileAllowed?: boolean; viewport?: { width: number; height: number } } = {},
  ): Promise<Page> {
    context = await newContext(browser, server.url.replace(/\/$/, ''), opts.viewport)
    page = await context.newPage()
    errors = watchErrors(page)
    await installFakeHost(page, { profiles, secretsProtected: opts.secretsProtected, plainFileAllowed: opts.plainFileAllowed })
    await page.goto(server.url)
    await page.waitForSelector('.address-book')
    return page
  }

  afterEach(async () => {
    await context?.close()
  })

  /** Quick-connects and brings the fake session to 'connected' at the given size. */
  async function connect(width = 320, height = 200): Promise<string> {
    await page.fill('#quick-connect-input', 'fake:1')
    await page.press('#quick-connect-input', 'Enter')
    await page.waitForSelector('.session')
    await waitUntil('session.open', async () => (await fakeCalls(page, 'session.open')).length > 0)
    const sessionId = 's1'
    await page.evaluate(({ sessionId, info }) => window.__fake.emit('session.state', { sessionId, state: 'connected', info }), {
      sessionId,
      info: { ...INFO, width, height },
    })
    await sendBatch(
      { seq: 1, ops: [OpCode.Resize, 0, 0, width, height, 0, 0, 0, OpCode.Fill, 0, 0, width, height, 0xff603020 | 0, 0, 0], pixels: '', images: '' },
      sessionId,
    )
    return sessionId
  }

  async function sendBatch(b: WireBatch, sessionId = 's1'): Promise<void> {
    await page.evaluate(({ b, sessionId }) => window.__fake.frame(sessionId, b.seq, b.ops, b.pixels, b.images), { b, sessionId })
  }

  /**
   * Waits until batch `seq` is on the canvas, seen as the host sees it: the renderer acks each
   * batch once painted, in order (the app has no test hook into its painter).
   */
  async function painted(seq: number): Promise<void> {
    await waitUntil(`the ack of batch ${seq}`, async () => (await fakeCalls(page, 'session.ack')).some((c) => c.arg!.seq === seq))
  }

  it('shows an empty address book that says what to do', async () => {
    await openApp()
    await expect(page.textContent('.empty')).resolves.toContain('No saved connections yet')
    expect(await page.title()).toBe('Tessera')
    await screenshot(page, 'address-book-empty')
    expect(errors).toEqual([])
  })

  it('validates the quick-connect address inline', async () => {
    await openApp()
    await page.fill('#quick-connect-input', 'host:99999')
    await page.press('#quick-connect-input', 'Enter')
    await expect(page.textContent('.quick-connect .error-text')).resolves.toMatch(/^Invalid port or display "99999"/)
    expect(await page.getAttribute('#quick-connect-input', 'aria-invalid')).toBe('true')
    expect(await fakeCalls(page, 'session.open')).toEqual([])
    await screenshot(page, 'quick-connect-error')
  })

  it('paints random op batches exactly as the engine framebuffer does, in order, acking each', async () => {
    await openApp()
    await connect()
    const { batches, reference } = randomSession(42, 320, 200, 30)
    await clearCalls(page)
    for (const b of batches) await sendBatch(b)
    await painted(batches.at(-1)!.seq)
    const acks = (await fakeCalls(page, 'session.ack')).map((c) => c.arg!.seq)
    expect(acks).toEqual(batches.map((b) => b.seq))
    const diff = firstRgbDifference(await canvasPixels(page), reference)
    expect(diff).toBeNull()
    expect(errors).toEqual([])
  })

  it('keeps later ops behind a slow image decode (no reordering across batches)', async () => {
    await openApp()
    await connect(256, 256)
    // A large PNG, then a fill over the same area in the next batch: the fill must win.
    const rgba = new Uint8Array(256 * 256 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7919) & 255))
    const png = encodePng(256, 256, rgba)
    await clearCalls(page)
    await page.evaluate(
      ({ png, fill }) => {
        window.__fake.frame(
          's1',
          2,
          [4, 0, 0, 256, 256, 0, png.length, 1],
          '',
          btoa(String.fromCharCode(...Uint8Array.from(atob(png), (c) => c.charCodeAt(0)))),
        )
        window.__fake.frame('s1', 3, [1, 0, 0, 256, 256, fill, 0, 0], '', '')
      },
      { png: png.toString('base64'), fill: 0xff00ff00 | 0 },
    )
    await painted(3)
    const px = await canvasPixels(page)
    expect([...px.rgba.subarray(0, 4)]).toEqual([0, 255, 0, 255])
    expect([...px.rgba.subarray(px.rgba.length - 4)]).toEqual([0, 255, 0, 255])
    expect((await fakeCalls(page, 'session.ack')).map((c) => c.arg!.seq)).toEqual([2, 3])
  })

  it('draws JPEG rects decoded by the browser', async () => {
    await openApp()
    await connect(64, 64)
    // A flat grey JPEG made by Chromium itself; decoders agree on flat colour within a step or two.
    await page.evaluate(async () => {
      const c = new OffscreenCanvas(32, 32)
      const g = c.getContext('2d')!
      g.fillStyle = 'rgb(128 128 128)'
      g.fillRect(0, 0, 32, 32)
      const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer())
      let s = ''
      for (const b of bytes) s += String.fromCharCode(b)
      window.__fake.frame('s1', 2, [4, 16, 16, 32, 32, 0, bytes.length, 0], '', btoa(s))
    })
    await painted(2)
    const px = await canvasPixels(page)
    const at = (x: number, y: number): number[] => [...px.rgba.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 3)]
    for (const v of at(30, 30)) expect(Math.abs(v - 128)).toBeLessThanOrEqual(3)
    expect(at(2, 2)).toEqual([0x20, 0x30, 0x60])
  })

  it('shows the remote cursor locally with its hotspot, and hides it when the server does', async () => {
    await openApp()
    await connect()
    await page.evaluate(() => {
      const rgba = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : 200))
      window.__fake.emit('session.cursor', { sessionId: 's1', cursor: { width: 8, height: 8, hotX: 3, hotY: 4, rgba } })
    })
    const css = await page.$eval('canvas.screen', (c) => (c as HTMLCanvasElement).style.cursor)
    expect(css).toMatch(/^url\("data:image\/png;base64,[^"]+"\) 3 4, default$/)
    await page.evaluate(() => window.__fake.emit('session.cursor', { sessionId: 's1', cursor: null }))
    expect(await page.$eval('canvas.screen', (c) => (c as HTMLCanvasElement).style.cursor)).toBe('none')
  })

  it('sends pointer buttons, coalesced moves and wheel notches in framebuffer coordinates', async () => {
    await openApp([], { viewport: { width: 1000, height: 700 } })
    await connect(1600, 1200)
    const box = (await page.$('canvas.screen'))!.boundingBox()
    const b = (await box)!
    // Fit: 1600x1200 into the viewport below the toolbar, scaled down.
    expect(b.width).toBeLessThan(1600)
    expect(Math.abs(b.width / b.height - 4 / 3)).toBeLessThan(0.01)
    await clearCalls(page)
    const cx = b.x + b.width / 2
    const cy = b.y + b.height / 2
    await page.mouse.move(cx, cy)
    await page.mouse.down()
    await page.mouse.up()
    await page.mouse.click(cx, cy, { button: 'right' })
    await page.mouse.wheel(0, 120)
    await page.mouse.wheel(0, -120)
    await page.waitForTimeout(100)
    const calls = (await fakeCalls(page, 'session.pointer')).map((c) => c.arg as { buttons: number; x: number; y: number })
    for (const c of calls) {
      expect(Math.abs(c.x - 800)).toBeLessThanOrEqual(2)
      expect(Math.abs(c.y - 600)).toBeLessThanOrEqual(2)
    }
    const masks = calls.map((c) => c.buttons)
    // left press/release, right press/release (bit 2), wheel down (bit 4) and up (bit 3) notches
    expect(masks).toEqual(expect.arrayContaining([1, 4, 16, 8]))
    expect(masks.indexOf(1)).toBeLessThan(masks.indexOf(4))
    expect(masks.lastIndexOf(0)).toBe(masks.length - 1)
    // Moves: many DOM events, few messages.
    await clearCalls(page)
    for (let i = 0; i < 40; i++) await page.mouse.move(cx + i, cy, { steps: 1 })
    await page.waitForTimeout(100)
    const moves = await fakeCalls(page, 'session.pointer')
    expect(moves.length).toBeGreaterThan(0)
    expect(moves.length).toBeLessThanOrEqual(40)
  })

  it('sends keys as keysyms with codes, keeps browser shortcuts for the server, and blocks input in view-only', async () => {
    await openApp()
    await connect()
    await page.click('canvas.screen')
    await clearCalls(page)
    await page.keyboard.press('a')
    await page.keyboard.press('Shift+A')
    await page.keyboard.press('Enter')
    // F5 and Ctrl+R would reload the page if the viewer let them through.
    await page.keyboard.press('F5')
    await page.keyboard.press('Control+r')
    await page.keyboard.press('Numpad7')
    const keys = (await fakeCalls(page, 'session.key')).map((c) => c.arg as { keysym: number; down: boolean; code?: string })
    expect(keys.map((k) => [k.keysym.toString(16), k.down])).toEqual([
      ['61', true],
      ['61', false],
      ['ffe1', true],
      ['41', true],
      ['41', false],
      ['ffe1', false],
      ['ff0d', true],
      ['ff0d', false],
      ['ffc2', true],
      ['ffc2', false],
      ['ffe3', true],
      ['72', true],
      ['72', false],
      ['ffe3', false],
      [expect.stringMatching(/^ff(b7|95)$/), true],
      [expect.stringMatching(/^ff(b7|95)$/), false],
    ])
    expect(keys[0].code).toBe('KeyA')
    expect(await page.$('.session')).not.toBeNull()
    // View only: nothing goes out.
    await page.click('button[aria-pressed][title^="View only"]')
    await page.click('canvas.screen')
    await clearCalls(page)
    await page.keyboard.press('b')
    await page.mouse.click(100, 300)
    expect(await fakeCalls(page, 'session.key')).toEqual([])
    expect((await fakeCalls(page, 'session.pointer')).length).toBe(0)
  })

  it('releases held keys when the window loses focus', async () => {
    await openApp()
    await connect()
    await page.click('canvas.screen')
    await clearCalls(page)
    await page.keyboard.down('Shift')
    await page.keyboard.down('x')
    await page.evaluate(() => window.dispatchEvent(new Event('blur')))
    const keys = (await fakeCalls(page, 'session.key')).map((c) => c.arg as { keysym: number; down: boolean })
    expect(keys).toEqual([
      expect.objectContaining({ keysym: 0xffe1, down: true }),
      expect.objectContaining({ keysym: 0x78, down: true }),
      expect.objectContaining({ keysym: 0x78, down: false }),
      expect.objectContaining({ keysym: 0xffe1, down: false }),
    ])
    await page.keyboard.up('x')
    await page.keyboard.up('Shift')
  })

  it('opens the session menu with F8 and sends Ctrl+Alt+Del and F-keys from it', async () => {
    await openApp()
    await connect()
    await page.click('canvas.screen')
    await page.keyboard.press('F8')
    await page.waitForSelector('[role="menu"]')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('menuitem')
    await screenshot(page, 'session-menu')
    await clearCalls(page)
    await page.click('[role="menuitem"]:has-text("Ctrl+Alt+Del")')
    expect(await page.$('[role="menu"]')).toBeNull()
    const keys = (await fakeCalls(page, 'session.key')).map((c) => [(c.arg as { keysym: number }).keysym.toString(16), (c.arg as { down: boolean }).down])
    expect(keys).toEqual([
      ['ffe3', true],
      ['ffe9', true],
      ['ffff', true],
      ['ffff', false],
      ['ffe9', false],
      ['ffe3', false],
    ])
    await page.keyboard.press('F8')
    await clearCalls(page)
    await page.click('[aria-label="Send F12"]')
    expect((await fakeCalls(page, 'session.key')).map((c) => (c.arg as { keysym: number }).keysym)).toEqual([0xffc9, 0xffc9])
    await page.keyboard.press('Escape')
    expect(await page.$('[role="menu"]')).toBeNull()
  })

  it('offers power actions only where the server has them, each after a confirmation, and reports a failure', async () => {
    await openApp()
    const sessionId = await connect()
    await page.click('canvas.screen')
    await page.keyboard.press('F8')
    await page.waitForSelector('[role="menu"]')
    expect(await page.$('[role="menu"] .section-label:has-text("Power")')).toBeNull()
    expect(await page.$('[role="menuitem"][data-power]')).toBeNull()
    await page.keyboard.press('Escape')
    // XVP_INIT arrives after connecting: the host sends the session info again.
    await page.evaluate(({ sessionId, info }) => window.__fake.emit('session.state', { sessionId, state: 'connected', info }), {
      sessionId,
      info: { ...INFO, width: 320, height: 200, power: true },
    })
    await page.keyboard.press('F8')
    await page.waitForSelector('[role="menu"] .section-label:has-text("Power")')
    expect(await page.$$eval('[role="menuitem"][data-power]', (els) => els.map((e) => e.textContent?.trim()))).toEqual(['Shut down…', 'Reboot…', 'Reset…'])
    await screenshot(page, 'session-menu-power')
    await clearCalls(page)
    // Cancelled: nothing is sent.
    await page.click('[role="menuitem"]:has-text("Reboot…")')
    await page.waitForSelector('dialog[open][role="alertdialog"]')
    await expect(page.textContent('dialog[open] h2')).resolves.toBe('Reboot the remote computer?')
    // The safe answer has the focus: Enter or Space on a stray key press does not reboot anything.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel')
    await page.click('dialog[open] button:has-text("Cancel")')
    expect(await page.$('dialog[open]')).toBeNull()
    expect(await fakeCalls(page, 'session.power')).toEqual([])
    // Confirmed: the request goes out, and the user is told.
    await page.keyboard.press('F8')
    await page.click('[role="menuitem"]:has-text("Shut down…")')
    await page.waitForSelector('dialog[open][role="alertdialog"]')
    await screenshot(page, 'confirm-power')
    await page.click('dialog[open] button:has-text("Shut down")')
    await waitUntil('session.power', async () => (await fakeCalls(page, 'session.power')).length > 0)
    expect((await fakeCalls(page, 'session.power')).map((c) => c.arg)).toEqual([{ sessionId, action: 'shutdown' }])
    await page.waitForSelector('.notice:has-text("Asked the server to shut down")')
    expect(await fakeCalls(page, 'session.key')).toEqual([])
    await page.evaluate((sessionId) => window.__fake.emit('session.powerFailed', { sessionId }), sessionId)
    await page.waitForSelector('.notice[role="alert"]:has-text("The server could not carry out the power action.")')
    // View only: the group stays, but nothing in it can be chosen.
    await page.click('button[aria-pressed][title^="View only"]')
    await page.keyboard.press('F8')
    expect(await page.$$eval('[role="menuitem"][data-power]', (els) => els.map((e) => (e as HTMLButtonElement).disabled))).toEqual([true, true, true])
    expect(errors).toEqual([])
  })

  it("taps Caps Lock before a key when the local lock differs from the server's LED, and only then", async () => {
    await openApp()
    const sessionId = await connect()
    await page.click('canvas.screen')
    await clearCalls(page)
    // What this browser says of its locks (headless: both off); the server is then told the opposite for Caps Lock only.
    await page.evaluate(() => {
      document.querySelector('canvas.screen')!.addEventListener(
        'keydown',
        (e) => {
          Object.assign(window, { __locks: { caps: (e as KeyboardEvent).getModifierState('CapsLock'), num: (e as KeyboardEvent).getModifierState('NumLock') } })
        },
        { once: true },
      )
    })
    // Before the server reports any LEDs: keys go out alone.
    await page.keyboard.press('a')
    const locks = await page.evaluate(() => (window as unknown as { __locks: { caps: boolean; num: boolean } }).__locks)
    const keys = async () =>
      (await fakeCalls(page, 'session.key')).map((c) => [
        (c.arg as { keysym: number }).keysym.toString(16),
        (c.arg as { down: boolean }).down,
        (c.arg as { code?: string }).code,
      ])
    expect(await keys()).toEqual([
      ['61', true, 'KeyA'],
      ['61', false, 'KeyA'],
    ])
    await clearCalls(page)
    await page.evaluate(
      ({ sessionId, locks }) => window.__fake.emit('session.leds', { sessionId, capsLock: !locks.caps, numLock: locks.num, scrollLock: false }),
      { sessionId, locks },
    )
    await page.keyboard.press('b')
    expect(await keys()).toEqual([
      ['ffe5', true, 'CapsLock'],
      ['ffe5', false, 'CapsLock'],
      ['62', true, 'KeyB'],
      ['62', false, 'KeyB'],
    ])
    // Until the server reports again, the difference is not fixed a second time.
    await clearCalls(page)
    await page.keyboard.press('c')
    expect(await keys()).toEqual([
      ['63', true, 'KeyC'],
      ['63', false, 'KeyC'],
    ])
    // The server followed: in step, nothing extra.
    await page.evaluate(
      ({ sessionId, locks }) => window.__fake.emit('session.leds', { sessionId, capsLock: locks.caps, numLock: locks.num, scrollLock: false }),
      { sessionId, locks },
    )
    await clearCalls(page)
    await page.keyboard.press('d')
    expect(await keys()).toEqual([
      ['64', true, 'KeyD'],
      ['64', false, 'KeyD'],
    ])
    expect(errors).toEqual([])
  })

  it('scales: fit, 1:1 with scrollbars, and resize-remote asking the host', async () => {
    await openApp([], { viewport: { width: 900, height: 600 } })
    await connect(1280, 1024)
    const size = () => page.$eval('canvas.screen', (c) => [c.getBoundingClientRect().width, c.getBoundingClientRect().height])
    const [fw, fh] = await size()
    expect(fw).toBeLessThanOrEqual(900)
    expect(fh).toBeLessThanOrEqual(600 - 44)
    await page.keyboard.press('F8')
    await page.click('[role="menuitemradio"]:has-text("Actual size")')
    expect(await size()).toEqual([1280, 1024])
    const scroll = await page.$eval('.viewport', (v) => [v.scrollWidth > v.clientWidth, v.scrollHeight > v.clientHeight])
    expect(scroll).toEqual([true, true])
    await screenshot(page, 'session-scaling-none')
    await clearCalls(page)
    await page.keyboard.press('F8')
    await page.click('[role="menuitemradio"]:has-text("Resize remote")')
    const resize = await waitUntil('session.resize', async () => (await fakeCalls(page, 'session.resize'))[0])
    const vp = await page.$eval('.viewport', (v) => [v.clientWidth, v.clientHeight])
    expect(resize.arg).toEqual({ sessionId: 's1', width: vp[0], height: vp[1] })
    // Fit mode shows 1:1 crisp when the sizes match.
    await page.keyboard.press('F8')
    await page.click('[role="menuitemradio"]:has-text("Fit")')
    await sendBatch({ seq: 5, ops: [OpCode.Resize, 0, 0, vp[0], vp[1], 0, 0, 0], pixels: '', images: '' })
    await painted(5)
    expect(await size()).toEqual(vp)
  })

  it('goes full screen with F11, hides the toolbar, and shows it at the top edge', async () => {
    await openApp()
    await connect()
    await page.click('canvas.screen')
    await page.keyboard.press('F11')
    await waitUntil('full screen', () => page.evaluate(() => !!document.fullscreenElement))
    await waitUntil('toolbar hidden', () => page.$('.session.toolbar-hidden'), 5000)
    await page.mouse.move(300, 200)
    await page.mouse.move(300, 1)
    await waitUntil('toolbar shown', async () => !(await page.$('.session.toolbar-hidden')), 3000)
    await page.keyboard.press('F11')
    await waitUntil('windowed', () => page.evaluate(() => !document.fullscreenElement))
  })

  it('asks for a password (and user name) and answers the host', async () => {
    await openApp([], { secretsProtected: true })
    await page.fill('#quick-connect-input', 'fake:1')
    await page.press('#quick-connect-input', 'Enter')
    await waitUntil('session.open', async () => (await fakeCalls(page, 'session.open')).length)
    await page.evaluate(() => {
      window.__fake.emit('session.state', { sessionId: 's1', state: 'authenticating' })
      window.__fake.emit('session.credentials', { sessionId: 's1', kind: 'username-password', retry: false })
    })
    await page.waitForSelector('dialog[open]')
    await screenshot(page, 'password-dialog')
    await page.fill('dialog input[autocomplete="username"]', 'alice')
    await page.fill('dialog input[autocomplete="current-password"]', 's3cret')
    await page.check('dialog input[type="checkbox"]')
    await page.click('dialog button[type="submit"]')
    expect(await page.$('dialog[open]')).toBeNull()
    expect((await fakeCalls(page, 'session.credentials')).map((c) => c.arg)).toEqual([{ sessionId: 's1', username: 'alice', password: 's3cret', save: true }])
    // Wrong password: asked again, saying so.
    await page.evaluate(() => window.__fake.emit('session.credentials', { sessionId: 's1', kind: 'password', retry: true, reason: 'Authentication failure' }))
    await page.waitForSelector('dialog[open]')
    await expect(page.textContent('dialog')).resolves.toContain('Authentication failure')
    await screenshot(page, 'password-dialog-retry')
    await page.keyboard.press('Escape')
    expect((await fakeCalls(page, 'session.credentials')).at(-1)!.arg).toEqual({ sessionId: 's1', cancel: true })
  })

  it('where no keychain encrypts, offers the password file only unticked and says what it means; no tick, no consent sent', async () => {
    await openApp([], { secretsProtected: false })
    await page.fill('#quick-connect-input', 'fake')
    await page.press('#quick-connect-input', 'Enter')
    await waitUntil('session.open', async () => (await fakeCalls(page, 'session.open')).length)
    await page.evaluate(() => window.__fake.emit('session.credentials', { sessionId: 's1', kind: 'password', retry: false }))
    await page.waitForSelector('dialog[open]')
    expect(await page.isChecked('dialog input[type="checkbox"]')).toBe(false)
    const text = await page.textContent('dialog')
    expect(text).toContain('Save the password in a file only you can read')
    expect(text).toContain('This computer has no keychain Tessera can use. Anyone with access to your account can read that file.')
    await page.fill('dialog input[autocomplete="current-password"]', 'pw')
    await page.click('dialog button[type="submit"]')
    await waitUntil('session.credentials', async () => (await fakeCalls(page, 'session.credentials')).length)
    expect((await fakeCalls(page, 'session.credentials')).map((c) => c.arg)).toEqual([{ sessionId: 's1', password: 'pw', save: false }])
    expect(await fakeCalls(page, 'secrets.allowPlainFile')).toEqual([])
  })

  it('the connection dialog lets the user take back the password file, which the host is told', async () => {
    await openApp([], { secretsProtected: false, plainFileAllowed: true })
    await page.click('button:has-text("New connection")')
    await page.waitForSelector('dialog[open]')
    const saveBox = 'dialog input[type="checkbox"] >> nth=0'
    expect(await page.isDisabled(saveBox)).toBe(false)
    await expect(page.textContent('dialog')).resolves.toContain('Kept in a file that only your user account may open')
    // Leaving the empty host field first shows its hint, which moves the button: fill it, as a user would.
    await page.fill('dialog input[placeholder^="host"]', 'server.example.com')
    await page.click('dialog button:has-text("Stop saving passwords in a file")')
    await waitUntil('secrets.allowPlainFile', async () => (await fakeCalls(page, 'secrets.allowPlainFile')).length)
    expect((await fakeCalls(page, 'secrets.allowPlainFile')).map((c) => c.arg)).toEqual([{ allow: false }])
    // Taken back: the file is offered again, with what it means, for the user to choose knowingly.
    await waitUntil('the file offered again', async () => (await page.textContent('dialog'))!.includes('If you tick this, Tessera keeps passwords in a file'))
    expect(await page.isEnabled(saveBox)).toBe(true)
    expect(await page.locator('dialog button:has-text("Stop saving passwords in a file")').count()).toBe(0)
  })

  it('asks about an unknown SSH host key, showing server, key type and SHA-256; each answer goes to the host, Escape refuses, Enter trusts once', async () => {
    await openApp()
    await page.fill('#quick-connect-input', 'fake:1')
    await page.press('#quick-connect-input', 'Enter')
    await waitUntil('session.open', async () => (await fakeCalls(page, 'session.open')).length)
    const hostKey = { algorithm: 'ssh-ed25519', fingerprintSha256: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' }
    const ask = (): Promise<void> =>
      page.evaluate((hostKey) => window.__fake.emit('session.hostKey', { sessionId: 's1', server: 'gateway.example.com:2222', hostKey }), hostKey)
    const dialog = page.locator('dialog[open][role="alertdialog"]')
    await ask()
    await dialog.waitFor()
    await expect(dialog.locator('h2').innerText()).resolves.toBe('Verify the SSH server’s identity')
    await expect(dialog.locator('.lead strong').innerText()).resolves.toBe('gateway.example.com:2222')
    await expect(dialog.locator('.algorithm').innerText()).resolves.toBe('ssh-ed25519')
    await expect(dialog.locator('.fingerprint').innerText()).resolves.toBe(hostKey.fingerprintSha256)
    expect(await dialog.locator('.fingerprint').getAttribute('data-fingerprint')).toBe(hostKey.fingerprintSha256)
    // "Trust once" is the default: it commits to nothing beyond this session ("Always trust" takes a deliberate click).
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Trust once')
    await screenshot(page, 'host-key-dialog')
    const answer = async (how: () => Promise<void>): Promise<void> => {
      await how()
      await dialog.waitFor({ state: 'detached' })
      await ask()
      await dialog.waitFor()
    }
    await answer(() => dialog.locator('button:has-text("Trust once")').click())
    await answer(() => dialog.locator('button:has-text("Always trust")').click())
    await answer(() => dialog.locator('button:has-text("Cancel")').click())
    await answer(() => page.keyboard.press('Escape'))
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    expect((await fakeCalls(page, 'session.hostKey')).map((c) => c.arg)).toEqual(
      ['once', 'always', 'reject', 'reject', 'once'].map((decision) => ({ sessionId: 's1', decision })),
    )
    expect(await fakeCalls(page, 'session.credentials')).toEqual([])
    expect(errors).toEqual([])
  })

  it('asks for the SSH password and the key passphrase by name, saving as the profile says, and answers the host', async () => {
    const ssh = { host: 'gw.example.com', port: 22, username: 'alice', auth: 'password' as const }
    await openApp([newProfile({ id: 'p1', host: 'localhost', port: 5901, name: 'Behind the gateway', savePassword: true, ssh })], { secretsProtected: true })
    await page.click('[aria-label="Connect to Behind the gateway"]')
    await waitUntil('session.open', async () => (await fakeCalls(page, 'session.open')).length)
    const dialog = page.locator('dialog[open]')
    const password = dialog.locator('input[autocomplete="current-password"]')
    const save = dialog.locator('input[type="checkbox"]')
    const prompt = (kind: string, retry = false, reason?: string): Promise<void> =>
      page.evaluate((e) => window.__fake.emit('session.credentials', e), { sessionId: 's1', kind, retry, ...(reason ? { reason } : {}) })
    const answers = async (): Promise<unknown[]> => (await fakeCalls(page, 'session.credentials')).map((c) => c.arg)

    await prompt('ssh-password')
    await dialog.waitFor()
    await expect(dialog.locator('h2').innerText()).resolves.toBe('SSH password required')
    await expect(dialog.locator('.lead').innerText()).resolves.toBe('Behind the gateway asks for its SSH tunnel password.')
    await expect(dialog.locator('label.field-label').innerText()).resolves.toBe('SSH password')
    await expect(dialog.locator('label.check').innerText()).resolves.toMatch(/^Save SSH password in the keychain/)
    // The SSH user name is the profile's: only the secret is asked for.
    expect(await dialog.locator('input[autocomplete="username"]').count()).toBe(0)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('autocomplete'))).toBe('current-password')
    // A profile set to keep its password starts ticked, as for VNC passwords.
    expect(await save.isChecked()).toBe(true)
    expect(await save.isDisabled()).toBe(false)
    expect(await dialog.locator('button[type="submit"]').isDisabled()).toBe(true)
    await screenshot(page, 'ssh-password-dialog')
    await password.fill('gw-s3cret')
    await dialog.locator('button[type="submit"]').click()
    await dialog.waitFor({ state: 'detached' })
    expect(await answers()).toEqual([{ sessionId: 's1', password: 'gw-s3cret', save: true }])

    // Refused: asked again, saying why; Escape cancels.
    await prompt('ssh-password', true, 'Permission denied')
    await dialog.waitFor()
    await expect(dialog.locator('h2').innerText()).resolves.toBe('Try the SSH password again')
    // Our words first; the server's own reason (the host sends nothing else as `reason`) quoted as its words.
    await expect(dialog.locator('[role="alert"]').innerText()).resolves.toBe('The SSH server did not accept the password. The server said: “Permission denied”')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect((await answers()).at(-1)).toEqual({ sessionId: 's1', cancel: true })

    // An encrypted key file: its passphrase, not a password.
    await prompt('ssh-passphrase')
    await dialog.waitFor()
    await expect(dialog.locator('h2').innerText()).resolves.toBe('Passphrase required')
    await expect(dialog.locator('.lead').innerText()).resolves.toBe('Behind the gateway asks for the passphrase of the SSH private key.')
    await expect(dialog.locator('label.field-label').innerText()).resolves.toBe('Passphrase')
    await expect(dialog.locator('label.check').innerText()).resolves.toMatch(/^Save passphrase in the keychain/)
    expect(await save.isChecked()).toBe(true)
    await save.uncheck()
    await password.fill('key phrase')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    expect((await answers()).at(-1)).toEqual({ sessionId: 's1', password: 'key phrase', save: false })
    expect(errors).toEqual([])
  })

  it('saves an SSH passphrase in the file only after the tick, which first tells the host the user agreed', async () => {
    await openApp([], { secretsProtected: false })
    await page.fill('#quick-connect-input', 'fake')
    await page.press('#quick-connect-input', 'Enter')
    await waitUntil('session.open', async () => (await fakeCalls(page, 'session.open')).length)
    await page.evaluate(() => window.__fake.emit('session.credentials', { sessionId: 's1', kind: 'ssh-passphrase', retry: false }))
    await page.waitForSelector('dialog[open]')
    await expect(page.textContent('dialog')).resolves.toContain('Save the passphrase in a file only you can read')
    await page.fill('dialog input[autocomplete="current-password"]', 'key phrase')
    await page.check('dialog input[type="checkbox"]')
    await page.click('dialog button[type="submit"]')
    await waitUntil('session.credentials', async () => (await fakeCalls(page, 'session.credentials')).length)
    const calls = (await fakeCalls(page)).filter((c) => c.name === 'secrets.allowPlainFile' || c.name === 'session.credentials')
    expect(calls).toEqual([
      { name: 'secrets.allowPlainFile', arg: { allow: true } },
      { name: 'session.credentials', arg: { sessionId: 's1', password: 'key phrase', save: true } },
    ])
  })

  it('shows connecting, reconnecting with a countdown, and errors with the right actions', async () => {
    await openApp()
    await page.fill('#quick-connect-input', 'fake:1')
    await page.press('#quick-connect-input', 'Enter')
    await page.waitForSelector('.status [role="status"]')
    await expect(page.textContent('.status')).resolves.toContain('Connecting to fake:1')
    expect(await page.title()).toBe('fake:1 — Tessera')
    await screenshot(page, 'session-connecting')
    await page.evaluate((info) => window.__fake.emit('session.state', { sessionId: 's1', state: 'connected', info }), { ...INFO, width: 320, height: 200 })
    await sendBatch({ seq: 1, ops: [OpCode.Resize, 0, 0, 320, 200, 0, 0, 0, OpCode.Fill, 0, 0, 320, 200, 0xff804020 | 0, 0, 0], pixels: '', images: '' })
    await page.evaluate(() =>
      window.__fake.emit('session.state', {
        sessionId: 's1',
        state: 'reconnecting',
        retryInMs: 8000,
        error: { kind: 'network', code: 'RFB_ERR_CONNECTION_RESET', message: 'The connection was reset.' },
      }),
    )
    await expect(page.textContent('.status')).resolves.toMatch(/Reconnecting in [78] s/)
    await screenshot(page, 'session-reconnecting')
    await page.evaluate(() =>
      window.__fake.emit('session.state', {
        sessionId: 's1',
        state: 'closed',
        error: { kind: 'auth', code: 'RFB_ERR_AUTH_FAILED', message: 'Authentication failure' },
      }),
    )
    await page.waitForSelector('.status [role="alert"]')
    await screenshot(page, 'error-auth')
    await clearCalls(page)
    await page.click('button:has-text("Enter password again")')
    await waitUntil('reopen', async () => (await fakeCalls(page, 'session.open')).length === 1)
    await page.evaluate(() =>
      window.__fake.emit('session.state', {
        sessionId: 's2',
        state: 'closed',
        error: { kind: 'protocol', code: 'RFB_ERR_RECT_BOUNDS', message: 'A rectangle lies outside the screen (offset 1234).' },
      }),
    )
    await page.waitForSelector('.status [role="alert"]')
    expect(await page.$('.status button:has-text("Reconnect")')).toBeNull()
    // Headline and hint from lib/errors.ts; the host's detail and the code only under "Details".
    const alert = page.locator('.status [role="alert"]')
    await expect(alert.innerText()).resolves.toMatch(/^The server sent data Tessera cannot read\s+Try again\..*\s+Details\s+Back to connections/s)
    await expect(alert.locator('details').textContent()).resolves.toContain('A rectangle lies outside the screen (offset 1234).')
    await expect(alert.getAttribute('data-code')).resolves.toBe('RFB_ERR_RECT_BOUNDS')
    await screenshot(page, 'error-protocol')
    await page.click('.status button:has-text("Back to connections")')
    await page.waitForSelector('.address-book')
    expect(await page.title()).toBe('Tessera')
    expect(errors).toEqual([])
  })

  it('shows the network error with Reconnect', async () => {
    await openApp()
    await page.fill('#quick-connect-input', 'fake')
    await page.press('#quick-connect-input', 'Enter')
    await waitUntil('session.open', async () => (await fakeCalls(page, 'session.open')).length)
    await page.evaluate(() =>
      window.__fake.emit('session.state', {
        sessionId: 's1',
        state: 'closed',
        error: { kind: 'network', code: 'RFB_ERR_CONNECTION_REFUSED', message: 'Connection refused by 127.0.0.1:5901.' },
      }),
    )
    await page.waitForSelector('.status button:has-text("Reconnect")')
    await screenshot(page, 'error-network')
  })

  it('copies remote clipboard text to the local clipboard and sends text from the panel', async () => {
    await openApp()
    await connect()
    await page.click('canvas.screen')
    await page.evaluate(() => window.__fake.emit('session.clipboard', { sessionId: 's1', text: 'from the remote side' }))
    await waitUntil('local clipboard', async () => (await page.evaluate(() => navigator.clipboard.readText())) === 'from the remote side')
    await page.keyboard.press('F8')
    await page.click('[role="menuitem"]:has-text("Clipboard panel")')
    await expect(page.inputValue('.clipboard textarea[readonly]')).resolves.toBe('from the remote side')
    await page.fill('.clipboard textarea:not([readonly])', 'to the remote side')
    await screenshot(page, 'clipboard-panel')
    await page.click('.clipboard button:has-text("Send")')
    await waitUntil('clipboard sent', async () => (await fakeCalls(page, 'session.clipboard')).some((c) => c.arg!.text === 'to the remote side'))
    // The menu's "send clipboard" reads the local clipboard.
    await page.evaluate(() => navigator.clipboard.writeText('local text'))
    await page.keyboard.press('F8')
    await page.click('[role="menuitem"]:has-text("Send local clipboard")')
    await waitUntil('local clipboard sent', async () => (await fakeCalls(page, 'session.clipboard')).some((c) => c.arg!.text === 'local text'))
  })

  it('shows statistics and saves a screenshot as PNG', async () => {
    await openApp()
    await connect()
    await page.evaluate(() => window.__fake.emit('session.stats', { sessionId: 's1', fps: 29.7, kbps: 2400, latencyMs: 12, encodings: ['Tight', 'CopyRect'] }))
    await page.keyboard.press('F8')
    await page.click('[role="menuitemcheckbox"]:has-text("Statistics")')
    await expect(page.textContent('.stats')).resolves.toMatch(/30 fps.*2\.4 Mbit\/s.*12 ms.*Tight, CopyRect/s)
    await screenshot(page, 'session-stats')
    await page.keyboard.press('F8')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[role="menuitem"]:has-text("Save screenshot")')])
    expect(download.suggestedFilename()).toMatch(/^fake_1-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.png$/)
    const file = await download.path()
    const { readFileSync } = await import('node:fs')
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
  })

  it('walks the address book with the keyboard: arrows, Enter connects, Delete asks', async () => {
    const now = Date.now()
    const profiles = [
      newProfile({ id: 'p1', host: 'alpha.lan', name: 'Alpha', lastUsedAt: now - 60_000 }),
      newProfile({ id: 'p2', host: 'bravo.lan', name: 'Bravo', group: 'Lab', lastUsedAt: now - 3_600_000 }),
      newProfile({ id: 'p3', host: 'charlie.lan', name: 'Charlie', group: 'Lab', viewOnly: true }),
      newProfile({ id: 'p4', host: 'delta.lan', port: 5905, name: 'Delta', group: 'Office/Floor 2', savePassword: true, notes: 'Reception PC' }),
    ]
    await openApp(profiles)
    await page.waitForSelector('.item')
    await screenshot(page, 'address-book-list')
    await page.focus('#search-input')
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-profile-id'))).toBe('p1')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-profile-id'))).toBe('p3')
    await page.keyboard.press('Delete')
    await page.waitForSelector('dialog[open][role="alertdialog"]')
    await screenshot(page, 'confirm-delete')
    await page.click('dialog button:has-text("Delete")')
    expect((await fakeCalls(page, 'profiles.delete')).map((c) => c.arg)).toEqual([{ id: 'p3' }])
    // Search as you type, Enter connects the first match.
    await page.fill('#search-input', 'recep')
    expect(await page.$$eval('.item', (els) => els.map((e) => e.getAttribute('data-profile-id')))).toEqual(['p4'])
    await page.keyboard.press('Enter')
    await waitUntil('open p4', async () => (await fakeCalls(page, 'session.open')).some((c) => c.arg!.profileId === 'p4'))
    expect(await page.title()).toBe('Delta — Tessera')
  })

  it('follows the dark system theme', async () => {
    const profiles = [
      newProfile({ id: 'p1', host: 'alpha.lan', name: 'Alpha', lastUsedAt: Date.now() - 60_000 }),
      newProfile({ id: 'p2', host: 'bravo.lan', name: 'Bravo', group: 'Lab', lastUsedAt: Date.now() - 3_600_000, savePassword: true }),
    ]
    await openApp(profiles)
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.waitForSelector('.item')
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(bg).toBe('rgb(21, 23, 27)')
    await screenshot(page, 'address-book-dark')
    await page.click('button:has-text("New connection")')
    await screenshot(page, 'edit-dialog-dark')
    await page.keyboard.press('Escape')
    await connect()
    await page.keyboard.press('F8')
    await screenshot(page, 'session-menu-dark')
  })

  it('collapses folders, switches to the grid, sorts by name', async () => {
    const profiles = [
      newProfile({ id: 'p1', host: 'zulu.lan', name: 'Zulu', lastUsedAt: Date.now() - 50_000 }),
      newProfile({ id: 'p2', host: 'alpha.lan', name: 'Alpha', lastUsedAt: Date.now() - 86_400_000 * 3 }),
      newProfile({ id: 'p3', host: 'b.lan', name: 'Bravo', group: 'Lab', lastUsedAt: Date.now() - 7_200_000 }),
    ]
    await openApp(profiles)
    await page.waitForSelector('.item')
    const order = () => page.$$eval('.item', (els) => els.map((e) => e.getAttribute('data-profile-id')))
    expect(await order()).toEqual(['p1', 'p2', 'p3'])
    await page.selectOption('#sort-select', 'name')
    expect(await order()).toEqual(['p2', 'p1', 'p3'])
    await page.click('button[aria-expanded]:has-text("Lab")')
    expect(await page.isVisible('[data-profile-id="p3"]')).toBe(false)
    expect(await page.getAttribute('button:has-text("Lab")', 'aria-expanded')).toBe('false')
    await page.click('button[aria-label="Grid view"]')
    await page.waitForSelector('.mode-grid')
    await screenshot(page, 'address-book-grid')
    // The choice survives a reload (localStorage).
    await page.reload()
    await page.waitForSelector('.mode-grid')
    expect(await page.inputValue('#sort-select')).toBe('name')
  })

  it('adds, edits and duplicates a connection with every option', async () => {
    await openApp([], { secretsProtected: false })
    await page.click('button:has-text("New connection")')
    await page.waitForSelector('dialog[open]')
    await page.fill('dialog input[placeholder^="host"]', 'server.example.com:2')
    await page.locator('dialog input[placeholder^="host"]').blur()
    expect(await page.inputValue('dialog input[inputmode="numeric"]')).toBe('5902')
    // No keychain here: saving in a file is offered (not greyed out), and stays off until the user ticks it.
    expect(await page.isEnabled('dialog input[type="checkbox"] >> nth=0')).toBe(true)
    expect(await page.isChecked('dialog input[type="checkbox"] >> nth=0')).toBe(false)
    await page.fill('dialog label:has-text("Name") input', 'Build server')
    await page.fill('dialog label:has-text("Folder") input', 'Lab')
    await page.check('dialog label:has-text("View only") input')
    await screenshot(page, 'edit-dialog')
    await page.click('dialog summary')
    await page.check('dialog input[type="radio"][value="custom"]')
    await page.fill('dialog input[aria-label="Encodings in order of preference"]', 'zrle, hextile, bogus')
    await page.click('dialog button[type="submit"]')
    await expect(page.textContent('dialog')).resolves.toContain('Unknown: bogus')
    await page.fill('dialog input[aria-label="Encodings in order of preference"]', 'zrle, hextile, raw')
    await page.selectOption('dialog label:has-text("JPEG quality") select', '6')
    await page.fill('dialog input[data-test="fine-quality"]', '101')
    await page.click('dialog button[type="submit"]')
    await expect(page.textContent('dialog')).resolves.toContain('Fine quality is a whole number from 0 to 100')
    await page.fill('dialog input[data-test="fine-quality"]', '85')
    await page.selectOption('dialog select[data-test="subsampling"]', 'gray')
    await page.selectOption('dialog label:has-text("Compression level") select', '2')
    await page.selectOption('dialog label:has-text("Colour depth") select', '16')
    await page.selectOption('dialog label:has-text("Scaling") select', 'none')
    await page.fill('dialog textarea', 'rack 4')
    await screenshot(page, 'edit-dialog-advanced')
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector('dialog[open]', { state: 'detached' })
    const saved = (await fakeCalls(page, 'profiles.save')).at(-1)!.arg as unknown as ConnectionProfile
    expect(saved).toMatchObject({
      name: 'Build server',
      host: 'server.example.com',
      port: 5902,
      group: 'Lab',
      viewOnly: true,
      savePassword: false,
      encodings: ['zrle', 'hextile', 'raw'],
      quality: 6,
      compression: 2,
      colourDepth: 16,
      scaling: 'none',
      notes: 'rack 4',
      fineQuality: 85,
      subsampling: 'gray',
    })
    await page.click(`[aria-label="Duplicate Build server"]`)
    await waitUntil('duplicate', async () => (await fakeCalls(page, 'profiles.save')).length === 2)
    const copy = (await fakeCalls(page, 'profiles.save')).at(-1)!.arg as unknown as ConnectionProfile
    expect(copy.name).toBe('Build server (copy)')
    expect(copy.id).not.toBe(saved.id)
    await page.click(`[aria-label="Edit Build server (copy)"]`)
    await page.fill('dialog label:has-text("Name") input', 'Build server 2')
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector('[aria-label^="Build server 2,"]')
  })

  it('sets up an SSH tunnel in the connection dialog: agent, key file or password, each field checked', async () => {
    await openApp([], { secretsProtected: true })
    await page.click('button:has-text("New connection")')
    await page.waitForSelector('dialog[open]')
    await page.fill('dialog input[placeholder^="host"]', 'localhost:1')
    await page.fill('dialog label:has-text("Name") input', 'Tunnelled desktop')
    // Off by default; its fields appear once it is switched on, with SSH's port and the agent.
    expect(await page.isChecked('[data-test="ssh-enabled"]')).toBe(false)
    expect(await page.$('[data-test="ssh-host"]')).toBeNull()
    await page.check('[data-test="ssh-enabled"]')
    expect(await page.inputValue('[data-test="ssh-port"]')).toBe('22')
    expect(await page.inputValue('[data-test="ssh-auth"]')).toBe('agent')
    expect(await page.$('[data-test="ssh-key-file"]')).toBeNull()
    // Nothing is saved while a field is wrong, and the message says which.
    const sshError = async (): Promise<string> => {
      await page.click('dialog button[type="submit"]')
      return page.locator('dialog .ssh-tunnel [role="alert"]').innerText()
    }
    await expect(sshError()).resolves.toBe('Enter the SSH server’s host name or address (no spaces, “/” or “@”).')
    await page.fill('[data-test="ssh-host"]', 'gw.example.com')
    for (const bad of ['70000', '0', 'ssh']) {
      await page.fill('[data-test="ssh-port"]', bad)
      await expect(sshError()).resolves.toBe('The SSH port is a number from 1 to 65535 (usually 22).')
    }
    await page.fill('[data-test="ssh-port"]', '2222')
    await expect(sshError()).resolves.toBe('Enter the SSH user name (no spaces, “@” or “:”).')
    await page.fill('[data-test="ssh-user"]', 'bad user')
    await expect(sshError()).resolves.toBe('Enter the SSH user name (no spaces, “@” or “:”).')
    await screenshot(page, 'edit-dialog-ssh-error')
    expect(await fakeCalls(page, 'profiles.save')).toEqual([])
    await page.fill('[data-test="ssh-user"]', 'alice')
    expect(await page.locator('dialog .ssh-tunnel [role="alert"]').count()).toBe(0)
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector('dialog[open]', { state: 'detached' })
    const saved = async (): Promise<ConnectionProfile> => (await fakeCalls(page, 'profiles.save')).at(-1)!.arg as unknown as ConnectionProfile
    expect(await saved()).toMatchObject({ name: 'Tunnelled desktop', host: 'localhost', port: 5901 })
    expect((await saved()).ssh).toEqual({ host: 'gw.example.com', port: 2222, username: 'alice', auth: 'agent' })

    // A key file: its path is required and kept.
    await page.click('[aria-label="Edit Tunnelled desktop"]')
    await page.waitForSelector('dialog[open]')
    expect(await page.isChecked('[data-test="ssh-enabled"]')).toBe(true)
    expect([
      await page.inputValue('[data-test="ssh-host"]'),
      await page.inputValue('[data-test="ssh-port"]'),
      await page.inputValue('[data-test="ssh-user"]'),
    ]).toEqual(['gw.example.com', '2222', 'alice'])
    await page.selectOption('[data-test="ssh-auth"]', 'key')
    await expect(sshError()).resolves.toBe('Enter the path of the private key file.')
    await page.fill('[data-test="ssh-key-file"]', '~/.ssh/id_ed25519')
    await screenshot(page, 'edit-dialog-ssh')
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector('dialog[open]', { state: 'detached' })
    expect((await saved()).ssh).toEqual({ host: 'gw.example.com', port: 2222, username: 'alice', auth: 'key', keyFile: '~/.ssh/id_ed25519' })

    // A password (asked when connecting): the key file goes.
    await page.click('[aria-label="Edit Tunnelled desktop"]')
    await page.waitForSelector('dialog[open]')
    expect(await page.inputValue('[data-test="ssh-key-file"]')).toBe('~/.ssh/id_ed25519')
    await page.selectOption('[data-test="ssh-auth"]', 'password')
    expect(await page.$('[data-test="ssh-key-file"]')).toBeNull()
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector('dialog[open]', { state: 'detached' })
    expect((await saved()).ssh).toEqual({ host: 'gw.example.com', port: 2222, username: 'alice', auth: 'password' })

    // Switched off: no tunnel at all.
    await page.click('[aria-label="Edit Tunnelled desktop"]')
    await page.waitForSelector('dialog[open]')
    await page.uncheck('[data-test="ssh-enabled"]')
    await page.click('dialog button[type="submit"]')
    await page.waitForSelector('dialog[open]', { state: 'detached' })
    expect(await fakeCalls(page, 'profiles.save')).toHaveLength(4)
    expect(await saved()).not.toHaveProperty('ssh')
    expect(errors).toEqual([])
  })

  it('listens for reverse connections: asks about each server, sends Accept or Reject, and drops a question the host gave up on', async () => {
    await openApp()
    const toggle = page.locator('button.listen-toggle')
    await expect(toggle.innerText()).resolves.toBe('Listen')
    expect(await toggle.getAttribute('aria-pressed')).toBe('false')
    await toggle.click()
    await page.waitForSelector('button.listen-toggle[aria-pressed="true"]')
    await expect(toggle.innerText()).resolves.toBe('Listening on 5500')
    expect((await fakeCalls(page, 'listen.start')).map((c) => c.arg)).toEqual([{ port: 5500 }])
    const incoming = (id: string, remoteAddress: string, remotePort: number): Promise<void> =>
      page.evaluate((e) => window.__fake.emit('listen.incoming', e), { id, remoteAddress, remotePort })
    const timedOut = (id: string): Promise<void> => page.evaluate((id) => window.__fake.emit('listen.timedOut', { id }), id)
    const answers = async (): Promise<unknown[]> => (await fakeCalls(page, 'listen.answer')).map((c) => c.arg)
    const dialog = page.locator('dialog[open][role="alertdialog"]:has-text("Incoming connection")')

    await incoming('in1', '192.0.2.7', 40123)
    await dialog.waitFor()
    await expect(dialog.locator('.address').innerText()).resolves.toBe('192.0.2.7')
    await expect(dialog.innerText()).resolves.toContain('from port 40123')
    // The safe answer has the focus: Enter alone accepts nobody.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Reject')
    await screenshot(page, 'incoming-dialog')
    await dialog.locator('button:has-text("Reject")').click()
    await dialog.waitFor({ state: 'detached' })
    await incoming('in2', '192.0.2.7', 40124)
    await dialog.waitFor()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await answers()).toEqual([
      { id: 'in1', accept: false },
      { id: 'in2', accept: false },
    ])

    // Nobody answered in time: the host closed it and says so; the question goes, and the user is told.
    await incoming('in3', '192.0.2.8', 40200)
    await dialog.waitFor()
    await timedOut('in3')
    await dialog.waitFor({ state: 'detached' })
    await page.waitForSelector('.notice:has-text("The incoming connection from 192.0.2.8 was closed: nobody answered in time.")')
    expect(await answers()).toHaveLength(2)

    await toggle.click()
    await page.waitForSelector('button.listen-toggle[aria-pressed="false"]')
    await expect(toggle.innerText()).resolves.toBe('Listen')
    expect(await fakeCalls(page, 'listen.stop')).toHaveLength(1)
    await toggle.click()
    await page.waitForSelector('button.listen-toggle[aria-pressed="true"]')

    // Two servers at once are asked about in turn; the accepted one becomes the session shown.
    await incoming('in4', '198.51.100.4', 51000)
    await incoming('in5', '198.51.100.5', 51001)
    await dialog.waitFor()
    await expect(dialog.locator('.address').innerText()).resolves.toBe('198.51.100.4')
    await dialog.locator('button:has-text("Accept")').click()
    await waitUntil('the next question', async () => (await dialog.locator('.address').innerText()) === '198.51.100.5')
    expect((await answers()).at(-1)).toEqual({ id: 'in4', accept: true })
    await timedOut('in5')
    await dialog.waitFor({ state: 'detached' })
    expect(await answers()).toHaveLength(3)
    await page.evaluate(() => window.__fake.emit('session.state', { sessionId: 's1', state: 'connecting' }))
    await page.waitForSelector('.session')
    await page.evaluate((info) => window.__fake.emit('session.state', { sessionId: 's1', state: 'connected', info }), { ...INFO, width: 64, height: 48 })
    await sendBatch({ seq: 1, ops: [OpCode.Resize, 0, 0, 64, 48, 0, 0, 0, OpCode.Fill, 0, 0, 64, 48, 0xff00c080 | 0, 0, 0], pixels: '', images: '' })
    await painted(1)
    const px = await canvasPixels(page)
    expect([px.width, px.height, ...px.rgba.subarray(0, 3)]).toEqual([64, 48, 0x80, 0xc0, 0x00])
    expect(await page.title()).toBe('fake desktop — Tessera')
    expect((await fakeCalls(page, 'session.ack')).map((c) => c.arg)).toEqual([{ sessionId: 's1', seq: 1 }])
    expect(errors).toEqual([])
  })
})
