import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../src/main/cli/exit-codes'
import { type CliRun, spawnCli } from '../helpers/spawn-cli'
import { type RunningServer, selfSignedCertificate, serverAvailable, startServer } from '../helpers/vnc-servers'

/** A failure reaches the terminal as exactly one line on stderr, with no stack frame in it. */
function oneLine(r: CliRun): string {
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(r.stderr).not.toMatch(/^\s+at /m)
  return lines[0]
}

// Needs Debian's tigervnc-standalone-server and openssl (.ci/run installs both).
describe.skipIf(!serverAvailable('tigervnc'))('tessera exit codes against a real Xvnc (TLS with VNC authentication)', () => {
  let server: RunningServer
  let dir: string
  const target = (): string => `127.0.0.1::${server.port}`
  const env = (password: string): NodeJS.ProcessEnv => ({ ...process.env, TESSERA_PASSWORD: password })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-exit-'))
    server = await startServer('tigervnc', { password: 'right-pw', securityTypes: ['X509Vnc'], tls: selfSignedCertificate(dir), width: 320, height: 200 })
  })
  afterAll(async () => {
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('0: the right password writes the picture', async () => {
    const png = join(dir, 'ok.png')
    const r = await spawnCli(['snapshot', target(), png], { env: env('right-pw') })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(EXIT.OK)
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG')
  })

  it('5: a wrong password, with the server’s reason, in one line', async () => {
    const r = await spawnCli(['probe', target()], { env: env('wrong-pw') })
    expect(r.status).toBe(EXIT.AUTH)
    expect(oneLine(r)).toMatch(/^tessera probe: authentication failed/)
  })

  it('9: a missing password file is a local problem, not a protocol error (was exit 6)', async () => {
    const missing = join(dir, 'no-password-file')
    const r = await spawnCli(['probe', target(), '--password-file', missing])
    expect(r.status).toBe(EXIT.FILE)
    expect(oneLine(r)).toBe(`tessera probe: cannot read the password file ${missing}: it does not exist`)
  })

  it('8: --security require-server-auth and a self-signed certificate nobody vouched for', async () => {
    const r = await spawnCli(['probe', target(), '--security', 'require-server-auth'], { env: env('right-pw') })
    expect(r.status).toBe(EXIT.TRUST)
    oneLine(r)
  })

  it('8: a certificate that differs from the one in the trust store', async () => {
    const store = join(dir, 'trust')
    mkdirSync(store)
    // Another certificate pinned for this server: the real one must be refused, not asked about.
    const pinned = { sha256: Array(32).fill('AB').join(':'), subject: 'CN=someone else' }
    writeFileSync(join(store, 'known-certificates.json'), JSON.stringify({ version: 1, servers: { [`127.0.0.1:${server.port}`]: pinned } }))
    const r = await spawnCli(['probe', target(), '--trust-store', store], { env: env('right-pw') })
    expect(r.status).toBe(EXIT.TRUST)
    expect(oneLine(r)).toContain(pinned.sha256)
  })
})
