import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { runCli as run } from '../../helpers/cli-in-process'
import { parseArgs } from '../../../src/main/cli/args'
import { CONNECT_OPTIONS, tuningArgs } from '../../../src/main/cli/session-options'
import { Bytes } from '../../helpers/bytes'
import { none38 } from '../../helpers/server-script'

const tuning = (...argv: string[]) => tuningArgs(parseArgs(argv, CONNECT_OPTIONS, []))

describe('--fine-quality and --subsampling', () => {
  it('parse into the engine options, alone or with --quality (auto too)', () => {
    expect(tuning('--fine-quality', '85')).toMatchObject({ fineQuality: 85 })
    expect(tuning('--fine-quality', '85').subsampling).toBeUndefined()
    expect(tuning('--fine-quality=0', '--subsampling', 'gray')).toMatchObject({ fineQuality: 0, subsampling: 'gray' })
    expect(tuning('--quality', '6', '--subsampling', '4x')).toMatchObject({ quality: 6, subsampling: '4x' })
    expect(tuning('--quality', 'auto', '--fine-quality', '100', '--subsampling', 'none')).toMatchObject({
      autoSelect: true,
      fineQuality: 100,
      subsampling: 'none',
    })
    for (const s of ['none', '2x', '4x', '8x', '16x', 'gray']) expect(tuning('--quality', '1', '--subsampling', s).subsampling).toBe(s)
    expect([tuning().fineQuality, tuning().subsampling]).toEqual([undefined, undefined])
  })

  it('refuses bad values with exit code 2 and one line saying what is allowed', async () => {
    const cases: [string[], string][] = [
      [['--fine-quality', '101'], '--fine-quality must be a number from 0 to 100'],
      [['--fine-quality', '-1'], '--fine-quality must be a number from 0 to 100'],
      [['--fine-quality', 'high'], '--fine-quality must be a number from 0 to 100'],
      [['--fine-quality', '50.5'], '--fine-quality must be a whole number from 0 to 100'],
      [['--quality', '5', '--subsampling', '420'], 'unknown subsampling "420" (known: none, 2x, 4x, 8x, 16x, gray)'],
      [['--subsampling', 'gray'], '--subsampling applies to JPEG: give --quality or --fine-quality too'],
    ]
    for (const [extra, message] of cases) {
      const r = await run(['probe', '127.0.0.1::1', ...extra])
      expect(r.code, extra.join(' ')).toBe(2)
      expect(r.err, extra.join(' ')).toEqual([`tessera probe: ${message}`])
    }
  })

  it("are documented in the connecting commands' help", async () => {
    const usage = (await run(['snapshot', '--help'])).out.join('\n')
    expect(usage).toContain('--fine-quality 0-100')
    expect(usage).toContain('--subsampling none|2x|4x|8x|16x|gray')
  })

  it('reach the server in SetEncodings (probe --trace shows the announcement)', async () => {
    // A None server that sends one empty update a moment after ServerInit, which ends probe's trace.
    const server = createServer((sock) => {
      sock.on('error', () => {})
      sock.write(none38(4, 3))
      setTimeout(() => sock.write(new Bytes().u8(0, 0).u16(0).build()), 200)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    try {
      const r = await run([
        'probe',
        `127.0.0.1::${port}`,
        '--trace',
        '--encodings',
        'tight',
        '--fine-quality',
        '90',
        '--subsampling',
        'gray',
        '--compress',
        '1',
      ])
      expect(r.err).toEqual([])
      expect(r.code).toBe(0)
      expect(r.out.join('\n')).toMatch(/SetEncodings Tight, QualityLevel7, FineQuality90, SubsampleGray, CompressLevel1,/)
    } finally {
      server.close()
    }
  })
})
