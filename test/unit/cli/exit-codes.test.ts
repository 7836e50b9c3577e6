import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type Server, type Socket, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCli as run } from '../../helpers/cli-in-process'
import { EXIT, EXIT_CODE_MEANINGS, describeFailure } from '../../../src/main/cli/exit-codes'
import { LOCK_FILE } from '../../../src/main/host/data-dir-lock'
import { Bytes } from '../../helpers/bytes'
import { none38 } from '../../helpers/server-script'
import { type CliRun, spawnCli, spawnNode } from '../../helpers/spawn-cli'

const ROOT = join(import.meta.dirname, '..', '..', '..')

/** A failure reaches the terminal as exactly one line on stderr, with no stack frame in it. */
function oneLine(r: CliRun): string {
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(r.stderr).not.toMatch(/^\s+at /m)
  return lines[0]
}

/** A loopback server that plays `script` to each client and keeps the socket open. */
async function scripted(script: Uint8Array): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: Socket[] = []
  const server = createServer((sock) => {
    sockets.push(sock)
    sock.on('error', () => {})
    sock.write(script)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise((r) => server.close(() => r()))
    },
  }
}

/** A port nothing listens on: bound, read, and let go again. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

let dir: string
let held: Server
let heldPort: number
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-exit-'))
  // The busy port the tests below hold themselves.
  held = createServer()
  await new Promise<void>((r) => held.listen(0, '127.0.0.1', r))
  heldPort = (held.address() as { port: number }).port
})
afterAll(async () => {
  await new Promise((r) => held.close(r))
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => {
  delete process.env.TESSERA_PASSWORD
})

describe('tessera exit codes: a real process, a real condition, one line', () => {
  it('0: --version and help', async () => {
    const v = await spawnCli(['--version'])
    expect(v.status).toBe(EXIT.OK)
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
    expect(v.stdout).toBe(`tessera ${version} (Node ${process.versions.node})\n`)
    expect(v.stderr).toBe('')
    expect((await run(['help', 'exit-codes'])).out.join('\n')).toMatch(/^ {2}10 {2}busy/m)
  })

  it('1: Tessera not built (bin/tessera.cjs with no out/main/cli.js beside it)', async () => {
    const copy = join(dir, 'unbuilt')
    mkdirSync(join(copy, 'bin'), { recursive: true })
    copyFileSync(join(ROOT, 'bin', 'tessera.cjs'), join(copy, 'bin', 'tessera.cjs'))
    const r = await spawnNode([join(copy, 'bin', 'tessera.cjs'), '--version'])
    expect(r.status).toBe(EXIT.INTERNAL)
    expect(oneLine(r)).toBe('tessera: not built yet; run `npm run build` in the repository first')
  })

  it('1: an unexpected error is one line; its stack only with TESSERA_DEBUG', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')")
    const quiet = describeFailure(bug)
    expect(quiet.exitCode).toBe(EXIT.INTERNAL)
    expect(quiet.message).not.toContain('\n')
    expect(quiet.message).toMatch(/^unexpected error: Cannot read properties .*TESSERA_DEBUG=1/)
    expect(describeFailure(bug, true).message).toContain(bug.stack!.split('\n')[1])
  })

  it('2: an unknown option, in the spawned CLI', async () => {
    const r = await spawnCli(['snapshot', 'host', 'x.png', '--colour'])
    expect(r.status).toBe(EXIT.USAGE)
    expect(oneLine(r)).toBe('tessera snapshot: unknown option --colour')
    const unknown = await run(['snapshoot'])
    expect(unknown.code).toBe(EXIT.USAGE)
    expect(unknown.err).toEqual(['tessera: unknown command "snapshoot" (tessera --help lists the commands)'])
  })

  it('3: a closed port, in the spawned CLI', async () => {
    const port = await closedPort()
    const r = await spawnCli(['probe', `127.0.0.1::${port}`])
    expect(r.status).toBe(EXIT.NETWORK)
    expect(oneLine(r)).toBe(`tessera probe: connection refused by 127.0.0.1:${port}`)
  })

  it('4: a server that never speaks', async () => {
    const srv = await scripted(new Uint8Array(0))
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`, '--timeout', '0.3'])
      expect(r.code).toBe(EXIT.TIMEOUT)
      expect(r.err).toHaveLength(1)
    } finally {
      await srv.close()
    }
  })

  it('5: a server that refuses the password', async () => {
    const srv = await scripted(new Bytes().text('RFB 003.008\n').u8(1, 2).bytes(new Uint8Array(16)).u32(1).string('bad password').build())
    process.env.TESSERA_PASSWORD = 'wrong'
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`])
      expect(r.code).toBe(EXIT.AUTH)
      expect(r.err).toEqual(['tessera probe: authentication failed (the server said “bad password”)'])
    } finally {
      await srv.close()
    }
  })

  it('6: a server that is not a VNC server, and a file that is not a recording', async () => {
    const srv = await scripted(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'))
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`])
      expect(r.code).toBe(EXIT.PROTOCOL)
      expect(r.err[0]).toMatch(/^tessera probe: protocol error at byte 0: not a VNC server/)
    } finally {
      await srv.close()
    }
    writeFileSync(join(dir, 'junk.fbs'), 'hello world, not an fbs')
    expect((await run(['replay', join(dir, 'junk.fbs')])).code).toBe(EXIT.PROTOCOL)
  })

  it('7: a server whose only security type Tessera does not speak', async () => {
    const srv = await scripted(new Bytes().text('RFB 003.008\n').u8(1, 99).build())
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`])
      expect(r.code, r.err.join('\n')).toBe(EXIT.UNSUPPORTED)
      expect(r.err).toHaveLength(1)
    } finally {
      await srv.close()
    }
  })

  it('8: a server without encryption under --security require-encryption', async () => {
    const srv = await scripted(none38())
    try {
      const r = await run(['probe', `127.0.0.1::${srv.port}`, '--security', 'require-encryption'])
      expect(r.code, r.err.join('\n')).toBe(EXIT.TRUST)
      expect(r.err).toHaveLength(1)
    } finally {
      await srv.close()
    }
  })

  it('9: a missing password file, in the spawned CLI, before any connection (was 6, "protocol error")', async () => {
    // The server asks for a password; the file is read before connecting, so it never sees us.
    let connections = 0
    const srv = createServer((s) => {
      connections++
      s.on('error', () => {})
      s.write(new Bytes().text('RFB 003.008\n').u8(1, 2).build())
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    try {
      const port = (srv.address() as { port: number }).port
      const missing = join(dir, 'no-such-password')
      const r = await spawnCli(['probe', `127.0.0.1::${port}`, '--password-file', missing])
      expect(r.status).toBe(EXIT.FILE)
      expect(oneLine(r)).toBe(`tessera probe: cannot read the password file ${missing}: it does not exist`)
      expect(connections).toBe(0)
    } finally {
      await new Promise((r) => srv.close(r))
    }
  })

  it('9: an output that cannot be written: a missing folder, a folder, a read-only file system; found before connecting', async () => {
    const port = await closedPort() // A connection attempt would be exit 3: the file check comes first.
    const missing = await run(['snapshot', `127.0.0.1::${port}`, join(dir, 'nowhere', 'x.png')])
    expect(missing.code).toBe(EXIT.FILE)
    expect(missing.err).toEqual([
      `tessera snapshot: cannot write the picture ${join(dir, 'nowhere', 'x.png')}: the folder ${join(dir, 'nowhere')}: it does not exist`,
    ])
    mkdirSync(join(dir, 'a-folder'))
    const folder = await run(['record', `127.0.0.1::${port}`, join(dir, 'a-folder')])
    expect(folder.code).toBe(EXIT.FILE)
    expect(folder.err).toEqual([`tessera record: cannot write the recording ${join(dir, 'a-folder')}: it is a folder`])
    // sysfs refuses new files to everyone, root included.
    const sys = await run(['record', `127.0.0.1::${port}`, '/sys/tessera-test.fbs'])
    expect(sys.code).toBe(EXIT.FILE)
    expect(sys.err[0]).toMatch(/^tessera record: cannot write the recording \/sys\/tessera-test\.fbs: /)
  })

  it.skipIf(process.getuid?.() === 0)('9: a folder without write permission (not as root, who may write anywhere)', async () => {
    const ro = join(dir, 'read-only')
    mkdirSync(ro)
    chmodSync(ro, 0o500)
    const r = await run(['snapshot', `127.0.0.1::${await closedPort()}`, join(ro, 'x.png')])
    expect(r.code).toBe(EXIT.FILE)
    expect(r.err[0]).toMatch(/permission denied$/)
  })

  it('9: a recording, CA file or SSH key that is not there', async () => {
    const gone = join(dir, 'gone')
    expect((await run(['replay', gone])).err).toEqual([`tessera replay: cannot read the recording ${gone}: it does not exist`])
    expect((await run(['bench', gone])).code).toBe(EXIT.FILE)
    expect((await run(['probe', '127.0.0.1::1', '--ca-file', gone])).code).toBe(EXIT.FILE)
    expect((await run(['probe', '127.0.0.1::1', '--ssh', 'me@127.0.0.1', '--ssh-key', gone])).code).toBe(EXIT.FILE)
  })

  it('10: a port this test holds, for web (spawned), listen and proxy', async () => {
    // A stand-in renderer: the web command wants one before it listens.
    const cwd = join(dir, 'cwd')
    mkdirSync(join(cwd, 'out', 'renderer'), { recursive: true })
    writeFileSync(join(cwd, 'out', 'renderer', 'index.html'), '<!doctype html>')
    const web = await spawnCli(['web', '--no-open', '--port', String(heldPort), '--data-dir', join(dir, 'web-data')], { cwd })
    expect(web.status).toBe(EXIT.BUSY)
    expect(oneLine(web)).toBe(`tessera web: cannot listen on 127.0.0.1:${heldPort}: the port is in use (another program holds it; pick another port)`)
    const listen = await run(['listen', join(dir, 'l.png'), '--host', '127.0.0.1', '--port', String(heldPort)])
    expect(listen.code).toBe(EXIT.BUSY)
    expect(listen.err).toEqual([`tessera listen: cannot listen on 127.0.0.1:${heldPort}: the port is in use`])
    const proxy = await run(['proxy', String(heldPort), '127.0.0.1::5900'])
    expect(proxy.code).toBe(EXIT.BUSY)
    expect(proxy.err).toHaveLength(1)
  })

  it('10: a data folder another live Tessera holds', async () => {
    const cwd = join(dir, 'cwd2')
    mkdirSync(join(cwd, 'out', 'renderer'), { recursive: true })
    writeFileSync(join(cwd, 'out', 'renderer', 'index.html'), '<!doctype html>')
    const data = join(dir, 'locked-data')
    mkdirSync(data)
    // This test process is alive: its id in the lock is a holder the CLI must respect.
    writeFileSync(join(data, LOCK_FILE), `${JSON.stringify({ pid: process.pid, nonce: 'test' })}\n`)
    const r = await spawnCli(['web', '--no-open', '--data-dir', data], { cwd })
    expect(r.status).toBe(EXIT.BUSY)
    expect(oneLine(r)).toContain(`another Tessera (process ${process.pid}) is already using the data folder ${data}`)
  })
})

describe('the exit code table is documented', () => {
  const codes = Object.values(EXIT)

  it('is closed: the codes are 0..10 and each has its meaning', () => {
    expect(codes).toEqual(codes.map((_, i) => i))
    expect(Object.keys(EXIT_CODE_MEANINGS).map(Number)).toEqual(codes)
  })

  it('docs/cli.md and the README give every code with its name', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8')
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    for (const [name, code] of Object.entries(EXIT)) {
      expect(docs, `docs/cli.md: ${code} ${name}`).toMatch(new RegExp(`^\\| ${code} \\| \`${name}\` \\|`, 'm'))
      expect(readme, `README.md: ${code}`).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'))
    }
  })
})
