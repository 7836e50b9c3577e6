// wayvnc 0.9.1 on a headless sway, both from Debian 13, run in the chroot of trixie-chroot.sh: the
// real server for Apple Remote Desktop (type 30) and neatvnc's RSA-AES (5, 129). Needs root.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { TRIXIE_DIR, trixieKeyFile } from './trixie-xvnc'
import { freePort } from './vnc-servers'

export interface TrixieWayvncOptions {
  username: string
  password: string
  /** The RSA-AES key (one per name, as for Xvnc); default 'wayvnc'. */
  keyName?: string
  port?: number
  /** The output's size; default 320x240. */
  resolution?: string
  /** Draw something (a coloured background and sway's bar with a fixed line of text) instead of sway's empty output. */
  content?: boolean
}

export interface TrixieWayvnc {
  host: '127.0.0.1'
  port: number
  /** The `unshare` process: its PID namespace holds sway and wayvnc, which die with it. */
  pid: number
  stop(): Promise<void>
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)))
    s.on('error', () => resolve(false))
  })
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Starts sway (headless, pixman, one 320x240 output) and wayvnc on 127.0.0.1 inside the chroot,
 * in a PID and mount namespace of their own (`unshare -m -p -f --kill-child`, /proc mounted for
 * sway): stopping the namespace's first process ends both.
 */
export async function startTrixieWayvnc(opts: TrixieWayvncOptions): Promise<TrixieWayvnc> {
  const tag = createHash('sha1').update(`${process.pid}-${Date.now()}-${Math.random()}`).digest('hex').slice(0, 10)
  const dir = `/tmp/tessera-wayvnc-${tag}`
  const abs = path.join(TRIXIE_DIR, dir)
  mkdirSync(abs, { recursive: true })
  const port = opts.port ?? (await freePort())
  const key = trixieKeyFile(opts.keyName ?? 'wayvnc')
  writeFileSync(
    path.join(abs, 'config'),
    [
      `address=127.0.0.1`,
      `port=${port}`,
      'enable_auth=true',
      `username=${opts.username}`,
      `password=${opts.password}`,
      'relax_encryption=true',
      `rsa_private_key_file=${key}`,
      '',
    ].join('\n'),
  )
  const sway = [`output HEADLESS-1 resolution ${opts.resolution ?? '320x240'}`]
  if (opts.content) sway.push('output HEADLESS-1 bg #305070 solid_color', 'bar {', '  position top', '  status_command echo Tessera ways-in test', '}')
  writeFileSync(path.join(abs, 'sway.conf'), [...sway, ''].join('\n'))
  writeFileSync(
    path.join(abs, 'run.sh'),
    [
      '#!/bin/sh',
      `export XDG_RUNTIME_DIR=${dir}/run WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1`,
      'mkdir -p -m 700 "$XDG_RUNTIME_DIR"',
      `sway -c ${dir}/sway.conf >${dir}/sway.log 2>&1 &`,
      'for i in $(seq 100); do ls "$XDG_RUNTIME_DIR"/wayland-? >/dev/null 2>&1 && break; sleep 0.1; done',
      'export WAYLAND_DISPLAY=$(basename $(ls "$XDG_RUNTIME_DIR"/wayland-? | head -n 1))',
      `wayvnc -C ${dir}/config >${dir}/wayvnc.log 2>&1`,
      '',
    ].join('\n'),
  )
  chmodSync(path.join(abs, 'run.sh'), 0o755)
  const fd = openSync(path.join(abs, 'unshare.log'), 'a')
  const child: ChildProcess = spawn(
    'unshare',
    ['-m', '-p', '-f', '--kill-child', 'sh', '-c', `mount -t proc proc ${TRIXIE_DIR}/proc && exec chroot ${TRIXIE_DIR} ${dir}/run.sh`],
    { stdio: ['ignore', fd, fd] },
  )
  closeSync(fd)
  let exited = false
  child.on('exit', () => (exited = true))
  const deadline = Date.now() + 20_000
  while (!exited && Date.now() < deadline && !(await canConnect(port))) await sleep(100)
  const log = (name: string): string => (existsSync(path.join(abs, name)) ? readFileSync(path.join(abs, name), 'utf8').slice(-1500) : '')
  if (exited || !(await canConnect(port))) {
    child.kill('SIGKILL')
    throw new Error(`wayvnc in the trixie chroot did not start:\n${log('unshare.log')}\n${log('sway.log')}\n${log('wayvnc.log')}`)
  }
  let stopped: Promise<void> | null = null
  return {
    host: '127.0.0.1',
    port,
    pid: child.pid!,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        // The namespace's processes die after `unshare` does: wait until the port is free again,
        // or a server restarted on it would find the old one still listening.
        const done = (): void => {
          void (async () => {
            for (let i = 0; i < 100 && (await canConnect(port)); i++) await sleep(50)
            rmSync(abs, { recursive: true, force: true })
            resolve()
          })()
        }
        if (exited) return done()
        const kill = setTimeout(() => child.kill('SIGKILL'), 2_000)
        child.once('exit', () => {
          clearTimeout(kill)
          done()
        })
        child.kill('SIGTERM')
      })),
  }
}
