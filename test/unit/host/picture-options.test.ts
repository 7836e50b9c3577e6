import { describe, expect, it } from 'vitest'
import { pictureOptions } from '../../../src/main/host/picture-options'
import { type ConnectionProfile, newProfile } from '../../../src/shared/profile'

const profile = (fields: Partial<ConnectionProfile>): ConnectionProfile => newProfile({ id: 'p', host: 'h', ...fields })

describe('profile picture settings to engine options', () => {
  it('leaves everything to auto-select and the server for a default profile or a typed address', () => {
    expect(pictureOptions(null)).toEqual({ autoSelect: true, pixelFormat: 'rgb888' })
    expect(pictureOptions(profile({}))).toEqual({ autoSelect: true, pixelFormat: 'rgb888' })
  })

  it('passes fine quality and subsampling through, beside automatic quality', () => {
    expect(pictureOptions(profile({ fineQuality: 70, subsampling: 'gray' }))).toEqual({
      autoSelect: true,
      pixelFormat: 'rgb888',
      fineQuality: 70,
      subsampling: 'gray',
    })
  })

  it('passes them beside a fixed level, depth and compression', () => {
    expect(pictureOptions(profile({ quality: 4, fineQuality: 0, subsampling: 'none', compression: 9, colourDepth: 16 }))).toEqual({
      autoSelect: false,
      pixelFormat: 'rgb565',
      quality: 4,
      fineQuality: 0,
      subsampling: 'none',
      compression: 9,
    })
  })
})
