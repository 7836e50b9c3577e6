import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { showDataFile } from '../../../src/main/shell/show-data-file'

describe('showDataFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-show-'))
  afterEach(() => rmSync(join(dir, 'connections.json.corrupt-1'), { force: true }))

  it('reveals a file of the data folder by its name, and says when it is gone', () => {
    writeFileSync(join(dir, 'connections.json.corrupt-1'), 'x')
    const shown: string[] = []
    expect(showDataFile(dir, 'connections.json.corrupt-1', (p) => shown.push(p))).toBe(true)
    expect(shown).toEqual([join(dir, 'connections.json.corrupt-1')])
    expect(showDataFile(dir, 'connections.json.corrupt-2', (p) => shown.push(p))).toBe(false)
    expect(shown).toHaveLength(1)
  })

  it('refuses anything but a plain name, before looking at the disk', () => {
    for (const bad of ['', '../secrets.json', '/etc/passwd', 'sub/file', '.', '..', '.hidden']) {
      expect(
        () =>
          showDataFile(
            dir,
            bad,
            () => expect.unreachable(),
            () => expect.unreachable(),
          ),
        bad,
      ).toThrow(/not a file name/)
    }
  })
})
