// Debian's OpenSSH server (package openssh-server) started on 127.0.0.1 for SSH tunnel tests.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'

export const SSHD = '/usr/sbin/sshd'
/** Why SSH tests cannot run here, or '' when they can. */
export const sshdMissing = !existsSync(SSHD)
  ? `${SSHD} missing (apt-get install openssh-server)`
  : spawnSync('ssh-keygen', ['-?']).error
    ? 'ssh-keygen missing'
    : ''

/** Makes a key pair without a passphrase at `file`; returns the public key line. */
export function keygen(file: string, type = 'ed25519'): string {
  const res = spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`ssh-keygen failed: ${res.stderr}`)
  return readFileSync(`${file}.pub`, 'utf8')
}

function banner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port })
    const done = (ok: boolean): void => {
      sock.destroy()
      resolve(ok)
    }
    sock.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-2.0')))
    sock.once('error', () => done(false))
    sock.setTimeout(2000, () => done(false))
  })
}

/** One sshd in `dir` (its config, keys and pid file) on `port`; clients log in with `dir/authorized_keys`. */
export class Sshd {
  child: ChildProcess | null = null
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Starts sshd with host key(s) `hostKey` (private key files) and waits for its banner. */
  async start(hostKey: string | string[]): Promise<void> {
    const cfg = path.join(this.dir, 'sshd_config')
    writeFileSync(
      cfg,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        ...[hostKey].flat().map((k) => `HostKey ${k}`),
        `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        'AllowTcpForwarding yes',
        `PidFile ${path.join(this.dir, 'sshd.pid')}`,
        'UsePAM no',
        'StrictModes no',
        '',
      ].join('\n'),
    )
    // Debian's sshd refuses to start without its privilege separation directory.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
    const log: string[] = []
    const child = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stderr!.on('data', (d: Buffer) => log.push(d.toString()))
    this.child = child
    const deadline = Date.now() + 10_000
    while (!(await banner(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start (exit ${child.exitCode}):\n${log.join('')}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async stop(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null || child.pid === undefined) return
    const exited = new Promise((r) => child.once('exit', r))
    process.kill(child.pid, 'SIGTERM')
    await exited
  }
}
