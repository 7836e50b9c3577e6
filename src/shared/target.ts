/** An UltraVNC repeater: the viewer connects here and names the server it wants. */
export interface RepeaterHop {
  host: string
  port: number
}

/** Where to connect, parsed from what a user types or a vnc:// URL. */
export interface Target {
  host: string
  /** 0 for a Unix socket and for a server known by a repeater ID. */
  port: number
  username?: string
  /** `vncs://`: TLS from the first byte. */
  tls?: boolean
  /**
   * Reach the server through this UltraVNC repeater. `host:port` is then the server as the
   * repeater reaches it (mode I), or `host` is `ID:n` (mode II: the server connected to the
   * repeater with the same ID; port 0).
   */
  repeater?: RepeaterHop
  /** A Unix domain socket instead of TCP (host `localhost`, port 0). */
  unixPath?: string
}

export const DEFAULT_VNC_PORT = 5900

/** The UltraVNC repeater's viewer port (UltraVNC's own default; `-proxy host:5901`). */
export const DEFAULT_REPEATER_PORT = 5901

/** `ID:1234`: a server known to a repeater by number (mode II). UltraVNC keeps IDs in a C int. */
export const REPEATER_ID_PATTERN = /^ID:\d{1,10}$/i

/** True for a mode II name (`ID:1234`). */
export function isRepeaterId(host: string): boolean {
  return REPEATER_ID_PATTERN.test(host) && Number(host.slice(3)) <= 2 ** 31 - 1
}

/** Unix socket paths as the kernel takes them: at most 107 bytes (sockaddr_un on Linux). */
export const MAX_UNIX_PATH = 107

/**
 * Parses `host`, `host:display`, `host::port`, `[v6]:display`, `vnc://[user@]host[:port]`,
 * `vncs://...`, a Unix socket (`unix:/path`, or an absolute path as TigerVNC takes it), and a
 * server behind an UltraVNC repeater: `REPEATER[:PORT]/SERVER` where SERVER is `ID:1234`
 * (mode II) or any of the host forms (mode I); the repeater's port defaults to 5901. As TigerVNC
 * does, `host:N` with N < 100 is display N (port 5900+N) and a larger N is a port.
 * `opts.repeater` (the CLI's `--repeater`, a profile's repeater) puts the server behind that
 * repeater. Throws with a message fit for the user.
 */
export function parseTarget(input: string, opts: { repeater?: RepeaterHop } = {}): Target {
  const text = input.trim()
  if (!text) throw new Error('no server given')
  const unix = /^unix:(\/.*)$/i.exec(text)?.[1] ?? (text.startsWith('/') ? text : undefined)
  if (unix !== undefined) {
    if (opts.repeater) throw new Error('a Unix socket cannot be reached through a repeater')
    return { host: 'localhost', port: 0, unixPath: parseUnixPath(unix, text) }
  }
  const slash = /^vncs?:\/\//i.test(text) ? -1 : text.indexOf('/')
  if (slash >= 0) {
    if (opts.repeater) throw new Error(`"${text}" names a repeater, and another repeater is given`)
    return parseTarget(text.slice(slash + 1), { repeater: parseRepeater(text.slice(0, slash)) })
  }
  if (isRepeaterId(text)) {
    if (!opts.repeater) throw new Error(`${text} names a server at an UltraVNC repeater: give the repeater too (REPEATER:PORT/${text})`)
    return { host: `ID:${text.slice(3)}`, port: 0, repeater: opts.repeater }
  }
  if (/^ID:/i.test(text)) throw new Error(`"${text}": a repeater ID is a number from 0 to 2147483647`)
  const t = parseHostTarget(text)
  if (opts.repeater) {
    if (t.tls) throw new Error('vncs:// through a repeater is not supported')
    t.repeater = opts.repeater
  }
  return t
}

/** `host[:port]` of a repeater; a bare number after the colon is always a port (default 5901). */
export function parseRepeater(input: string): RepeaterHop {
  const text = input.trim()
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text)
  if (!m) throw new Error(`cannot read "${text}" as a repeater's host[:port]`)
  const host = m[1].replace(/^\[|\]$/g, '')
  checkHost(host, text)
  return { host, port: m[2] === undefined ? DEFAULT_REPEATER_PORT : parsePort(m[2], text, 1) }
}

function parseUnixPath(path: string, text: string): string {
  if (!path.startsWith('/')) throw new Error(`a Unix socket path must be absolute: "${text}"`)
  if (/[\0\n\r]/.test(path)) throw new Error(`invalid character in the Unix socket path "${text}"`)
  if (new TextEncoder().encode(path).length > MAX_UNIX_PATH) throw new Error(`the Unix socket path is longer than ${MAX_UNIX_PATH} bytes: "${text}"`)
  return path
}

