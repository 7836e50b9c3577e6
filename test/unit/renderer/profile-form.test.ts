import { describe, expect, it } from 'vitest'
import { type ConnectionProfile, newProfile } from '../../../src/shared/profile'
import { LIMITS, profileSchema } from '../../../src/shared/schemas'
import {
  type FormErrors,
  type ProfileForm,
  encodingList,
  formErrors,
  formToProfile,
  profileToForm,
  splitHostField,
  usesAdvancedOptions,
} from '../../../src/renderer/src/lib/profile-form'

const base = (fields: Partial<ConnectionProfile> = {}): ConnectionProfile => newProfile({ id: 'p1', host: 'vnc.lan', createdAt: 1, ...fields })
const STORE = { canStorePasswords: true }

function formOf(p: ConnectionProfile, change: (f: ProfileForm) => void = () => {}): ProfileForm {
  const f = profileToForm(p)
  change(f)
  return f
}

function saved(p: ConnectionProfile, change: (f: ProfileForm) => void = () => {}, opts = STORE): ConnectionProfile {
  const f = formOf(p, change)
  expect(formErrors(f)).toEqual({ host: '', port: '', repeater: '', encodings: '', fineQuality: '', ssh: '' })
  const result = formToProfile(p, f, opts)
  if ('error' in result) throw new Error(result.error)
  return result.profile
}

const full = base({
  name: 'Lab',
  port: 5901,
  username: 'alice',
  group: 'Rack',
  notes: 'n',
  savePassword: true,
  viewOnly: true,
  shared: false,
  encodings: ['zrle', 'raw'],
  quality: 6,
  fineQuality: 85,
  subsampling: 'gray',
  compression: 2,
  colourDepth: 16,
  scaling: 'none',
  security: 'require-encryption',
  caFile: '/ca.pem',
  tls: true,
  allowPlainPassword: true,
  audio: false,
  ssh: { host: 'gw', port: 2222, username: 'bob', auth: 'key', keyFile: '~/.ssh/id' },
})

describe('profile form round trip', () => {
  it('gives back every field of a profile that uses every option', () => {
    expect(saved(full)).toEqual(full)
    expect(profileSchema.parse(saved(full))).toEqual(full)
  })

  it('gives back a plain new profile unchanged, with no optional field', () => {
    const p = base()
    expect(saved(p)).toEqual(p)
    for (const key of ['username', 'fineQuality', 'subsampling', 'caFile', 'tls', 'allowPlainPassword', 'ssh', 'audio'])
      expect(saved(p)).not.toHaveProperty(key)
  })

  it("plays the server's sound unless the connection says no, and saves only the no", () => {
    expect(profileToForm(base()).audio).toBe(true)
    expect(saved(base(), (f) => (f.audio = false))).toMatchObject({ audio: false })
    expect(saved(base({ audio: false }), (f) => (f.audio = true))).not.toHaveProperty('audio')
  })

  it('shows automatic choices as their own values and numbers as text', () => {
    const f = profileToForm(base())
    expect(f).toMatchObject({
      port: '5900',
      quality: 'auto',
      compression: 'auto',
      colourDepth: 'auto',
      encodingsMode: 'auto',
      fineQuality: '',
      subsampling: 'default',
    })
    expect(f.encodings).toBe('tight, zrle, hextile, raw')
    expect(f.ssh).toEqual({ enabled: false, host: '', port: '22', user: '', auth: 'agent', keyFile: '' })
    expect(profileToForm(full)).toMatchObject({ port: '5901', quality: '6', compression: '2', colourDepth: '16', encodings: 'zrle, raw', fineQuality: '85' })
  })

  it('opens the advanced section only for a profile that uses it', () => {
    expect(usesAdvancedOptions(base())).toBe(false)
    for (const fields of [
      { encodings: ['raw'] },
      { quality: 0 },
      { compression: 9 },
      { colourDepth: 8 as const },
      { fineQuality: 0 },
      { subsampling: 'none' as const },
    ]) {
      expect(usesAdvancedOptions(base(fields)), JSON.stringify(fields)).toBe(true)
    }
  })
})

