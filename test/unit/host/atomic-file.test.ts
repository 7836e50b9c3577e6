import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../../src/main/host/atomic-file'

// File modes on real files: what the host writes may show a remote screen or hold a password.

let dir: string
const modeOf = (file: string): number => statSync(file).mode & 0o777

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-atomic-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(process.platform === 'win32')('writeFileAtomic file modes', () => {
  it('creates a new file readable by its owner only (0600) by default, whatever the umask allows', async () => {
    const file = join(dir, 'thumb.png')
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]))
    expect(modeOf(file)).toBe(0o600)
    expect([...readFileSync(file)]).toEqual([1, 2, 3])
  })

  it('tightens a file an earlier version left world-readable when it replaces it', async () => {
    const file = join(dir, 'thumb.png')
    writeFileSync(file, 'old')
    chmodSync(file, 0o644)
    await writeFileAtomic(file, 'new')
    expect(modeOf(file)).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe('new')
  })

  it("gives the backup the new mode too, not the old file's", async () => {
    const file = join(dir, 'connections.json')
    writeFileSync(file, 'old')
    chmodSync(file, 0o644)
    await writeFileAtomic(file, 'new', { backup: true })
    expect(modeOf(`${file}.bak`)).toBe(0o600)
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('old')
  })

  it('creates a missing directory for the owner only (0700)', async () => {
    const sub = join(dir, 'thumbnails')
    await writeFileAtomic(join(sub, 'a.png'), 'x')
    expect(modeOf(sub)).toBe(0o700)
  })

  it('uses an explicit mode when one is asked for', async () => {
    const file = join(dir, 'public.txt')
    await writeFileAtomic(file, 'x', { mode: 0o640 })
    expect(modeOf(file)).toBe(0o640)
  })
})
