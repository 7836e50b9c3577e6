#!/usr/bin/env node
// Lively colourful content for recordings, run inside an xterm: `node colours.mjs plasma|palette`.
// plasma: a moving 24-bit colour field (photo-like, smooth gradients) drawn with background-
// coloured spaces; palette: the 256-colour palette in shifting blocks with text over it.
import process from 'node:process'
import { setInterval } from 'node:timers'

const mode = process.argv[2] ?? 'plasma'
const cols = process.stdout.columns || 80
const rows = (process.stdout.rows || 24) - 1
const out = process.stdout
let t = 0

function plasma() {
  let s = '\x1b[H'
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const v = Math.sin(x / 9 + t / 7) + Math.sin(y / 5 - t / 11) + Math.sin((x + y) / 13 + t / 5)
      const r = (128 + 127 * Math.sin(v * 1.7)) | 0
      const g = (128 + 127 * Math.sin(v * 1.7 + 2.1)) | 0
      const b = (128 + 127 * Math.sin(v * 1.7 + 4.2)) | 0
      s += `\x1b[48;2;${r};${g};${b}m `
    }
    s += '\x1b[0m\r\n'
  }
  return s
}

function palette() {
  let s = '\x1b[H'
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x += 4) {
      const c = (x / 4 + y * 7 + t) % 256
      s += `\x1b[48;5;${c}m\x1b[38;5;${(c + 128) % 256}m${String(c).padStart(3)} `
    }
    s += '\x1b[0m\r\n'
  }
  return s
}

out.write('\x1b[?25l\x1b[2J')
setInterval(() => {
  t++
  out.write(mode === 'palette' ? palette() : plasma())
}, 80)
