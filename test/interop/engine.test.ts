import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { connectRfb } from '../../src/main/rfb/connect'
import { AuthFailedError } from '../../src/main/rfb/errors'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { PIXEL_FORMATS } from '../../src/main/rfb/pixel-format'
import { FbsRecorder } from '../../src/main/rfb/record/recorder'
import { replayRecording } from '../../src/main/rfb/record/replay'
import { differenceBeyondPrecision, distinctColours, firstDifference } from '../helpers/compare'
import { type RunningServer, type ServerKind, serverAvailable, startServer } from '../helpers/vnc-servers'

const RAW = [0]
const KINDS: ServerKind[] = ['tigervnc', 'x11vnc', 'tightvnc', 'qemu']
const PASSWORD = 'tessera1'

const target = (s: RunningServer) => ({ host: s.host, port: s.port })

for (const kind of KINDS) {
  // Each kind needs its Debian package (docs/servers.md); .ci/run installs all of them.
  describe.skipIf(!serverAvailable(kind))(`engine against ${kind}`, () => {
    let server: RunningServer
    let work: string

    beforeAll(async () => {
      server = await startServer(kind, { content: 'static' })
      work = mkdtempSync(join(tmpdir(), `tessera-${kind}-`))
      if (kind === 'qemu') await new Promise((r) => setTimeout(r, 1500)) // let SeaBIOS draw its screen
    })
    afterAll(async () => {
      await server?.stop()
      if (work) rmSync(work, { recursive: true, force: true })
    })

    it('connects with security None and reads ServerInit', async () => {
      const snap = await takeSnapshot(target(server), { encodings: RAW })
      // TightVNC also offers Tight security (16), which wraps None and is preferred (security/policy.ts).
      expect(snap.info.securityType).toBe(kind === 'tightvnc' ? 16 : 1)
      expect(snap.info.securityName).toBe(kind === 'tightvnc' ? 'Tight (None)' : 'None')
      expect(snap.info.serverVersion).toBe('RFB 003.008')
      const expected = kind === 'qemu' ? [720, 400] : [800, 600]
      expect([snap.framebuffer.width, snap.framebuffer.height]).toEqual(expected)
      expect(distinctColours(snap.framebuffer)).toBeGreaterThan(1)
    })

    it('Raw snapshots of a static screen are identical pixel for pixel', async () => {
      const a = await takeSnapshot(target(server), { encodings: RAW })
      await new Promise((r) => setTimeout(r, 300))
      const b = await takeSnapshot(target(server), { encodings: RAW })
      expect(firstDifference(a.framebuffer, b.framebuffer)).toBeNull()
    })

    it.each(['rgb565', 'bgr233'] as const)('%s decodes to the 32 bpp picture within its precision', async (name) => {
      const reference = await takeSnapshot(target(server), { encodings: RAW })
      const reduced = await takeSnapshot(target(server), { encodings: RAW, pixelFormat: name })
      expect(differenceBeyondPrecision(reference.framebuffer, reduced.framebuffer, PIXEL_FORMATS[name])).toBeNull()
    })

    it('a recording replays to the same pixels as the live session', async () => {
      const file = join(work, 'session.fbs')
      const recorder = new FbsRecorder(file)
      const live = new FramebufferSink()
      let updates = 0
      const { client, info } = await connectRfb(target(server), {
        sink: live,
        encodings: RAW,
        tap: (c) => recorder.tap(c),
        autoUpdate: false,
      })
      recorder.connected(info)
      // A static screen sends nothing incremental: ask for it whole three times.
      await new Promise<void>((resolve) =>
        client.on('update', () => {
          if (++updates === 3) resolve()
          else client.requestUpdate(false)
        }),
      )
      client.close()
      recorder.close()
      const replayed = new FramebufferSink()
      // The tap records whole socket chunks: a server that sent more after the third update (QEMU's
      // guest may change video mode while booting) leaves part of a later message at the end.
      const r = await replayRecording(readFileSync(file), replayed, { maxUpdates: updates })
      expect(r.updates).toBe(updates)
      expect(firstDifference(live, replayed)).toBeNull()
    })
  })

  describe.skipIf(!serverAvailable(kind))(`VNC authentication against ${kind}`, () => {
    let server: RunningServer
    beforeAll(async () => {
      server = await startServer(kind, { password: PASSWORD })
    })
    afterAll(async () => {
      await server?.stop()
    })

    it('connects with the right password', async () => {
      const snap = await takeSnapshot(target(server), { encodings: RAW, credentials: async () => ({ password: PASSWORD }) })
      expect(snap.info.securityType).toBe(kind === 'tightvnc' ? 16 : 2)
      expect(snap.info.securityName).toBe(kind === 'tightvnc' ? 'Tight (VNC Authentication)' : 'VNC Authentication')
      expect(snap.framebuffer.width).toBeGreaterThan(0)
    })

    it('a wrong password gives AuthFailed with the server reason', async () => {
      const err = await takeSnapshot(target(server), { encodings: RAW, credentials: async () => ({ password: 'wrong' }) }).then(
        () => null,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(AuthFailedError)
      // Every one of these servers speaks 3.8 and so sends a reason; it must reach the user as sent.
      expect((err as AuthFailedError).reason.length).toBeGreaterThan(0)
      expect((err as AuthFailedError).reason).not.toContain('\0')
    })
  })
}
