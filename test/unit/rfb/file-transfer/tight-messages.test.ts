import { describe, expect, it } from 'vitest'
import * as m from '../../../../src/main/rfb/file-transfer/tight-messages'
import { hexOf, libvncserverCaps, withCreateDir } from './tight-harness'

describe('TightVNC file-transfer capabilities', () => {
  it("takes libvncserver's lists (no FileCreateDirRequest listed) as its dialect, which still creates folders", () => {
    expect(m.tightFileTransferSupport(libvncserverCaps())).toEqual({ dialect: 'libvncserver', createFolder: true })
  })

  it('takes a list with FileCreateDirRequest as TightVNC 1.3', () => {
    expect(m.tightFileTransferSupport(withCreateDir(libvncserverCaps()))).toEqual({ dialect: 'tightvnc', createFolder: true })
  })

  it.each([
    ['no Tight security at all', undefined],
    ['a server without file transfer (x11vnc -viewonly lists no messages)', { ...libvncserverCaps(), serverMessages: [], clientMessages: [] }],
    ['one server message missing', { ...libvncserverCaps(), serverMessages: libvncserverCaps().serverMessages.slice(1) }],
    [
      'the right codes from another vendor',
      { ...libvncserverCaps(), serverMessages: libvncserverCaps().serverMessages.map((c) => ({ ...c, vendor: 'STDV' })) },
    ],
    [
      'the right vendor with other signatures',
      { ...libvncserverCaps(), clientMessages: libvncserverCaps().clientMessages.map((c) => ({ ...c, signature: 'XXXXXXXX' })) },
    ],
  ])('offers nothing for %s', (_label, caps) => {
    expect(m.tightFileTransferSupport(caps)).toBeNull()
  })
})

describe('TightVNC file-transfer client messages', () => {
  const path = m.encodeRemotePath('/a/b.txt')

  it('encodes each request byte for byte', () => {
    expect(hexOf(m.fileListRequest(path))).toBe('82000008' + hexOf(path))
    expect(hexOf(m.fileDownloadRequest(path))).toBe('8300000800000000' + hexOf(path))
    expect(hexOf(m.fileUploadRequest(path))).toBe('8400000800000000' + hexOf(path))
    expect(hexOf(m.fileCreateDirRequest(path))).toBe('88000008' + hexOf(path))
    expect(hexOf(m.fileUploadData(Uint8Array.of(1, 2, 3)))).toBe('850000030003010203')
    // 1_650_000_000 = 0x62590080, little-endian as TightVNC's viewer sends it and libvncserver reads it.
    expect(hexOf(m.fileUploadEnd(1_650_000_000.9))).toBe('85000000000080005962')
    expect(hexOf(m.fileDownloadCancel('Stop'))).toBe('86000004' + hexOf(new TextEncoder().encode('Stop')))
    expect(hexOf(m.fileUploadFailed('x'))).toBe('8700000178')
  })

  it('clamps an upload time outside u32 and cuts a reason at 255 bytes', () => {
    expect(hexOf(m.fileUploadEnd(-5))).toBe('85000000000000000000')
    expect(hexOf(m.fileUploadEnd(2 ** 40))).toBe('850000000000ffffffff')
    expect(m.fileDownloadCancel('é'.repeat(300)).length).toBe(4 + 255)
  })

  it('refuses paths the servers would mangle, before anything is sent', () => {
    expect(() => m.encodeRemotePath('relative/x')).toThrow(/not absolute/)
    expect(() => m.encodeRemotePath('/a\0b')).toThrow(/NUL/)
    expect(() => m.encodeRemotePath('/' + 'x'.repeat(m.MAX_REMOTE_PATH_BYTES))).toThrow(/longer than/)
    expect(m.encodeRemotePath('/grüße').length).toBe(8)
  })

  it('refuses an empty or oversized upload chunk', () => {
    expect(() => m.fileUploadData(new Uint8Array(0))).toThrow(RangeError)
    expect(() => m.fileUploadData(new Uint8Array(m.MAX_UPLOAD_CHUNK + 1))).toThrow(RangeError)
  })
})