describe('form to profile', () => {
  it('drops optional fields the form empties, and trims what is typed', () => {
    const p = saved(full, (f) => {
      Object.assign(f, { username: '  ', fineQuality: ' ', subsampling: 'default', caFile: '', tls: false, host: '  h.lan ', name: '  ', group: ' G ' })
      f.ssh.enabled = false
    })
    for (const key of ['username', 'fineQuality', 'subsampling', 'caFile', 'tls', 'ssh']) expect(p).not.toHaveProperty(key)
    expect(p).toMatchObject({ host: 'h.lan', name: 'h.lan', group: 'G' })
  })

  it('reads levels, depths and the explicit encoding list', () => {
    const p = saved(base(), (f) =>
      Object.assign(f, { quality: '0', compression: '9', colourDepth: '8', encodingsMode: 'custom', encodings: 'ZRLE  raw,zrle,, hextile' }),
    )
    expect(p).toMatchObject({ quality: 0, compression: 9, colourDepth: 8, encodings: ['zrle', 'raw', 'hextile'] })
    expect(saved(full, (f) => Object.assign(f, { quality: 'auto', compression: 'auto', colourDepth: 'auto', encodingsMode: 'auto' }))).toMatchObject({
      quality: null,
      compression: null,
      colourDepth: 'auto',
      encodings: 'auto',
    })
  })

  it('keeps the key file only for a key login', () => {
    expect(
      saved(full, (f) => {
        f.ssh.auth = 'password'
      }).ssh,
    ).toEqual({ host: 'gw', port: 2222, username: 'bob', auth: 'password' })
    expect(
      saved(full, (f) => {
        f.ssh.auth = 'agent'
      }).ssh,
    ).toEqual({ host: 'gw', port: 2222, username: 'bob', auth: 'agent' })
  })

  it('saves the password only where the keychain protects it', () => {
    expect(saved(full, () => {}, { canStorePasswords: false }).savePassword).toBe(false)
  })

  it('keeps the fields the form does not edit', () => {
    const p = base({ id: 'keep', createdAt: 42, lastUsedAt: 99, protection: 'authenticated', passwordProtection: 'encrypted' })
    expect(
      saved(p, (f) => {
        f.name = 'x'
      }),
    ).toMatchObject({
      id: 'keep',
      createdAt: 42,
      lastUsedAt: 99,
      name: 'x',
      protection: 'authenticated',
      passwordProtection: 'encrypted',
    })
  })

  it('refuses, in words, what the profile schema refuses and no field shows', () => {
    const refuse = (change: (f: ProfileForm) => void): string => {
      const result = formToProfile(base(), formOf(base(), change), STORE)
      return 'error' in result ? result.error : 'accepted'
    }
    expect(
      refuse((f) => {
        f.name = 'n'.repeat(LIMITS.name + 1)
      }),
    ).toBe(`The name must be at most ${LIMITS.name} characters.`)
    expect(
      refuse((f) => {
        f.notes = 'n'.repeat(LIMITS.notes + 1)
      }),
    ).toBe(`The notes must be at most ${LIMITS.notes} characters.`)
    expect(
      refuse((f) => {
        f.caFile = 'a\nb'
      }),
    ).toBe('The CA certificate file path has an invalid format.')
    expect(
      refuse((f) => {
        f.name = 'n'.repeat(LIMITS.name)
      }),
    ).toBe('accepted')
  })
})

