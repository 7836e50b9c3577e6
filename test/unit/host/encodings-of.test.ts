import { describe, expect, it } from 'vitest'
import { encodingsOf } from '../../../src/main/host/connection-options'
import { DEFAULT_ENCODINGS } from '../../../src/main/rfb/decoders'
import { requestSchemas } from '../../../src/shared/schemas'

describe('encodingsOf and Open H.264', () => {
  it('announces H.264 first only when the renderer decodes it', () => {
    expect(encodingsOf(null)).toEqual(DEFAULT_ENCODINGS)
    expect(encodingsOf(null)).not.toContain(50)
    expect(encodingsOf(null, true)).toEqual([50, ...DEFAULT_ENCODINGS])
  })

  it('lets session.open carry the capability, and only as a boolean', () => {
    const schema = requestSchemas['session.open']
    expect(schema.parse({ address: 'host:1', h264: true })).toEqual({ address: 'host:1', h264: true })
    expect(schema.parse({ profileId: 'p1', h264: false })).toEqual({ profileId: 'p1', h264: false })
    expect(() => schema.parse({ address: 'host:1', h264: 'yes' })).toThrow()
  })
})
