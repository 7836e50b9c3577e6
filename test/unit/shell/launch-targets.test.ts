import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { openLaunchTarget } from '../../../src/main/shell/launch-targets'
import type { ConnectionProfile } from '../../../src/shared/profile'
import { FakeClient } from '../host/fake-client'
import { MiniServer } from '../host/mini-server'

/** The window the targets are opened for. */
const WINDOW = new FakeClient('window 3')

let dir: string
let host: Host
let vnc: MiniServer

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-launch-'))
  host = (await createHost({ dataDir: join(dir, 'data'), decodeImage: null, log: () => {} })).host
  vnc = await new MiniServer().start()
})

afterEach(async () => {
  await host.shutdown()
  await vnc.stop()
  rmSync(dir, { recursive: true, force: true })
})

const connected = (id: string): Promise<void> => new Promise((resolve) => {
  host.on('session.state', (p) => {
    if (p.sessionId === id && p.state === 'connected') resolve()
  })
})

describe('openLaunchTarget', () => {
  it('opens a vnc:// URL for the window that will show it', async () => {
    const id = await openLaunchTarget(host, { kind: 'url', url: `vnc://127.0.0.1:${vnc.port}` }, WINDOW)
    expect(host.ownerOf(id)).toBe(WINDOW)
    await connected(id)
  })

  it('imports a .vnc file into the address book and opens it with its options', async () => {
    const file = join(dir, 'Build box.vnc')
    writeFileSync(file, `TigerVNC Configuration file Version 1.0\nServerName=127.0.0.1::${vnc.port}\nViewOnly=1\n`)
    const id = await openLaunchTarget(host, { kind: 'file', path: file }, WINDOW)
    await connected(id)
    const profiles = (await host.handle('profiles.list', undefined)) as ConnectionProfile[]
    expect(profiles).toHaveLength(1)
    expect(profiles[0]).toMatchObject({ name: 'Build box', viewOnly: true, port: vnc.port })
    // Opening it again reuses the entry.
    await openLaunchTarget(host, { kind: 'file', path: file }, WINDOW)
    expect(await host.handle('profiles.list', undefined)).toHaveLength(1)
  })

  it('refuses what is not a .vnc file', async () => {
    await expect(openLaunchTarget(host, { kind: 'file', path: dir }, WINDOW)).rejects.toThrow('not a .vnc file')
    await expect(openLaunchTarget(host, { kind: 'url', url: 'vnc://bad host' }, WINDOW)).rejects.toMatchObject({ error: { code: 'HOST_BAD_ADDRESS' } })
  })
})
