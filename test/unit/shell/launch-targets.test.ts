import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHost } from '../../../src/main/host/create-host'
import type { Host } from '../../../src/main/host/host'
import { type ConfirmUnknownServer, isSavedServer, openLaunchTarget } from '../../../src/main/shell/launch-targets'
import { type ConnectionProfile, newProfile } from '../../../src/shared/profile'
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

const connected = (id: string): Promise<void> =>
  new Promise((resolve) => {
    host.on('session.state', (p) => {
      if (p.sessionId === id && p.state === 'connected') resolve()
    })
  })

/** A person who answers every "connect to this unknown server?" with `answer`, and remembers the questions. */
function person(answer: boolean): ConfirmUnknownServer & { asked: string[] } {
  const asked: string[] = []
  return Object.assign(
    async (server: string) => {
      asked.push(server)
      return answer
    },
    { asked },
  )
}

const saveProfile = async (port: number): Promise<void> => {
  await host.handle('profiles.save', newProfile({ id: 'saved-one', host: '127.0.0.1', port, name: 'Saved' }))
}

describe('openLaunchTarget', () => {
  it('opens a vnc:// URL for the window that will show it, once the person agreed to the unknown server', async () => {
    const yes = person(true)
    const id = await openLaunchTarget(host, { kind: 'url', url: `vnc://127.0.0.1:${vnc.port}` }, WINDOW, yes)
    expect(yes.asked).toEqual([`127.0.0.1::${vnc.port}`])
    expect(host.ownerOf(id!)).toBe(WINDOW)
    await connected(id!)
  })

  it('does not connect a vnc:// URL to an unknown server the person declined', async () => {
    const no = person(false)
    expect(await openLaunchTarget(host, { kind: 'url', url: `vnc://someone@127.0.0.1:${vnc.port}` }, WINDOW, no)).toBeNull()
    expect(no.asked).toEqual([`127.0.0.1::${vnc.port}`])
    expect(host.sessionIds()).toEqual([])
    expect(vnc.connections).toBe(0)
  })

  it('connects a vnc:// URL to a server in the address book without asking', async () => {
    await saveProfile(vnc.port)
    const no = person(false)
    const id = await openLaunchTarget(host, { kind: 'url', url: `VNC://127.0.0.1:${vnc.port}` }, WINDOW, no)
    expect(no.asked).toEqual([])
    await connected(id!)
  })

  it('imports a .vnc file into the address book and opens it with its options, once the person agreed', async () => {
    const file = join(dir, 'Build box.vnc')
    writeFileSync(file, `TigerVNC Configuration file Version 1.0\nServerName=127.0.0.1::${vnc.port}\nViewOnly=1\n`)
    const yes = person(true)
    const id = await openLaunchTarget(host, { kind: 'file', path: file }, WINDOW, yes)
    expect(yes.asked).toEqual([`127.0.0.1::${vnc.port}`])
    await connected(id!)
    const profiles = (await host.handle('profiles.list', undefined)) as ConnectionProfile[]
    expect(profiles).toHaveLength(1)
    expect(profiles[0]).toMatchObject({ name: 'Build box', viewOnly: true, port: vnc.port })
    // Opening it again reuses the entry, and the server is known now: no question.
    await openLaunchTarget(host, { kind: 'file', path: file }, WINDOW, yes)
    expect(await host.handle('profiles.list', undefined)).toHaveLength(1)
    expect(yes.asked).toHaveLength(1)
  })

  it('neither imports nor connects a .vnc file for an unknown server the person declined', async () => {
    const file = join(dir, 'Invoice.vnc')
    writeFileSync(file, `[connection]\nhost=127.0.0.1\nport=${vnc.port}\n`)
    const no = person(false)
    expect(await openLaunchTarget(host, { kind: 'file', path: file }, WINDOW, no)).toBeNull()
    expect(no.asked).toEqual([`127.0.0.1::${vnc.port}`])
    expect(await host.handle('profiles.list', undefined)).toEqual([])
    expect(vnc.connections).toBe(0)
  })

  it('refuses what is not a .vnc file or not an address, without asking', async () => {
    const no = person(false)
    await expect(openLaunchTarget(host, { kind: 'file', path: dir }, WINDOW, no)).rejects.toThrow('not a .vnc file')
    await expect(openLaunchTarget(host, { kind: 'url', url: 'vnc://bad host' }, WINDOW, no)).rejects.toMatchObject({ error: { code: 'HOST_BAD_ADDRESS' } })
    expect(no.asked).toEqual([])
  })
})

describe('isSavedServer', () => {
  const saved = [newProfile({ id: 'a', host: 'Lab.example', port: 5901, name: 'Lab' })]
  it('matches host case-insensitively and the port exactly', () => {
    expect(isSavedServer(saved, { host: 'lab.EXAMPLE', port: 5901 })).toBe(true)
    expect(isSavedServer(saved, { host: 'lab.example', port: 5900 })).toBe(false)
    expect(isSavedServer(saved, { host: 'lab.example.evil', port: 5901 })).toBe(false)
    expect(isSavedServer([], { host: 'lab.example', port: 5901 })).toBe(false)
  })
})
