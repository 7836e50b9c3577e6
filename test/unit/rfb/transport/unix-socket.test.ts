import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectUnixSocket } from '../../../../src/main/rfb/transport/unix-socket'

describe('connectUnixSocket', () => {
  let dir: string
  let server: net.Server
  const sock = (): string => path.join(dir, 'srv.sock')
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-unixsock-'))
    server = net.createServer((s) => s.end('RFB 003.008\n'))
    await new Promise<void>((r) => server.listen(sock(), r))
  })
  afterAll(async () => {
    await new Promise((r) => server.close(r))
    rmSync(dir, { recursive: true, force: true })
  })

  it('carries the stream and names the socket', async () => {
    const t = await connectUnixSocket(sock(), 2000)
    expect(t.description).toBe(`unix:${sock()}`)
    const got = await new Promise<string>((resolve) => {
      let text = ''
      t.start({ data: (c) => (text += Buffer.from(c).toString('latin1')), close: () => resolve(text) })
    })
    expect(got).toBe('RFB 003.008\n')
  })

  it('says when the socket does not exist, and when the path is no socket', async () => {
    await expect(connectUnixSocket(path.join(dir, 'none.sock'), 2000)).rejects.toMatchObject({
      code: 'RFB_ERR_CONNECTION_REFUSED',
      message: expect.stringMatching(/no VNC server listens at unix:.*none\.sock \(the socket does not exist\)/),
    })
    writeFileSync(path.join(dir, 'file'), 'x')
    await expect(connectUnixSocket(path.join(dir, 'file'), 2000)).rejects.toMatchObject({ code: 'RFB_ERR_CONNECTION_REFUSED' })
  })
})
