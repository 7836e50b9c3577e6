import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli as run } from '../../helpers/cli-in-process'
import { Bytes } from '../../helpers/bytes'
import { serverInit } from '../../helpers/server-script'

/** A one-shot loopback server that plays `script` to the first client and keeps the socket open. */
async function scriptedServer(script: Uint8Array): Promise<{ port: number; close: () => void }> {
  const server = createServer((sock) => {
    sock.on('error', () => {})
    sock.write(script)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  return { port, close: () => server.close() }
}

describe('tessera CLI', () => {
  it('prints usage and exits 2 without a command', async () => {
    const r = await run([])
    expect(r.code).toBe(2)
    expect(r.out.join('\n')).toMatch(/usage: tessera/)
  })

  it('refuses unknown options with one line', async () => {
    const r = await run(['snapshot', 'host', 'x.png', '--colour'])
    expect(r.code).toBe(2)
    expect(r.err).toEqual(['tessera snapshot: unknown option --colour'])
  })

  it('reports a refused connection in one line, exit 3', async () => {
    const free = createServer()
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r))
    const port = (free.address() as { port: number }).port
    await new Promise((r) => free.close(r))
    const r = await run(['probe', `127.0.0.1::${port}`])
    expect(r.code).toBe(3)
    expect(r.err).toEqual([`tessera probe: connection refused by 127.0.0.1:${port}`])
  })

  it('reports an authentication failure with the reason, exit 5', async () => {
    const srv = await scriptedServer(new Bytes().text('RFB 003.008\n').u8(1, 2).bytes(new Uint8Array(16)).u32(1).string('bad password').build())
    process.env.TESSERA_PASSWORD = 'x'
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`])
      expect(r.code).toBe(5)
      expect(r.err).toEqual(['tessera probe: authentication failed (the server said “bad password”)'])
    } finally {
      delete process.env.TESSERA_PASSWORD
      srv.close()
    }
  })

  it('reads the password from --password-file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'))
    writeFileSync(join(dir, 'pw'), 'secret\n')
    const srv = await scriptedServer(
      new Bytes()
        .text('RFB 003.008\n')
        .u8(1, 2)
        .bytes(new Uint8Array(16))
        .u32(0)
        .bytes(serverInit(3, 2, 'pw-desk'))
        .build(),
    )
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`, '--password-file', join(dir, 'pw')])
      expect(r.code).toBe(0)
      expect(r.out.join('\n')).toContain('"pw-desk" 3x2')
    } finally {
      srv.close()
    }
  })

  it('reports a protocol error with its byte offset, exit 6', async () => {
    const srv = await scriptedServer(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'))
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`])
      expect(r.code).toBe(6)
      expect(r.err[0]).toMatch(/^tessera probe: protocol error at byte 0: not a VNC server/)
    } finally {
      srv.close()
    }
  })

  it('times out on a server that never speaks, exit 4', async () => {
    const srv = await scriptedServer(new Uint8Array(0))
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`, '--timeout', '0.3'])
      expect(r.code).toBe(4)
      expect(r.err[0]).toMatch(/handshake within/)
    } finally {
      srv.close()
    }
  })

  it('replay reports a file that is not a recording', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'))
    writeFileSync(join(dir, 'junk.fbs'), 'hello world, not an fbs')
    const r = await run(['replay', join(dir, 'junk.fbs')])
    expect(r.code).toBe(6)
    expect(r.err[0]).toMatch(/not an FBS 001.000 recording/)
  })
})
