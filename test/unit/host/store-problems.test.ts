import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DATA_FILES, createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import type { HostRequests } from '../../../src/shared/contract'

type Report = HostRequests['profiles.problems'][1]

// The window hears what went wrong with the data files at start, with where the originals were kept.

let dir: string
let host: Host | null = null

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-problems-'))
})
afterEach(async () => {
  await host?.shutdown()
  host = null
  rmSync(dir, { recursive: true, force: true })
})

async function start(): Promise<Host> {
  host = (await createHost({ dataDir: dir, keychain: null, decodeImage: null, log: () => {}, timings: { thumbnailDelayMs: 60_000 } })).host
  return host
}

describe('profiles.problems', () => {
  it('is empty for a healthy (or new) data folder, and names the folder', async () => {
    expect(await (await start()).handle('profiles.problems', undefined)).toEqual({ folder: dir, problems: [] })
  })

  it('names both set-aside files when the address book and its backup are damaged, and keeps their bytes', async () => {
    writeFileSync(join(dir, 'connections.json'), '{ not json')
    writeFileSync(join(dir, 'connections.json.bak'), 'also not json')
    const { folder, problems } = (await (await start()).handle('profiles.problems', undefined)) as Report
    expect(folder).toBe(dir)
    expect(problems.map((p) => p.code)).toEqual(['STORE_CORRUPT', 'STORE_CORRUPT'])
    const [main, backup] = problems.map((p) => p.keptAt!)
    expect(main).toMatch(/connections\.json\.corrupt-\d+$/)
    expect(backup).toMatch(/connections\.json\.bak\.corrupt-\d+$/)
    expect(readFileSync(main, 'utf8')).toBe('{ not json')
    expect(readFileSync(backup, 'utf8')).toBe('also not json')
  })

  it('counts connections restored from the backup and passwords that could not be read', async () => {
    writeFileSync(join(dir, 'connections.json'), 'garbage')
    writeFileSync(join(dir, 'connections.json.bak'), JSON.stringify({ schemaVersion: 1, profiles: [] }))
    writeFileSync(join(dir, DATA_FILES.secrets), JSON.stringify({ version: 1, secrets: { a: 'pw', b: 7, c: [] } }))
    const { problems } = (await (await start()).handle('profiles.problems', undefined)) as Report
    expect(problems.map((p) => [p.code, p.count])).toEqual([
      ['STORE_CORRUPT', undefined],
      ['STORE_RESTORED', 0],
      ['SECRETS_CORRUPT', 2],
    ])
  })
})
