import { describe, expect, it } from 'vitest'
import { linkProtection, protectionAfterConnect, savedPasswordAllowed } from '../../../src/main/host/protection'
import { newProfile } from '../../../src/shared/profile'

const base = newProfile({ id: 'p', host: 'h' })

describe('what a profile remembers about protection', () => {
  it('rises with every connection and never falls by itself', () => {
    expect(protectionAfterConnect(base, 'none', false)).toEqual({ protection: 'none' })
    expect(protectionAfterConnect({ ...base, protection: 'none' }, 'authenticated', false)).toEqual({ protection: 'authenticated' })
    expect(protectionAfterConnect({ ...base, protection: 'authenticated' }, 'encrypted', false)).toBeNull()
  })

  it('records the level a password is saved at, and fills it in for passwords saved before it was kept', () => {
    expect(protectionAfterConnect({ ...base, protection: 'encrypted' }, 'encrypted', true)).toEqual({ passwordProtection: 'encrypted' })
    expect(protectionAfterConnect({ ...base, protection: 'none', savePassword: true }, 'none', false)).toEqual({ passwordProtection: 'none' })
    expect(protectionAfterConnect({ ...base, protection: 'none', savePassword: true, passwordProtection: 'authenticated' }, 'none', false)).toBeNull()
  })

  it('sends a saved password only over a link at least as protected as the one it was saved on', () => {
    const saved = { ...base, savePassword: true, passwordProtection: 'authenticated' as const }
    expect(savedPasswordAllowed(saved, { encrypted: true, verification: 'once' })).toBe(true)
    expect(savedPasswordAllowed(saved, { encrypted: true, verification: 'unverified' })).toBe(false)
    expect(savedPasswordAllowed(saved, { encrypted: false })).toBe(false)
    expect(savedPasswordAllowed(saved, undefined)).toBe(false)
    expect(savedPasswordAllowed({ ...base, savePassword: true }, { encrypted: false })).toBe(true)
  })

  it('shows "verified" only for a CA, the trust store or an accepted fingerprint; "once" as just that', () => {
    expect(linkProtection({ encrypted: true, verification: 'ca' })).toEqual({ encrypted: true, verified: true, acceptedOnce: false })
    expect(linkProtection({ encrypted: true, verification: 'pinned' })).toEqual({ encrypted: true, verified: true, acceptedOnce: false })
    expect(linkProtection({ encrypted: true, verification: 'once' })).toEqual({ encrypted: true, verified: false, acceptedOnce: true })
    expect(linkProtection({ encrypted: true })).toEqual({ encrypted: true, verified: false, acceptedOnce: false })
    expect(linkProtection({ encrypted: false, verification: 'ca' })).toEqual({ encrypted: false, verified: false, acceptedOnce: false })
  })
})
