import { describe, expect, it } from 'vitest'
import { parseVncFile } from '../../../src/main/host/vnc-file'

describe('parseVncFile', () => {
  it('reads TigerVNC files, with ServerName in any of its forms', () => {
    const head = 'TigerVNC Configuration file Version 1.0\n'
    expect(parseVncFile('a.vnc', `${head}ServerName=host:2\n`)).toEqual({ name: 'a', host: 'host', port: 5902 })
    expect(parseVncFile('a.vnc', `${head}ServerName=host::15900\n`)).toMatchObject({ port: 15900 })
    expect(parseVncFile('a.vnc', `${head}ServerName=[fe80::1]:1\n`)).toMatchObject({ host: 'fe80::1', port: 5901 })
  })

  it('maps TigerVNC options only when auto selection is off', () => {
    const head = 'TigerVNC Configuration file Version 1.0\nServerName=h\n'
    expect(parseVncFile('a.vnc', `${head}AutoSelect=1\nQualityLevel=2\nPreferredEncoding=Raw\n`)).toEqual({ name: 'a', host: 'h', port: 5900 })
    expect(parseVncFile('a.vnc', `${head}AutoSelect=0\nFullColor=0\nQualityLevel=2\nNoJPEG=1\nPreferredEncoding=Hextile\n`)).toEqual({
      name: 'a',
      host: 'h',
      port: 5900,
      colourDepth: 8,
      encodings: ['hextile'],
    })
  })

  it('unescapes TigerVNC values and reads UserName', () => {
    const text = 'TigerVNC Configuration file Version 1.0\r\nServerName=h\r\nUserName=dom\\\\ops\r\n'
    expect(parseVncFile('x.vnc', text).username).toBe('dom\\ops')
  })

  it('reads RealVNC ini files, case-insensitively', () => {
    const text = '[connection]\nhost=pi.local\nusername=pi\n[options]\nviewonly=1\nshared=0\n'
    expect(parseVncFile('/home/u/Pi.VNC', text)).toEqual({ name: 'Pi', host: 'pi.local', port: 5900, username: 'pi', viewOnly: true, shared: false })
  })

  it('reads TightVNC/UltraVNC files with a separate port', () => {
    const text = '[connection]\nhost=10.1.1.1\nport=5999\npassword=0011223344556677\n[options]\nuse_encoding_1=1\n'
    expect(parseVncFile('C:\\vnc\\srv.vnc', text)).toEqual({ name: 'srv', host: '10.1.1.1', port: 5999 })
  })

  it('reads UltraVNC repeater settings: mode II by ID, mode I by host, off with UseProxy=0', () => {
    const modeII = '[connection]\nhost=ID:1234\nport=5900\nproxyhost=repeater.lan\nproxyport=5500\n[options]\nUseProxy=1\n'
    expect(parseVncFile('office.vnc', modeII)).toEqual({ name: 'office', host: 'ID:1234', port: 5900, repeater: { host: 'repeater.lan', port: 5500 } })
    const modeI = '[connection]\nhost=desk\nport=5901\nproxyhost=repeater.lan\nproxyport=\n'
    expect(parseVncFile('desk.vnc', modeI)).toEqual({ name: 'desk', host: 'desk', port: 5901, repeater: { host: 'repeater.lan', port: 5901 } })
    const off = '[connection]\nhost=desk\nport=5901\nproxyhost=repeater.lan\nproxyport=5500\n[options]\nUseProxy=0\n'
    expect(parseVncFile('desk.vnc', off)).toEqual({ name: 'desk', host: 'desk', port: 5901 })
    expect(() => parseVncFile('x.vnc', '[connection]\nhost=ID:12\n')).toThrow(/give the repeater/)
  })

  it('reads a Unix socket as TigerVNC writes it', () => {
    const text = 'TigerVNC Configuration file Version 1.0\nServerName=/run/user/1000/vnc.sock\n'
    expect(parseVncFile('.vnc', text)).toEqual({ name: 'unix:/run/user/1000/vnc.sock', host: 'localhost', port: 5900, unixPath: '/run/user/1000/vnc.sock' })
  })

  it('says what is missing when there is no address', () => {
    expect(() => parseVncFile('empty.vnc', '[Options]\nShared=1\n')).toThrow('empty.vnc: no server address')
    expect(() => parseVncFile('bad.vnc', '[Connection]\nHost=a b\n')).toThrow(/no valid host/)
  })
})
