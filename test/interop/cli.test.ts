import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli as run } from '../helpers/cli-in-process'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'

function pngSize(file: string): [number, number] {
  const b = readFileSync(file)
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG')
  return [b.readUInt32BE(16), b.readUInt32BE(20)]
}

// Needs Debian's tigervnc-standalone-server (.ci/run installs it).
describe.skipIf(!serverAvailable('tigervnc'))('tessera commands against TigerVNC', () => {
  let server: RunningServer
  let dir: string
  beforeAll(async () => {
    server = await startServer('tigervnc', { content: 'static', width: 640, height: 480 })
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'))
  })
  afterAll(async () => {
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const target = () => `127.0.0.1::${server.port}`

  it('snapshot writes a PNG of the whole screen', async () => {
    const png = join(dir, 'shot.png')
    const r = await run(['snapshot', target(), png, '--encodings', 'raw'])
    expect(r.err).toEqual([])
    expect(r.code).toBe(0)
    expect(pngSize(png)).toEqual([640, 480])
  })

  it('--depth, --quality and --compress reach the server (probe --trace shows the announcement)', async () => {
    const r = await run(['probe', target(), '--trace', '--depth', '8', '--quality', '4', '--compress', '7', '--encodings', 'tight'])
    expect(r.code).toBe(0)
    const text = r.out.join('\n')
    expect(text).toMatch(/SetPixelFormat 8 bpp/)
    expect(text).toMatch(/SetEncodings Tight, QualityLevel4, CompressLevel7/)
  })

  it('refuses --depth together with --pixel-format', async () => {
    const r = await run(['probe', target(), '--depth', '16', '--pixel-format', 'rgb565'])
    expect(r.code).toBe(2)
  })

  it('probe reports version, security and the desktop', async () => {
    const r = await run(['probe', target()])
    expect(r.code).toBe(0)
    const text = r.out.join('\n')
    expect(text).toContain('RFB 003.008')
    expect(text).toContain('used None')
    expect(text).toMatch(/"tessera-test" 640x480/)
  })

  it('probe --trace prints both directions', async () => {
    const r = await run(['probe', target(), '--trace'])
    const text = r.out.join('\n')
    expect(text).toMatch(/C>S SetEncodings/)
    expect(text).toMatch(/S>C FramebufferUpdate/)
  })

  it('record, then replay to PNG and bench the recording', async () => {
    const fbs = join(dir, 'rec.fbs')
    const rec = await run(['record', target(), fbs, '--seconds', '1', '--encodings', 'raw'])
    expect(rec.err).toEqual([])
    expect(rec.out[0]).toMatch(/updates/)
    expect(readFileSync(fbs).subarray(0, 12).toString('latin1')).toBe('FBS 001.000\n')
    const png = join(dir, 'replayed.png')
    const rep = await run(['replay', fbs, '--png', png])
    expect(rep.code).toBe(0)
    expect(pngSize(png)).toEqual([640, 480])
    const bench = await run(['bench', fbs, '--json', '--runs', '2'])
    expect(bench.code).toBe(0)
    const [result] = JSON.parse(bench.out.join('\n'))
    expect(result.updates).toBeGreaterThan(0)
    expect(result.mpixelsPerSec).toBeGreaterThan(0)
  })
})
