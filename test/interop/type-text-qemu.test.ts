import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost } from '../../src/main/host/create-host'
import type { Host } from '../../src/main/host/host'
import type { HostEvents } from '../../src/shared/contract'
import type { TypingLayout } from '../../src/shared/keyboard-layouts'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

type Typing = HostEvents['session.typing']

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * A floppy whose boot sector is a BIOS console: it writes "R" to the first serial port, then
 * every character the BIOS keyboard (int 16h) reads, as it reads it. The BIOS decodes scancodes
 * with a US layout, which is what a BIOS setup screen or boot loader sees.
 */
function consoleFloppy(file: string): void {
  const code = [
    [0xb0, 0x52], // mov al, 'R'
    [0xba, 0xf8, 0x03], // mov dx, 0x3f8 (COM1; int 16h leaves dx alone)
    [0xee], // out dx, al
    [0xb4, 0x00], // loop: mov ah, 0 (wait for a key)
    [0xcd, 0x16], // int 16h: al = its character
    [0xee], // out dx, al
    [0xeb, 0xf9], // jmp loop
  ].flat()
  const disk = Buffer.alloc(1_474_560)
  Buffer.from(code).copy(disk)
  disk[510] = 0x55
  disk[511] = 0xaa
  writeFileSync(file, disk)
}

// Needs Debian's qemu-system-x86 (.ci/run installs it).
describe.skipIf(!serverAvailable('qemu'))('session.typeText into a QEMU BIOS console (scancodes)', () => {
  let server: RunningServer
  let host: Host
  let sessionId: string
  let dir: string
  let serial: string
  const typing: Typing[] = []

  const received = (): string => (existsSync(serial) ? readFileSync(serial, 'latin1') : '')

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-qemu-typing-'))
    const floppy = join(dir, 'console.img')
    serial = join(dir, 'serial.out')
    consoleFloppy(floppy)
    server = await startServer('qemu', { extraArgs: ['-drive', `file=${floppy},format=raw,if=floppy`, '-boot', 'a', '-serial', `file:${serial}`] })
    ;({ host } = await createHost({ dataDir: dir, keychain: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } }))
    host.on('session.typing', (e) => typing.push(e))
    let info: HostEvents['session.state']['info']
    host.on('session.state', (e) => {
      if (e.state === 'connected') info = e.info
    })
    ;({ sessionId } = (await host.handle('session.open', { address: `127.0.0.1::${server.port}` })) as { sessionId: string })
    await until('connected with scancodes', () => info?.scancodes === true)
    await until('the boot sector running', () => received() === 'R', 30_000)
  }, 60_000)

  afterAll(async () => {
    await host?.shutdown()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  async function type(text: string, layout: TypingLayout): Promise<string> {
    const start = received().length
    const before = typing.length
    const { total } = (await host.handle('session.typeText', { sessionId, text, layout, delayMs: 15 })) as { total: number }
    await until('typing to end', () => typing.slice(before).some((e) => e.state !== 'typing'), 60_000)
    expect(typing.slice(before).find((e) => e.state !== 'typing')).toEqual({ sessionId, typed: total, total, state: 'done' })
    // Enter arrives as CR: the BIOS gives the Enter key's character.
    const expected = text.replaceAll('\n', '\r').length
    await until('every character on the serial port', () => received().length - start >= expected)
    return received().slice(start)
  }

  it('types punctuation, upper case, tab and newlines as US scancodes, byte for byte', async () => {
    const text = 'Hello, World! "quoted" & \'single\' $100 (a+b)*c=d;\n~`^_|\\{}[]@#%<>?/ -Tab:\there.\nLAST 0123456789\n'
    expect(await type(text, 'us')).toBe(text.replaceAll('\n', '\r'))
  })

  it('presses the keys of the layout chosen: German keys read by a US BIOS', async () => {
    // On a German keyboard y and z swap places and @ is AltGr+Q: a US BIOS sees the keys' US meaning (AltGr is only Alt to it).
    expect(await type('zy-#', 'de')).toBe('yz/\\')
  })
})
