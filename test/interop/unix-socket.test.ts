// Unix domain sockets: Xvnc -rfbunixpath, x11vnc -unixsock, QEMU -vnc unix:, and the same socket
// through an SSH tunnel (OpenSSH's direct-streamlocal channel) to Debian's sshd.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli'
import { type Snapshot, takeSnapshot } from '../../src/main/cli/snapshot'
import { parseKnownHosts } from '../../src/main/rfb/trust/known-hosts'
import { parseTarget } from '../../src/shared/target'
import { Sshd, keygen, sshdMissing } from '../helpers/sshd'
import { firstDifference } from '../helpers/compare'
import { type RunningServer, freePort, serverAvailable, startServer } from '../helpers/vnc-servers'

const RAW = 0

function expectSamePixels(a: Snapshot, b: Snapshot, what: string): void {
  expect(firstDifference(a.framebuffer, b.framebuffer), what).toBeNull()
}

describe.skipIf(!serverAvailable('tigervnc'))('Unix socket: TigerVNC Xvnc -rfbunixpath', () => {
  let vnc: RunningServer
  let dir: string
  let socket: string
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-unix-'))
    socket = path.join(dir, 'xvnc.sock')
    vnc = await startServer('tigervnc', { content: 'static', width: 320, height: 200, extraArgs: ['-rfbunixpath', socket] })
  }, 60_000)
  afterAll(async () => {
    await vnc?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('a Raw snapshot over the socket equals one over TCP', async () => {
    const tcp = await takeSnapshot({ host: '127.0.0.1', port: vnc.port }, { encodings: [RAW], timeoutMs: 20_000 })
    const unix = await takeSnapshot(parseTarget(`unix:${socket}`), { encodings: [RAW], timeoutMs: 20_000 })
    expectSamePixels(unix, tcp, 'unix:')
    // The default encodings too (the picture is the same whatever carries it).
    const tight = await takeSnapshot(parseTarget(socket), { timeoutMs: 20_000 })
    expectSamePixels(tight, tcp, 'bare path, default encodings')
  }, 60_000)

  it('tessera snapshot unix:/path writes the screen; a missing socket is a network error that says so', async () => {
    const png = path.join(dir, 'unix.png')
    const err: string[] = []
    expect(
      await main(
        ['snapshot', `unix:${socket}`, png, '--encodings', 'raw'],
        () => undefined,
        (l) => err.push(l),
      ),
      err.join('\n'),
    ).toBe(0)
    const b = readFileSync(png)
    expect([b.readUInt32BE(16), b.readUInt32BE(20)]).toEqual([320, 200])
    const missing: string[] = []
    expect(
      await main(
        ['probe', `unix:${dir}/nothing.sock`],
        () => undefined,
        (l) => missing.push(l),
      ),
    ).toBe(3)
    expect(missing.join('\n')).toMatch(/no VNC server listens at unix:.*nothing\.sock \(the socket does not exist\)/)
  }, 60_000)

  describe.skipIf(sshdMissing !== '')(`through an SSH tunnel (direct-streamlocal)${sshdMissing ? ` (skipped: ${sshdMissing})` : ''}`, () => {
    let sshd: Sshd
    let hostPub: string
    beforeAll(async () => {
      hostPub = keygen(path.join(dir, 'host'))
      keygen(path.join(dir, 'client'))
      writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client.pub')))
      sshd = new Sshd(dir, await freePort())
      await sshd.start(path.join(dir, 'host'))
    }, 30_000)
    afterAll(async () => {
      await sshd?.stop()
    })

    it('a snapshot of the socket on the SSH server equals one over TCP', async () => {
      const tcp = await takeSnapshot({ host: '127.0.0.1', port: vnc.port }, { encodings: [RAW], timeoutMs: 20_000 })
      const ssh = {
        sshHost: '127.0.0.1',
        sshPort: sshd.port,
        username: os.userInfo().username,
        auth: { privateKey: readFileSync(path.join(dir, 'client')) },
        hostKey: { knownHosts: parseKnownHosts(`[127.0.0.1]:${sshd.port} ${hostPub}`) },
      }
      const tunnelled = await takeSnapshot(parseTarget(`unix:${socket}`), { encodings: [RAW], timeoutMs: 20_000, ssh })
      expect(tunnelled.info.ssh?.hostKey.how).toBe('known-hosts')
      expect(tunnelled.info.encrypted).toBe(true)
      expectSamePixels(tunnelled, tcp, 'unix: through SSH')
      // A socket that is not there: sshd refuses the channel, and the message names the socket.
      await expect(takeSnapshot(parseTarget(`unix:${dir}/nothing.sock`), { timeoutMs: 10_000, ssh })).rejects.toThrow(
        /could not open a tunnel to unix:.*nothing\.sock/,
      )
    }, 60_000)
  })
})

describe.skipIf(!serverAvailable('x11vnc'))('Unix socket: x11vnc -unixsock', () => {
  let vnc: RunningServer
  let dir: string
  let socket: string
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-unix-'))
    socket = path.join(dir, 'x11vnc.sock')
    vnc = await startServer('x11vnc', { content: 'static', width: 320, height: 200, extraArgs: ['-unixsock', socket] })
    const deadline = Date.now() + 10_000
    while (!existsSync(socket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  }, 60_000)
  afterAll(async () => {
    await vnc?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('a Raw snapshot over the socket equals one over TCP', async () => {
    const tcp = await takeSnapshot({ host: '127.0.0.1', port: vnc.port }, { encodings: [RAW], timeoutMs: 20_000 })
    const unix = await takeSnapshot(parseTarget(`unix:${socket}`), { encodings: [RAW], timeoutMs: 20_000 })
    expectSamePixels(unix, tcp, 'x11vnc unix:')
  }, 60_000)
})

describe.skipIf(!serverAvailable('qemu'))('Unix socket: QEMU -vnc unix:', () => {
  let qemu: ChildProcess
  let dir: string
  let socket: string
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-unix-'))
    socket = path.join(dir, 'qemu.sock')
    const args = ['-machine', 'pc', '-accel', 'tcg', '-m', '64', '-nodefaults', '-vga', 'std', '-nic', 'none', '-display', 'none', '-vnc', `unix:${socket}`]
    qemu = spawn('qemu-system-x86_64', args, { stdio: 'ignore' })
    const deadline = Date.now() + 15_000
    while (!existsSync(socket) && Date.now() < deadline && qemu.exitCode === null) await new Promise((r) => setTimeout(r, 50))
  }, 30_000)
  afterAll(async () => {
    if (qemu && qemu.exitCode === null && qemu.pid !== undefined) {
      const exited = new Promise((r) => qemu.once('exit', r))
      process.kill(qemu.pid, 'SIGTERM')
      await exited
    }
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('connects over the socket and receives a whole screen', async () => {
    const snap = await takeSnapshot(parseTarget(`unix:${socket}`), { encodings: [RAW], timeoutMs: 20_000 })
    expect(snap.info.init.width).toBeGreaterThan(0)
    // The guest may switch video mode while booting (640x480, then 720x400 text): the picture follows the last size.
    expect([
      [640, 480],
      [720, 400],
    ]).toContainEqual([snap.framebuffer.width, snap.framebuffer.height])
  }, 60_000)
})