describe('form errors', () => {
  const errorsOf = (change: (f: ProfileForm) => void) => formErrors(formOf(base(), change))

  it('name the host problem', () => {
    expect(
      errorsOf((f) => {
        f.host = '  '
      }).host,
    ).toBe('Enter the server’s host name or address.')
    for (const host of ['a b', 'a/b', 'u@h'])
      expect(
        errorsOf((f) => {
          f.host = host
        }).host,
      ).toBe('A host name cannot contain spaces, “/” or “@”.')
    expect(
      errorsOf((f) => {
        f.host = 'h'.repeat(LIMITS.host + 1)
      }).host,
    ).toBe(`A host name must be at most ${LIMITS.host} characters.`)
    expect(
      errorsOf((f) => {
        f.host = ' ok.lan '
      }).host,
    ).toBe('')
  })

  it('take ports 1-65535 written as whole numbers', () => {
    for (const port of ['0', '65536', '-1', '5900.5', '1e3', 'abc', '']) {
      expect(
        errorsOf((f) => {
          f.port = port
        }).port,
        port,
      ).toBe('The port is a number from 1 to 65535 (5900 is display :0).')
    }
    for (const port of ['1', '65535', ' 5901 '])
      expect(
        errorsOf((f) => {
          f.port = port
        }).port,
        port,
      ).toBe('')
  })

  it('check the explicit encodings only when they are used', () => {
    expect(
      errorsOf((f) => {
        f.encodings = 'bogus'
      }).encodings,
    ).toBe('')
    const custom = (text: string) => errorsOf((f) => Object.assign(f, { encodingsMode: 'custom', encodings: text })).encodings
    expect(custom(' , ')).toBe('List at least one encoding, or choose Automatic.')
    expect(custom('zrle, bogus, constructor')).toBe('Unknown: bogus, constructor.')
    expect(custom('tight zrle')).toBe('')
    // Open H.264 may be listed; the host announces it only to a renderer that decodes it.
    expect(custom('h264, tight')).toBe('')
    expect(saved(base(), (f) => Object.assign(f, { encodingsMode: 'custom', encodings: 'H264 tight' })).encodings).toEqual(['h264', 'tight'])
  })

  it('take fine quality 0-100 or nothing', () => {
    for (const fine of ['101', '-1', '5.5', 'high'])
      expect(
        errorsOf((f) => {
          f.fineQuality = fine
        }).fineQuality,
        fine,
      ).toBe('Fine quality is a whole number from 0 to 100, or empty.')
    for (const fine of ['', ' ', '0', '100'])
      expect(
        errorsOf((f) => {
          f.fineQuality = fine
        }).fineQuality,
        fine,
      ).toBe('')
  })

  it('check the SSH tunnel field by field, only when it is on', () => {
    const ssh = (fields: Partial<ProfileForm['ssh']>) => errorsOf((f) => Object.assign(f.ssh, { enabled: true, host: 'gw', user: 'bob' }, fields)).ssh
    expect(
      errorsOf((f) => {
        f.ssh.host = 'bad host'
      }).ssh,
    ).toBe('')
    expect(ssh({})).toBe('')
    for (const host of ['', 'a b', 'a@b']) expect(ssh({ host })).toBe('Enter the SSH server’s host name or address (no spaces, “/” or “@”).')
    for (const port of ['70000', '0', 'ssh']) expect(ssh({ port })).toBe('The SSH port is a number from 1 to 65535 (usually 22).')
    for (const user of ['', 'bad user', 'a@b', 'a:b']) expect(ssh({ user })).toBe('Enter the SSH user name (no spaces, “@” or “:”).')
    expect(ssh({ auth: 'key', keyFile: ' ' })).toBe('Enter the path of the private key file.')
    expect(ssh({ auth: 'key', keyFile: 'a\nb' })).toBe('The private key file path has an invalid format.')
    expect(ssh({ auth: 'password', keyFile: '' })).toBe('')
  })
})

