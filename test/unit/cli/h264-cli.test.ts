import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli as run } from '../../helpers/cli-in-process'
import { VideoFlag } from '../../../src/shared/ops'
import { type Script, startH264Server } from '../../helpers/h264-server'

// Annex B bytes are carried, never decoded, outside the renderer: any well-framed bytes do.
const KEY = Uint8Array.from([0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1e, 0, 0, 0, 1, 0x68, 0xce, 0x38, 0x80, 0, 0, 1, 0x65, 0x88, 0x84])
const DELTA = Uint8Array.from([0, 0, 0, 1, 0x41, 0x9a, 0x21])

describe('tessera and Open H.264 outside the app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-h264-cli-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('records H.264 as it comes, and replay says which rects it cannot decode', async () => {
    const script: Script = [
      [
        { kind: 'fill', x: 0, y: 0, w: 64, h: 48, rgb: [0, 0, 255] },
        { kind: 'h264', x: 0, y: 0, w: 32, h: 16, flags: 0, data: KEY },
      ],
      [
        { kind: 'h264', x: 0, y: 0, w: 0, h: 0, flags: VideoFlag.ResetAll, data: new Uint8Array(0) },
        { kind: 'h264', x: 16, y: 16, w: 32, h: 16, flags: 0, data: DELTA },
      ],
    ]
    const server = await startH264Server(64, 48, [script])
    const file = join(dir, 'h264.fbs')
    try {
      const rec = await run(['record', `127.0.0.1::${server.port}`, file, '--encodings', 'h264,raw', '--seconds', '1'])
      expect(rec.err).toEqual([])
      expect(rec.code).toBe(0)
      expect(server.connections[0].encodings.slice(0, 2)).toEqual([50, 0])
    } finally {
      await server.close()
    }
    const r = await run(['replay', file])
    expect(r.code).toBe(0)
    expect(r.out[0]).toMatch(/encodings .*OpenH264/)
    expect(r.out.slice(1)).toEqual([
      "2 Open H.264 rects not decoded (only the app's renderer decodes H.264); their areas keep the picture from before:",
      `  update 1: 32x16+0+0 (context 0, ${KEY.length} bytes)`,
      // After neatvnc's reset-all the ids start again: the new rect is context 0 too.
      `  update 2: 32x16+16+16 (context 0, ${DELTA.length} bytes)`,
    ])
  })

  it('snapshot refuses to announce H.264, which it could not draw', async () => {
    const r = await run(['snapshot', '127.0.0.1::1', join(dir, 'x.png'), '--encodings', 'h264'])
    expect(r.code).toBe(2)
    expect(r.err.join('\n')).toMatch(/h264 is decoded only by the app/)
  })
})
