/**
 * Real screen frames for the viewers bench's Tight streams: an Xtigervnc (test/helpers/vnc-servers.ts)
 * showing the pipeline bench's content (a full-screen xterm running pipeline/content.mjs: a 24-bit
 * colour plasma behind a line of text in every row), stepped one frame at a time and snapshotted
 * whole with Raw after each step. The content is a function of the frame number only, so the
 * same fonts give the same frames on every run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { startServer } from '../../test/helpers/vnc-servers'
import { startContentXterm } from '../pipeline/content-xterm'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await sleep(50)) if (Date.now() > end) throw new Error(`screen frames: ${what} within ${ms / 1000} s`)
}

/** `count` RGBA frames (R,G,B,255 per pixel) of the plasma content at `width`x`height`, frames 1..count. */
export async function captureScreenFrames(root: string, width: number, height: number, count: number): Promise<Uint8Array[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-screen-frames-'))
  const counter = join(dir, 'frames')
  const server = await startServer('tigervnc', { width, height })
  try {
    const xterm = startContentXterm(server, width, height, join(root, 'bench/pipeline/content.mjs'), ['step', counter])
    await until('the content script to start', () => existsSync(`${counter}.pid`) || xterm.exitCode !== null)
    if (xterm.exitCode !== null) throw new Error(`screen frames: the content xterm exited (${xterm.exitCode})`)
    const pid = Number(readFileSync(`${counter}.pid`, 'utf8'))
    const frames: Uint8Array[] = []
    for (let i = 1; i <= count; i++) {
      process.kill(pid, 'SIGUSR1')
      await until(`frame ${i} to be written`, () => existsSync(counter) && Number(readFileSync(counter, 'utf8')) >= i)
      // The pty took the frame; xterm draws it a moment later. Two equal snapshots: it is done.
      let last: Uint8Array | null = null
      for (let k = 0; ; k++) {
        await sleep(400)
        const snap = await takeSnapshot({ host: server.host, port: server.port }, { encodings: [0] })
        const data = snap.framebuffer.data.slice(0, width * height * 4)
        if (last && Buffer.compare(last, data) === 0) {
          frames.push(data)
          break
        }
        if (k > 20) throw new Error(`screen frames: frame ${i} never stopped changing`)
        last = data
      }
    }
    return frames
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
