// What an X server says of its monitors, for the multi-screen tests (xrandr from x11-xserver-utils).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { ScreenRect } from '../../src/shared/contract'
import type { RunningServer } from './vnc-servers'

/** Whether `xrandr` is installed (Debian's x11-xserver-utils, which .ci/run installs). */
export const xrandrAvailable = ['/usr/bin/xrandr', '/bin/xrandr'].some(existsSync)

/** The RandR monitors of the server's X display (`xrandr --listmonitors`), top to bottom, left to right. */
export function xMonitors(server: RunningServer): ScreenRect[] {
  const out = spawnSync('xrandr', ['--listmonitors'], { env: server.env, encoding: 'utf8', timeout: 5000 })
  if (out.status !== 0) throw new Error(`xrandr --listmonitors failed (${out.status}): ${out.stderr}`)
  // " 0: +VNC-0 1280/338x1024/270+0+0  VNC-0": width/mm x height/mm + x + y
  const monitors = [...out.stdout.matchAll(/ (\d+)\/\d+x(\d+)\/\d+\+(\d+)\+(\d+) /g)].map((m) => ({
    x: Number(m[3]),
    y: Number(m[4]),
    width: Number(m[1]),
    height: Number(m[2]),
  }))
  const count = Number(/^Monitors: (\d+)/m.exec(out.stdout)?.[1])
  if (count !== monitors.length) throw new Error(`could not read every monitor from xrandr:\n${out.stdout}`)
  return monitors.sort((a, b) => a.y - b.y || a.x - b.x)
}
