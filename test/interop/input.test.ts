import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scancodeFor } from '../../src/shared/scancodes'
import { connectRfb } from '../../src/main/rfb/connect'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { RfbClient } from '../../src/main/rfb/session'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

const RETURN = 0xff0d
const SHIFT = 0xffe1

async function until(check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** DOM code of a lower-case letter or digit, for the scancode path. */
const codeOf = (ch: string) => (/[a-z]/.test(ch) ? `Key${ch.toUpperCase()}` : /[0-9]/.test(ch) ? `Digit${ch}` : ch === ' ' ? 'Space' : '')

// Needs Debian's tigervnc-standalone-server and xterm (.ci/run installs them).
describe.skipIf(!serverAvailable('tigervnc'))('keyboard and pointer into a real xterm (TigerVNC)', () => {
  let server: RunningServer
  let client: RfbClient
  let dir: string
  let file: string

  beforeAll(async () => {
    server = await startServer('tigervnc', { width: 640, height: 480 })
    dir = mkdtempSync(join(tmpdir(), 'tessera-input-'))
    file = join(dir, 'typed.txt')
    // cat writes each line as Enter arrives (canonical tty mode), so the file shows what was typed.
    server.spawnClient('xterm', ['-geometry', '80x20+0+0', '-e', 'sh', '-c', `cat > ${file}`])
    await new Promise((r) => setTimeout(r, 1500))
    const c = await connectRfb({ host: server.host, port: server.port }, { sink: new FramebufferSink() })
    client = c.client
    await new Promise<void>((r) => client.once('update', () => r()))
    // No window manager: keyboard focus follows the pointer, so put it over the xterm.
    client.sendPointer(0, 100, 100)
  })
  afterAll(async () => {
    client?.close()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('types text with keysyms, Shift included', async () => {
    for (const ch of 'hello ') {
      client.sendKey(ch.charCodeAt(0), true)
      client.sendKey(ch.charCodeAt(0), false)
    }
    client.sendKey(SHIFT, true)
    client.sendKey('W'.charCodeAt(0), true)
    client.sendKey('W'.charCodeAt(0), false)
    client.sendKey(SHIFT, false)
    client.sendKey(RETURN, true)
    client.sendKey(RETURN, false)
    await until(() => readOr(file).includes('hello W\n'))
  })

  it('types with QEMU extended key events once TigerVNC confirms them', async () => {
    expect(client.features.qemuKeyEvents).toBe(true)
    for (const ch of 'scan 42') {
      client.sendKeyWithScancode(ch.charCodeAt(0), scancodeFor(codeOf(ch)), true)
      client.sendKeyWithScancode(ch.charCodeAt(0), scancodeFor(codeOf(ch)), false)
    }
    client.sendKeyWithScancode(RETURN, scancodeFor('Enter'), true)
    client.sendKeyWithScancode(RETURN, scancodeFor('Enter'), false)
    await until(() => readOr(file).includes('scan 42\n'))
  })
})
