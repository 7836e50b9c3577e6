import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RecordingUploads, UPLOAD_DISK_RESERVE } from '../../../src/main/host/recording-uploads'
import { RecordingsFolder } from '../../../src/main/host/recordings'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-uploads-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const recording = readFileSync(join(__dirname, '../../fixtures/recordings/tigervnc-raw.fbs'))

describe('recording uploads and the disk', () => {
  it('refuses a chunk that would leave less than the reserve free, and keeps nothing of that upload', () => {
    let free = UPLOAD_DISK_RESERVE + 1000
    const uploads = new RecordingUploads(new RecordingsFolder(join(dir, 'R')), () => free)
    expect(uploads.chunk(undefined, { name: 'a.fbs', offset: 0, data: recording.subarray(0, 500), done: false })).toBeNull()
    free -= 500
    expect(() => uploads.chunk(undefined, { name: 'a.fbs', offset: 500, data: recording.subarray(500, 1100), done: false })).toThrow(/would stay free/)
    expect(readdirSync(join(dir, 'R'))).toEqual([])
  })

  it('takes a whole upload while the disk has room', () => {
    const uploads = new RecordingUploads(new RecordingsFolder(join(dir, 'R')), () => 100 * UPLOAD_DISK_RESERVE)
    expect(uploads.chunk(undefined, { name: 'a.fbs', offset: 0, data: recording, done: true })).toEqual({ name: 'a.fbs' })
    expect(readFileSync(join(dir, 'R', 'a.fbs')).equals(recording)).toBe(true)
  })

  it('asks the real file system by default', () => {
    // statfs of the temporary folder: the test only passes where it has a gigabyte free, as the app needs.
    const uploads = new RecordingUploads(new RecordingsFolder(join(dir, 'R')))
    expect(uploads.chunk(undefined, { name: 'b.fbs', offset: 0, data: recording, done: true })).toEqual({ name: 'b.fbs' })
  })
})