describe('host field', () => {
  it('splits a display, port, user or vncs:// URL out of the host text', () => {
    expect(splitHostField({ host: 'server.example.com:2', username: '' })).toEqual({ host: 'server.example.com', port: '5902' })
    expect(splitHostField({ host: 'h::5999', username: '' })).toEqual({ host: 'h', port: '5999' })
    expect(splitHostField({ host: 'vncs://bob@h:5901', username: '' })).toEqual({ host: 'h', port: '5901', username: 'bob', tls: true })
    expect(splitHostField({ host: 'vnc://bob@h', username: 'alice' })).toEqual({ host: 'h', port: '5900' })
  })

  it('leaves a plain host, an empty field and unreadable text alone', () => {
    expect(splitHostField({ host: 'plain.lan', username: '' })).toEqual({})
    expect(splitHostField({ host: '  ', username: '' })).toEqual({})
    expect(splitHostField({ host: '[::1', username: '' })).toEqual({})
  })

  it('lists encodings lower-cased, in order, once each', () => {
    expect(encodingList(' Tight,zrle  tight,,RAW ')).toEqual(['tight', 'zrle', 'raw'])
  })

  it('splits a repeater typed before the server into the repeater field; leaves sockets and IDs as typed', () => {
    expect(splitHostField({ host: 'rep.lan:5500/ID:1234', username: '' })).toEqual({ host: 'ID:1234', port: '5900', repeater: 'rep.lan:5500' })
    expect(splitHostField({ host: 'rep.lan/desk:1', username: '' })).toEqual({ host: 'desk', port: '5901', repeater: 'rep.lan' })
    expect(splitHostField({ host: 'unix:/run/vnc.sock', username: '' })).toEqual({})
    expect(splitHostField({ host: 'ID:1234', username: '' })).toEqual({})
  })
})

describe('repeater and Unix socket', () => {
  it('saves a repeater ID with its repeater, and shows them again', () => {
    const p = saved(base(), (f) => Object.assign(f, { host: 'ID:77', repeater: 'rep.lan' }))
    expect(p).toMatchObject({ host: 'ID:77', repeater: { host: 'rep.lan', port: 5901 } })
    expect(p.unixPath).toBeUndefined()
    expect(formOf(p)).toMatchObject({ host: 'ID:77', repeater: 'rep.lan' })
    expect(formOf(base({ repeater: { host: 'r', port: 5500 } })).repeater).toBe('r:5500')
  })

  it('saves unix:/path as a socket, and forgets a repeater or socket no longer typed', () => {
    const p = saved(base({ repeater: { host: 'r', port: 5901 } }), (f) => Object.assign(f, { host: 'unix:/run/vnc.sock', repeater: '' }))
    expect(p).toMatchObject({ host: 'localhost', unixPath: '/run/vnc.sock' })
    expect(p.repeater).toBeUndefined()
    expect(formOf(p).host).toBe('unix:/run/vnc.sock')
    const back = saved(p, (f) => Object.assign(f, { host: 'desk.lan' }))
    expect(back.unixPath).toBeUndefined()
    expect(back.host).toBe('desk.lan')
  })

  it('puts what is wrong into words', () => {
    const errors = (change: Partial<ProfileForm>): FormErrors => formErrors(Object.assign(formOf(base()), change))
    expect(errors({ host: 'ID:77' }).host).toBe('An ID names a server at an UltraVNC repeater: fill in the repeater.')
    expect(errors({ host: 'ID:77', repeater: 'rep' }).host).toBe('')
    expect(errors({ host: 'unix:relative' }).host).toMatch(/./)
    expect(errors({ host: 'unix:/s', repeater: 'rep' }).host).toBe('A Unix socket cannot be reached through a repeater.')
    expect(errors({ repeater: 'a b' }).repeater).toBe('The repeater is host or host:port (UltraVNC’s repeater listens on 5901).')
    expect(errors({ repeater: 'rep:70000' }).repeater).toMatch(/host:port/)
    expect(errors({ repeater: ' ' }).repeater).toBe('')
  })
})
