import { describe, expect, it } from 'vitest'
import { encodingsOf } from '../../../src/main/host/connection-options'
import { DEFAULT_ENCODINGS } from '../../../src/main/rfb/decoders'
import { newProfile } from '../../../src/shared/profile'
import { profileFields, requestSchemas } from '../../../src/shared/schemas'

describe('encodingsOf and Open H.264', () => {
  it('announces H.264 first only when the renderer decodes it', () => {
    expect(encodingsOf(null)).toEqual(DEFAULT_ENCODINGS)
    expect(encodingsOf(null)).not.toContain(50)
    expect(encodingsOf(null, true)).toEqual([50, ...DEFAULT_ENCODINGS])
  })

  it('keeps H.264 where a custom list puts it, and only for a renderer that decodes it', () => {
    const custom = { ...newProfile({ id: 'p', host: 'h' }), encodings: ['tight', 'h264', 'zrle'] }
    expect(encodingsOf(custom, true)).toEqual([7, 50, 16, 1, 0])
    expect(encodingsOf(custom, false)).toEqual([7, 16, 1, 0])
    // The profile schema takes the name, as the form does.
    expect(profileFields.encodings.parse(['H264', 'raw'])).toEqual(['H264', 'raw'])
    expect(encodingsOf({ ...custom, encodings: ['H264'] }, true)).toEqual([50, 1, 0])
  })

  it('lets session.open carry the capability, and only as a boolean', () => {
    const schema = requestSchemas['session.open']
    expect(schema.parse({ address: 'host:1', h264: true })).toEqual({ address: 'host:1', h264: true })
    expect(schema.parse({ profileId: 'p1', h264: false })).toEqual({ profileId: 'p1', h264: false })
    expect(() => schema.parse({ address: 'host:1', h264: 'yes' })).toThrow()
  })
})
