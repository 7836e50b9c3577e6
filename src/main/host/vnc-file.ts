import { PIXEL_ENCODINGS } from '@shared/encodings'
import { type ConnectionProfile, targetFields } from '@shared/profile'
import { type RepeaterHop, formatTarget, parseRepeater, parseTarget } from '@shared/target'

/** The connection fields a `.vnc` file can give us; the rest come from `newProfile` defaults. */
export type VncFileFields = Pick<ConnectionProfile, 'name' | 'host' | 'port'> &
  Partial<Pick<ConnectionProfile, 'username' | 'shared' | 'viewOnly' | 'quality' | 'compression' | 'encodings' | 'colourDepth' | 'repeater' | 'unixPath'>>

const TIGERVNC_HEADER = 'TigerVNC Configuration file Version 1.0'

/**
 * Reads a `.vnc` connection file in the formats viewers write:
 * - TigerVNC: a header line `TigerVNC Configuration file Version 1.0`, then `Key=value` lines
 *   (`ServerName=host::5901`, `Shared=1`, `QualityLevel=8`, ...), values escaped `\n`, `\r`, `\\`;
 * - RealVNC: ini sections, `[Connection]` with `Host=host:1`, `UserName=...`, `[Options]`;
 * - TightVNC / UltraVNC: `[connection]` with `host=...` and a separate `port=...`, `[options]`;
 *   UltraVNC's repeater as `proxyhost=` and `proxyport=` in `[connection]` (used unless
 *   `[options] UseProxy=0`), with `host=ID:1234` for mode II.
 * A server address may also be a Unix socket (`unix:/path`, or a path as TigerVNC writes it).
 * Saved passwords in these files (obfuscated DES) are ignored: they are not ours to copy.
 * Throws with a message fit for the user when no server address is found.
 */
export function parseVncFile(fileName: string, text: string): VncFileFields {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const keys = new Map<string, string>()
  let section = ''
  const tiger = lines[0]?.trim() === TIGERVNC_HEADER
  for (const raw of lines.slice(tiger ? 1 : 0)) {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header) {
      section = header[1].trim().toLowerCase()
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line.slice(0, eq).trim().toLowerCase()
    const value = tiger ? unescapeTiger(line.slice(eq + 1)) : line.slice(eq + 1).trim()
    // Keys outside a section (TigerVNC) and in the connection/options sections all count;
    // a connection key wins over the same key in another section.
    if (section === '' || section === 'connection' || !keys.has(key)) keys.set(key, value)
  }

  const address = keys.get('servername') ?? keys.get('host')
  if (!address) throw new Error(`${fileName}: no server address (ServerName= or Host=) in this file`)
  const target = parseTarget(address, { repeater: ultraVncRepeater(keys) })
  const port = keys.get('port')
  if (port !== undefined && !keys.has('servername') && target.port !== 0) {
    const n = Number(port)
    if (Number.isInteger(n) && n > 0 && n < 65536) target.port = n
  }
  const { username: _, tls: _t, ...named } = targetFields(target)
  const fields: VncFileFields = { name: baseName(fileName) || (target.unixPath !== undefined ? formatTarget(target) : target.host), ...named }
  const username = keys.get('username') ?? target.username
  if (username) fields.username = username
  const shared = flag(keys.get('shared'))
  if (shared !== undefined) fields.shared = shared
  const viewOnly = flag(keys.get('viewonly'))
  if (viewOnly !== undefined) fields.viewOnly = viewOnly

  // TigerVNC: AutoSelect=0 makes the encoding and quality choices explicit.
  if (flag(keys.get('autoselect')) === false) {
    const encoding = keys.get('preferredencoding')?.toLowerCase()
    if (encoding && encoding in PIXEL_ENCODINGS) fields.encodings = [encoding]
    const quality = level(keys.get('qualitylevel'))
    if (quality !== undefined && flag(keys.get('nojpeg')) !== true) fields.quality = quality
    if (flag(keys.get('fullcolor') ?? keys.get('fullcolour')) === false) fields.colourDepth = 8
  }
  if (flag(keys.get('customcompresslevel')) === true) {
    const compression = level(keys.get('compresslevel'))
    if (compression !== undefined) fields.compression = compression
  }
  return fields
}

/** UltraVNC's repeater (`proxyhost`, `proxyport`, default 5901), unless `UseProxy=0` turns it off. */
function ultraVncRepeater(keys: Map<string, string>): RepeaterHop | undefined {
  const host = keys.get('proxyhost')?.trim()
  if (!host || flag(keys.get('useproxy')) === false) return undefined
  const port = Number(keys.get('proxyport'))
  // A port written into proxyhost itself wins over proxyport.
  const hop = parseRepeater(host)
  if (!/:\d+$/.test(host) && Number.isInteger(port) && port > 0 && port < 65536) hop.port = port
  return hop
}

function unescapeTiger(value: string): string {
  return value.replace(/\\([nr\\])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'))
}

function flag(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined
  const t = v.trim().toLowerCase()
  if (t === '1' || t === 'true' || t === 'yes') return true
  if (t === '0' || t === 'false' || t === 'no') return false
  return undefined
}

function level(v: string | undefined): number | undefined {
  const n = Number(v)
  return v !== undefined && Number.isInteger(n) && n >= 0 && n <= 9 ? n : undefined
}

function baseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? ''
  return base
    .replace(/\.vnc$/i, '')
    .trim()
    .slice(0, 200)
}
