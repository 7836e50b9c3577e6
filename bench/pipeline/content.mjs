#!/usr/bin/env node
// Full-screen changing content for the pipeline bench, run inside an xterm that covers the whole
// X screen: `node content.mjs FPS [COUNTER_FILE]`. Every frame rewrites every cell: a moving 24-bit colour
// plasma as the background and a scrolling line of text over it, so nearly every pixel of the
// screen changes from one frame to the next (gradients for lossless/JPEG coders, glyph edges for
// the tile coders). Frames are paced to at most FPS and a frame is only written once the pty
// took the previous one, so a slow xterm lowers the rate instead of queueing output. The number
// of frames the pty took so far goes to COUNTER_FILE, so the bench knows the rate really shown.
// `node content.mjs step COUNTER_FILE`: frame 1, 2, 3… one per SIGUSR1 instead of by time (the
// viewers bench snapshots each one, viewers/screen-frames.ts); the script's pid goes to
// COUNTER_FILE.pid first, so the bench can signal it.
import { writeFileSync } from 'node:fs'
import process from 'node:process'
import { setInterval } from 'node:timers'

const step = process.argv[2] === 'step'
const fps = Math.max(1, Number(process.argv[2]) || 30)
const counter = process.argv[3]
let written = 0
const out = process.stdout
const cols = out.columns || 192
// The last row stays empty: writing its last cell would scroll the screen.
const rows = Math.max(1, (out.rows || 54) - 1)
const TEXT = 'Tessera pipeline bench: decode, transfer, paint. The quick brown fox jumps over the lazy dog 0123456789 '
let t = 0
let busy = false

function frame() {
  const parts = ['\x1b[H']
  for (let y = 0; y < rows; y++) {
    // One foreground colour per row, from the 256-colour cube, cycling with time.
    let s = `\x1b[38;5;${16 + ((y * 7 + t) % 216)}m`
    for (let x = 0; x < cols; x++) {
      const v = Math.sin(x / 11 + t / 5) + Math.sin(y / 6 - t / 7) + Math.sin((x + y) / 17 + t / 3)
      const r = (128 + 127 * Math.sin(v * 1.7)) | 0
      const g = (128 + 127 * Math.sin(v * 1.7 + 2.1)) | 0
      const b = (128 + 127 * Math.sin(v * 1.7 + 4.2)) | 0
      s += `\x1b[48;2;${r};${g};${b}m${TEXT[(x + y * 3 + t) % TEXT.length]}`
    }
    parts.push(s, '\x1b[0m\r\n')
  }
  return parts.join('')
}

function next() {
  if (busy) return
  busy = true
  t++
  out.write(frame(), () => {
    busy = false
    written++
    if (counter) writeFileSync(counter, String(written))
  })
}

out.write('\x1b[?25l\x1b[2J')
if (step) {
  process.on('SIGUSR1', next)
  if (counter) writeFileSync(`${counter}.pid`, String(process.pid))
  // Keeps the process alive between signals.
  setInterval(() => {}, 60_000)
} else setInterval(next, 1000 / fps)
