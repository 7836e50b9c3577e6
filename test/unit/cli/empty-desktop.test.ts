import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Bytes } from '../../helpers/bytes'
import { runCli } from '../../helpers/cli-in-process'
import { none38, scriptedServer } from '../../helpers/server-script'

// A 0x0 desktop is allowed by the RFC; a snapshot of it has nothing to take.

const work = mkdtempSync(join(tmpdir(), 'tessera-empty-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('a desktop with no pixels', () => {
  it('tessera snapshot of a 0x0 desktop says so at its first update instead of waiting out its timeout', async () => {
    const srv = await scriptedServer(none38(0, 0), new Bytes().u8(0, 0).u16(0).build())
    try {
      const started = performance.now()
      const run = await runCli(['snapshot', `127.0.0.1::${srv.port}`, join(work, 'zero.png'), '--timeout', '10'])
      expect(run.err).toEqual(["tessera snapshot: the server's desktop is 0x0: there is no picture to take"])
      expect(run.code).not.toBe(0)
      expect(performance.now() - started).toBeLessThan(3000)
    } finally {
      srv.close()
    }
  })
})
