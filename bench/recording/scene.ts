import { spawnSync } from 'node:child_process'
import type { RunningServer } from '../../test/helpers/vnc-servers'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The screen (windows are laid out for 1920x1080 and scaled to it) and the colour script. */
export interface SceneOptions {
  width: number
  height: number
  /** Path of bench/recording/colours.mjs. */
  colours: string
}

function hasXdotool(server: RunningServer): boolean {
  // Xtightvnc lacks XTEST, which xdotool needs to move the pointer.
  return server.kind !== 'tightvnc' && spawnSync('sh', ['-c', 'command -v xdotool'], { stdio: 'ignore' }).status === 0
}

/**
 * Lively X content: scrolling text (find / in a loop), a 24-bit colour plasma and the 256-colour
 * palette (bench/recording/colours.mjs in xterms), xclock ticking, xeyes following a pointer that
 * xdotool moves, and an xlogo window that xdotool drags across the screen. Clients are children
 * of `server`, so its stop() ends them. Resolves once they have had time to map.
 */
export async function startScene(server: RunningServer, o: SceneOptions): Promise<void> {
  const sx = o.width / 1920
  const sy = o.height / 1080
  const geo = (cols: number, rows: number, x: number, y: number): string =>
    `${Math.max(20, Math.round(cols * sx))}x${Math.max(5, Math.round(rows * sy))}+${Math.round(x * sx)}+${Math.round(y * sy)}`
  const px = (w: number, h: number, x: number, y: number): string => `${Math.round(w * sx)}x${Math.round(h * sy)}+${Math.round(x * sx)}+${Math.round(y * sy)}`
  const xterm = (geometry: string, title: string, command: string, colours = ['-bg', '#101828', '-fg', '#d8e0c0']): void => {
    server.spawnClient('xterm', [
      '-geometry',
      geometry,
      '-title',
      title,
      ...colours,
      '-xrm',
      'XTerm*cursorBlink: false',
      '-xrm',
      'XTerm*saveLines: 0',
      '-e',
      'sh',
      '-c',
      command,
    ])
  }
  xterm(geo(150, 44, 0, 0), 'scroll', 'while :; do find / -xdev 2>/dev/null | head -100000; done')
  xterm(geo(150, 28, 920, 0), 'plasma', `exec node ${o.colours} plasma`)
  xterm(geo(150, 20, 0, 610), 'palette', `exec node ${o.colours} palette`)
  server.spawnClient('xclock', ['-geometry', px(300, 300, 980, 420), '-update', '1', '-bg', '#f0e8d0', '-hd', '#802020', '-hl', '#204080'])
  server.spawnClient('xeyes', ['-geometry', px(320, 220, 1340, 420), '-bg', '#c0d8f0'])
  server.spawnClient('xlogo', ['-geometry', px(200, 200, 960, 860), '-title', 'mover', '-bg', '#f8f8f8', '-fg', '#c02040'])
  if (hasXdotool(server)) {
    const left = Math.round(960 * sx)
    const span = Math.round(900 * sx)
    const y = Math.round(860 * sy)
    const script =
      `i=0; while :; do i=$(( (i + ${Math.max(4, Math.round(24 * sx))}) % ${span} )); ` +
      `xdotool search --name '^mover$' windowmove %@ $(( ${left} + i )) ${y} 2>/dev/null; ` +
      `xdotool mousemove $(( ${Math.round(1200 * sx)} + i / 2 )) $(( ${Math.round(300 * sy)} + (i % 200) )); sleep 0.1; done`
    server.spawnClient('sh', ['-c', script])
  }
  await sleep(2000)
}
