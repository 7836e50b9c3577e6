import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Bytes } from '../../helpers/bytes'
import { runCli } from '../../helpers/cli-in-process'
import { none38, scriptedServer } from '../../helpers/server-script'

// A server's words reach the terminal through `tessera` (its desktop name, its refusal reason):
// an escape sequence in them could retitle the window, clear the screen or worse, and a line
// break could forge a line of output ("server id: verified"). They are printed escaped.

const work = mkdtempSync(join(tmpdir(), 'tessera-escapes-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\u202eevil\nserver id:  verified by a certificate authority'
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/

describe('server text printed by tessera', () => {
  it('a desktop name with escape sequences and a line break is printed escaped, on one line', async () => {
    const update = new Bytes().u8(0, 0).u16(1).u16(0, 0, 4, 3).s32(0).bytes(new Uint8Array(48)).build()
    const srv = await scriptedServer(none38(4, 3, HOSTILE), update)
    try {
      const run = await runCli(['snapshot', `127.0.0.1::${srv.port}`, join(work, 'out.png'), '--timeout', '5'])
      expect(run.code).toBe(0)
      expect(run.out).toHaveLength(1)
      expect(run.out[0]).not.toMatch(CONTROLS)
      expect(run.out[0]).not.toContain('\n')
      expect(run.out[0]).toContain('from "\\u001b]0;pwned\\u0007\\u001b[2J\\u202eevil\\u000aserver id:')
    } finally {
      srv.close()
    }
  })

  it('a refusal reason with escape sequences is one error line, escaped', async () => {
    const reason = Buffer.from(HOSTILE, 'utf8')
    const srv = await scriptedServer(new Bytes().text('RFB 003.008\n').u8(0).u32(reason.length).bytes(reason).build(), new Uint8Array(0))
    try {
      const run = await runCli(['probe', `127.0.0.1::${srv.port}`, '--timeout', '5'])
      expect(run.code).not.toBe(0)
      expect(run.err).toHaveLength(1)
      expect(run.err[0]).not.toMatch(CONTROLS)
      expect(run.err[0]).not.toContain('\n')
      expect(run.err[0]).toMatch(/^tessera probe: the server refused the connection \(it said “\\u001b\]0;pwned/)
    } finally {
      srv.close()
    }
  })
})
