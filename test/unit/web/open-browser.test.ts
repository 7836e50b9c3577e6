import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { launchPage, openInBrowser } from '../../../src/main/cli/open-browser'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-opener-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const SECRET_URL = 'http://127.0.0.1:4321/#code=Secret-Code_0123456789'

describe('openInBrowser', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`keeps the launch code off the opener's command line (${platform})`, async () => {
      const spawned: Array<[string, string[]]> = []
      const file = await openInBrowser(SECRET_URL, { spawn: (c, a) => spawned.push([c, a]), platform, tempDir: dir })
      expect(spawned).toHaveLength(1)
      const [command, args] = spawned[0]
      expect([command, ...args].join(' ')).not.toContain('Secret-Code')
      expect(args[args.length - 1]).toBe(file.path)
      expect(command).toBe({ linux: 'xdg-open', darwin: 'open', win32: 'cmd' }[platform])
      // The page that does hold it: readable by this user only, in a folder only this user can list.
      expect(readFileSync(file.path, 'utf8')).toContain(`url=${SECRET_URL}`)
      if (process.platform !== 'win32') {
        expect(statSync(file.path).mode & 0o777).toBe(0o600)
        expect(statSync(dirname(file.path)).mode & 0o777).toBe(0o700)
      }
      await file.remove()
      expect(() => statSync(dirname(file.path))).toThrow()
    })
  }

  it('escapes the address inside the page', () => {
    const page = launchPage('http://x/#a="b"&<c>')
    expect(page).toContain('url=http://x/#a=&quot;b&quot;&amp;&lt;c&gt;"')
    expect(page).toContain('<meta name="referrer" content="no-referrer">')
  })
})
