// The stored recordings of issue 17's ways in (test/helpers/record-ways-in.ts made them from real
// servers): each replays through the engine and `tessera replay` to exactly the picture a live
// Raw snapshot of the same screen showed, whose hash manifest.json keeps.
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { decodeImageNode } from '../../../src/main/rfb/images/node-image-decoder'
import { parseFbs } from '../../../src/main/rfb/record/fbs'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import type { WaysInEntry } from '../../helpers/record-ways-in'

const DIR = join(import.meta.dirname, '../../fixtures/recordings/ways-in')
const entries = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as WaysInEntry[]

describe('recordings of the ways in (RSA-AES, ARD, repeater, Unix socket)', () => {
  it('has one for every RSA-AES type, ARD, the repeater and a Unix socket', () => {
    expect(entries.map((e) => e.security).sort()).toEqual(
      ['Apple Remote Desktop', 'RA2', 'RA2_256', 'RA2ne', 'RA2ne_256', 'VNC Authentication', 'VNC Authentication'].sort(),
    )
    expect(entries.map((e) => e.via)).toEqual(expect.arrayContaining([expect.stringMatching(/^UltraVNC repeater mode II/), expect.stringMatching(/^unix:/)]))
  })

  it.each(entries)('$file ($security via $via) replays to the live Raw snapshot', async (e) => {
    const fbs = readFileSync(join(DIR, e.file))
    // What a recording stores after the canonical RFB 3.3 / None start is the session's plain
    // stream: none of the security type's exchange (keys, challenges, the encrypted frames).
    const first = parseFbs(fbs)[0].data
    expect(Buffer.from(first.subarray(0, 16)).toString('latin1')).toBe('RFB 003.003\n\0\0\0\x01')
    const fb = new FramebufferSink(decodeImageNode)
    const r = await replayRecording(fbs, fb)
    expect([fb.width, fb.height]).toEqual([e.width, e.height])
    expect(r.updates).toBe(e.updates)
    expect(new Set(fb.words).size, 'a picture, not a blank screen').toBe(e.colours)
    const sha = createHash('sha256')
      .update(Buffer.from(fb.words.buffer, fb.words.byteOffset, fb.words.byteLength))
      .digest('hex')
    expect(sha, 'replayed picture differs from the live Raw snapshot').toBe(e.rawSha256)
  })

  it.each(entries)('tessera replay $file', async (e) => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ways-in-'))
    try {
      const lines: string[] = []
      const code = await main(
        ['replay', join(DIR, e.file), '--png', join(dir, 'out.png')],
        (l) => lines.push(l),
        (l) => lines.push(l),
      )
      expect(code, lines.join('\n')).toBe(0)
      expect(lines[0]).toContain(`${e.width}x${e.height}, ${e.updates} updates`)
      const png = readFileSync(join(dir, 'out.png'))
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([e.width, e.height])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
