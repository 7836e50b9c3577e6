import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// A disk that fills up: once `room` is set, writes take only what is left of it (as write(2) does).
const disk = vi.hoisted(() => ({ room: Infinity }))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const writeSync = ((fd: number, data: Uint8Array | string, ...rest: unknown[]): number => {
    if (typeof data === 'string' || rest.length > 0 || disk.room >= data.length) {
      const n = (fs.writeSync as (...a: unknown[]) => number)(fd, data, ...rest)
      if (typeof data !== 'string' && rest.length === 0) disk.room -= n
      return n
    }
    const n = disk.room
    if (n === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    disk.room = 0
    return fs.writeSync(fd, data.subarray(0, n))
  }) as typeof fs.writeSync
  return { ...fs, default: { ...fs, writeSync }, writeSync }
})

const { SessionRecorder } = await import('../../../src/main/host/session-recorder')
const { parseFbs } = await import('../../../src/main/rfb/record/fbs')
const { replayRecording } = await import('../../../src/main/rfb/record/replay')
const { FramebufferSink } = await import('../../../src/main/rfb/framebuffer')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-recorder-disk-'))
  disk.room = Infinity
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('a recording on a disk that fills up', () => {
  it('ends after its last whole block, so the file still plays, and says why it stopped', async () => {
    const path = join(dir, 'full.fbs')
    const stops: string[] = []
    const rec = new SessionRecorder({ path, width: 4, height: 4, name: 'x', cursor: null, capBytes: 1 << 30, stopped: (r, m) => stops.push(`${r}: ${m}`) })
    rec.sink.fill(0, 0, 4, 4, 0xff0000ff)
    rec.sink.endUpdate()
    // Room for part of the next update only.
    disk.room = 30
    rec.sink.pixels(0, 0, 4, 4, new Uint32Array(16).fill(0xff00ff00))
    rec.sink.endUpdate()
    expect(stops).toEqual([expect.stringMatching(/^disk: the disk took 30 of \d+ bytes/)])
    expect(rec.active).toBe(false)
    const file = readFileSync(path)
    expect(parseFbs(file)).toHaveLength(2)
    const fb = new FramebufferSink(null)
    await replayRecording(file, fb)
    expect([...fb.words]).toEqual(new Array(16).fill(0xff0000ff))
  })
})
