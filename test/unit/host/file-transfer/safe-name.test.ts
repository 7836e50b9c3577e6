import { describe, expect, it } from 'vitest'
import { checkRelativePath, numberedName, printable, unsafeNameReason } from '../../../../src/main/host/file-transfer/safe-name'
import { remoteBaseName, remoteJoin, remoteParent } from '../../../../src/shared/remote-path'

describe('names from the server before they touch the disk', () => {
  it.each([
    ['', 'it is empty'],
    ['.', 'it names a folder above or itself'],
    ['..', 'it names a folder above or itself'],
    ['../../x', 'it holds a path separator'],
    ['/etc/passwd', 'it holds a path separator'],
    ['a\\b', 'it holds a path separator'],
    ['..\\..\\x', 'it holds a path separator'],
    ['a\0b', 'it holds control characters'],
    ['line\nbreak', 'it holds control characters'],
    ['del\u007f', 'it holds control characters'],
    ['c1\u0085', 'it holds control characters'],
    ['gpj\u202e.exe', 'it holds control characters'],
    ['x'.repeat(256), 'it is longer than 255 bytes'],
    ['é'.repeat(128), 'it is longer than 255 bytes'],
  ])('refuses %j: %s', (name, reason) => {
    expect(unsafeNameReason(name, 'linux')).toBe(reason)
    expect(unsafeNameReason(name, 'win32')).toBe(reason)
  })

  it.each([
    ['con', 'it is a device name on Windows'],
    ['CON.txt', 'it is a device name on Windows'],
    ['lpt1', 'it is a device name on Windows'],
    ['com9.log', 'it is a device name on Windows'],
    ['nul', 'it is a device name on Windows'],
    ['a:b', 'it holds a character Windows does not allow'],
    ['what?', 'it holds a character Windows does not allow'],
    ['trailing.', 'it ends in a dot or a space'],
    ['trailing ', 'it ends in a dot or a space'],
  ])('refuses %j on Windows (%s), where it would open a device or land elsewhere', (name, reason) => {
    expect(unsafeNameReason(name, 'win32')).toBe(reason)
  })

  it('takes ordinary names, Unicode and 255-byte ones', () => {
    for (const name of ['report.pdf', '.bashrc', 'aux.c', 'a b c', '日本語.txt', 'x'.repeat(255), 'console']) expect(unsafeNameReason(name, 'linux')).toBeNull()
    expect(unsafeNameReason('console.log', 'win32')).toBeNull()
  })

  it('checks every part of a dropped folder path, and its depth', () => {
    expect(checkRelativePath('photos/2026/a.jpg', 32, 'linux')).toEqual(['photos', '2026', 'a.jpg'])
    expect(() => checkRelativePath('photos/../../x', 32, 'linux')).toThrow(/names a folder above/)
    expect(() => checkRelativePath('/abs', 32, 'linux')).toThrow(/empty/)
    expect(() => checkRelativePath('a/b/c', 2, 'linux')).toThrow(/more than 2 folders deep/)
  })

  it('numbers copies before the extension', () => {
    expect(numberedName('a.txt', 2)).toBe('a (2).txt')
    expect(numberedName('archive.tar.gz', 3)).toBe('archive.tar (3).gz')
    expect(numberedName('.bashrc', 2)).toBe('.bashrc (2)')
    expect(numberedName('README', 2)).toBe('README (2)')
  })

  it('shows a refused name without its control characters', () => {
    expect(printable('a\0b\u202e')).toBe('a\\u0000b\\u202e')
    expect(printable('y'.repeat(100))).toHaveLength(81)
  })
})

describe('remote paths', () => {
  it('joins and splits in the server’s separator', () => {
    expect(remoteJoin('/', 'x', '/')).toBe('/x')
    expect(remoteJoin('/home/u', 'x', '/')).toBe('/home/u/x')
    expect(remoteJoin('C:\\', 'x', '\\')).toBe('C:\\x')
    expect(remoteJoin('C:\\Users', 'x', '\\')).toBe('C:\\Users\\x')
    expect(remoteParent('/home/u/x', '/')).toBe('/home/u')
    expect(remoteParent('/x', '/')).toBe('/')
    expect(remoteParent('/', '/')).toBeNull()
    expect(remoteParent('C:\\Users', '\\')).toBe('C:\\')
    expect(remoteParent('C:\\', '\\')).toBeNull()
    expect(remoteBaseName('/home/u/', '/')).toBe('u')
    expect(remoteBaseName('C:\\a\\b.txt', '\\')).toBe('b.txt')
  })
})