function parseHostTarget(text: string): Target {
  const url = /^(vncs?):\/\/(.*)$/i.exec(text)
  if (url) return parseUrl(url[1].toLowerCase() === 'vncs', url[2])
  let host: string
  let rest: string
  if (text.startsWith('[')) {
    const end = text.indexOf(']')
    if (end < 0) throw new Error(`unterminated IPv6 address in "${text}"`)
    host = text.slice(1, end)
    rest = text.slice(end + 1)
  } else {
    const colon = text.indexOf(':')
    // Two or more colons that are not "host::port" make a bare IPv6 address (default port).
    if ((text.match(/:/g)?.length ?? 0) >= 2 && !/^[^:]+::\d+$/.test(text)) {
      return { host: text, port: DEFAULT_VNC_PORT }
    }
    host = colon < 0 ? text : text.slice(0, colon)
    rest = colon < 0 ? '' : text.slice(colon)
  }
  checkHost(host, text)
  if (rest === '') return { host, port: DEFAULT_VNC_PORT }
  if (rest.startsWith('::')) return { host, port: parsePort(rest.slice(2), text) }
  if (rest.startsWith(':')) {
    const n = parsePort(rest.slice(1), text)
    return { host, port: n < 100 ? DEFAULT_VNC_PORT + n : n }
  }
  throw new Error(`cannot read "${text}" as host, host:display or host::port`)
}

function parseUrl(tls: boolean, rest: string): Target {
  const path = rest.search(/[/?#]/)
  const authority = path < 0 ? rest : rest.slice(0, path)
  const at = authority.lastIndexOf('@')
  const username = at >= 0 ? decodeURIComponent(authority.slice(0, at)) : undefined
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority
  let host = hostPort
  let port = DEFAULT_VNC_PORT
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort)
  if (v6) {
    host = v6[1]
    if (v6[2]) port = parsePort(v6[2], hostPort)
  } else {
    const colon = hostPort.lastIndexOf(':')
    if (colon >= 0) {
      host = hostPort.slice(0, colon)
      port = parsePort(hostPort.slice(colon + 1), hostPort)
    }
  }
  checkHost(host, rest)
  const t: Target = { host, port }
  if (username) t.username = username
  if (tls) t.tls = true
  return t
}

function checkHost(host: string, text: string): void {
  if (!host || /[\s/@]/.test(host)) throw new Error(`no valid host name in "${text}"`)
}

function parsePort(s: string, text: string, min = 0): number {
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535 || Number(s) < min) throw new Error(`invalid port or display "${s}" in "${text}"`)
  return Number(s)
}

/**
 * A display name for an address the user typed: the address as typed (a port written as
 * `::5999` stays a port, not display `:99`), with a bare IPv6 address put in brackets so its
 * colons cannot be read as a port. Text that is no address is returned as typed.
 */
export function typedAddressLabel(address: string): string {
  const text = address.trim()
  try {
    const t = parseTarget(text)
    if (t.host.includes(':') && t.unixPath === undefined && !t.repeater && text === t.host) return `[${t.host}]`
  } catch {
    // Not an address anyone can reach: shown as typed, and the host says what is wrong.
  }
  return text
}

/** The shortest way to write a target back, for titles and lists; {@link parseTarget} reads it again. */
export function formatTarget(t: Target): string {
  if (t.unixPath !== undefined) return `unix:${t.unixPath}`
  if (t.repeater) {
    const r = t.repeater
    const hop = `${r.host.includes(':') ? `[${r.host}]` : r.host}${r.port === DEFAULT_REPEATER_PORT ? '' : `:${r.port}`}`
    return `${hop}/${isRepeaterId(t.host) ? t.host : formatTarget({ host: t.host, port: t.port })}`
  }
  const host = t.host.includes(':') ? `[${t.host}]` : t.host
  if (t.port >= DEFAULT_VNC_PORT && t.port < DEFAULT_VNC_PORT + 100) {
    return t.port === DEFAULT_VNC_PORT ? host : `${host}:${t.port - DEFAULT_VNC_PORT}`
  }
  return `${host}::${t.port}`
}

/**
 * The name trust decisions and the security policy keep for a target (certificates and
 * remembered protection are per host:port): the server itself for TCP and repeater mode I (TLS
 * identifies it end to end, whatever carries the bytes), `unix:/path` for a socket, and
 * `ID:n@repeater` for mode II, where the ID only means something at that repeater.
 */
export function trustName(t: Target): { host: string; port: number } {
  if (t.unixPath !== undefined) return { host: `unix:${t.unixPath}`, port: 0 }
  if (t.repeater && isRepeaterId(t.host)) return { host: `${t.host.toUpperCase()}@${t.repeater.host}`, port: t.repeater.port }
  return { host: t.host, port: t.port }
}

/** True when two targets reach the same server the same way (user name aside). */
export function sameServer(a: Target, b: Target): boolean {
  return (
    a.host.toLowerCase() === b.host.toLowerCase() &&
    a.port === b.port &&
    !!a.tls === !!b.tls &&
    a.unixPath === b.unixPath &&
    a.repeater?.host.toLowerCase() === b.repeater?.host.toLowerCase() &&
    a.repeater?.port === b.repeater?.port
  )
}
