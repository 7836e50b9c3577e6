import { describe, expect, it } from 'vitest'
import { decodeDrives, decodeFindData, echoes, encodePath, fileTimeToMs, ultraDate } from '../../../../src/main/rfb/file-transfer/ultra-entries'
import { isPlainRemoteName } from '../../../../src/main/rfb/file-transfer/remote-names'
import { findData, utf8 } from '../../../helpers/ultra-file-transfer'

describe('UltraVNC directory entries (WIN32_FIND_DATA)', () => {
  it('reads a file entry as libvncserver sends it: name after 44 bytes, Unix seconds as the write time', () => {
    expect(decodeFindData(findData('notes.txt', { size: 1234, mtimeLow: 1_700_000_000 }))).toEqual({
      name: 'notes.txt',
      kind: 'file',
      size: 1234,
      modified: 1_700_000_000_000,
    })
  })

  it('reads a folder (attribute 0x10) with size 0 whatever the size field says', () => {
    expect(decodeFindData(findData('sub', { folder: true, size: 4096 }))).toMatchObject({ name: 'sub', kind: 'folder', size: 0 })
  })

  it('joins the size halves, and leaves out an entry beyond Number.MAX_SAFE_INTEGER', () => {
    expect(decodeFindData(findData('big', { size: 5, sizeHigh: 2 }))?.size).toBe(2 * 2 ** 32 + 5)
    expect(decodeFindData(findData('huge', { size: 0, sizeHigh: 0x200000 }))).toBeNull()
    expect(decodeFindData(findData('max', { size: 0xffffffff, sizeHigh: 0x1fffff }))?.size).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('reads a real Windows FILETIME (100 ns since 1601) when the high half is set', () => {
    // 2020-01-01T00:00:00Z = 132223104000000000 in FILETIME.
    const ft = 132223104000000000n
    const low = Number(ft & 0xffffffffn)
    const high = Number(ft >> 32n)
    expect(decodeFindData(findData('w', { mtimeLow: low, mtimeHigh: high }))?.modified).toBe(Date.UTC(2020, 0, 1))
    expect(fileTimeToMs(0, 0)).toBeNull()
    expect(fileTimeToMs(0xffffffff, 0xffffffff)).toBeNull()
  })

  it('stops the name at its first NUL (UltraVNC may send the whole 260-byte field)', () => {
    const name = new Uint8Array(260 + 14)
    name.set(utf8('short.txt'))
    name.set(utf8('junk'), 200)
    expect(decodeFindData(findData(name))?.name).toBe('short.txt')
  })

  it('decodes UTF-8 names, and Latin-1 when they are not UTF-8', () => {
    expect(decodeFindData(findData('grüße ✓.txt'))?.name).toBe('grüße ✓.txt')
    expect(decodeFindData(findData([0x63, 0x61, 0x66, 0xe9]))?.name).toBe('café')
  })

  it.each([
    ['.', '.'],
    ['..', '..'],
    ['a slash', '../etc/passwd'],
    ['a forward slash inside', 'a/b'],
    ['a backslash', '..\\..\\boot.ini'],
    ['a control character', 'bad\x1bname'],
    ['a DEL', 'bad\x7f'],
    ['nothing', ''],
    ['256 characters', 'x'.repeat(256)],
  ])('leaves out a name with %s', (_what, name) => {
    expect(decodeFindData(findData(name))).toBeNull()
  })

  it('takes names of 255 characters, spaces and dots inside', () => {
    expect(isPlainRemoteName('x'.repeat(255))).toBe(true)
    expect(isPlainRemoteName('.bashrc')).toBe(true)
    expect(isPlainRemoteName('a b.tar.gz')).toBe(true)
  })
})

describe('UltraVNC drives list', () => {
  it('turns "C:l\\0D:c\\0\\0" into C:\\ and D:\\', () => {
    expect(decodeDrives(Uint8Array.from([0x43, 0x3a, 0x6c, 0, 0x44, 0x3a, 0x63, 0, 0]))).toEqual(['C:\\', 'D:\\'])
  })

  it('ignores what is not a drive and repeats', () => {
    expect(decodeDrives(utf8('C:l\0../x\0c:l\0\0'))).toEqual(['C:\\'])
    expect(decodeDrives(new Uint8Array(0))).toEqual([])
  })
})

describe('paths sent to an UltraVNC server', () => {
  it('are UTF-8 of at most 259 bytes', () => {
    expect(Array.from(encodePath('C:\\tmp\\é'))).toEqual(Array.from(utf8('C:\\tmp\\é')))
    expect(encodePath('C:\\' + 'x'.repeat(256)).length).toBe(259)
    expect(() => encodePath('C:\\' + 'x'.repeat(257))).toThrow(/260 bytes long; UltraVNC file transfer takes at most 259/)
  })

  it('never hold a NUL (the server reads C strings), nor a rename separator where it matters', () => {
    expect(() => encodePath('C:\\a\0b')).toThrow(/NUL/)
    expect(() => encodePath('')).toThrow(/empty/)
    expect(() => encodePath('C:\\a*b', '*')).toThrow(/containing “\*”/)
  })

  it('are matched in the echoes the server sends back, up to a given end', () => {
    const sent = utf8('C:\\x')
    expect(echoes(utf8('C:\\x'), sent)).toBe(true)
    expect(echoes(utf8('C:\\x,12/07/2026 08:00'), sent, [0x2c])).toBe(true)
    expect(echoes(utf8('C:\\xy'), sent, [0x2c])).toBe(false)
    expect(echoes(utf8('C:\\'), sent)).toBe(false)
  })

  it('carry dates as UltraVNC writes them (MM/DD/YYYY HH:MM, UTC)', () => {
    expect(ultraDate(Date.UTC(2026, 11, 7, 8, 5))).toBe('12/07/2026 08:05')
    expect(ultraDate(Number.NaN)).toBe('01/01/1970 00:00')
  })
})
