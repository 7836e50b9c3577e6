/** A saved connection, as the address book stores it (no password: that lives in the keychain). */
export interface ConnectionProfile {
  id: string
  name: string
  host: string
  port: number
  username?: string
  /** Folder path, e.g. "Lab/Rack 2"; empty for the top level. */
  group: string
  notes: string
  /** True when a password is stored in the keychain for this profile. */
  savePassword: boolean
  viewOnly: boolean
  shared: boolean
  /** 'auto' or an explicit encoding preference (names as in the CLI). */
  encodings: 'auto' | string[]
  /** JPEG quality 0-9, or null for automatic. */
  quality: number | null
  /** zlib compression level 0-9, or null for the server default. */
  compression: number | null
  /** 'auto' lets the engine choose from measured throughput. */
  colourDepth: 'auto' | 24 | 16 | 8
  scaling: ScalingMode
  createdAt: number
  /** Unix ms of the last successful connection; 0 if never. */
  lastUsedAt: number
}

export type ScalingMode = 'fit' | 'none' | 'remote'

/** Version of the connections file format; bump with a migration. */
export const PROFILE_SCHEMA_VERSION = 1

/** Defaults for a new connection: the fields a user need not think about. */
export function newProfile(fields: Partial<ConnectionProfile> & Pick<ConnectionProfile, 'id' | 'host'>): ConnectionProfile {
  return {
    name: fields.host, port: 5900, group: '', notes: '', savePassword: false, viewOnly: false, shared: true,
    encodings: 'auto', quality: null, compression: null, colourDepth: 'auto', scaling: 'fit',
    createdAt: Date.now(), lastUsedAt: 0, ...fields,
  }
}
