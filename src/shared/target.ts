/** Where to connect, parsed from what a user types or a vnc:// URL. */
export interface Target {
  host: string
  port: number
  username?: string
  /** `vncs://`: TLS from the first byte. */
  tls?: boolean
}

export const DEFAULT_VNC_PORT = 5900

/**
 * Parses `host`, `host:display`, `host::port`, `[v6]:display`, `vnc://[user@]host[:port]` and
 * `vncs://...`. As TigerVNC does, `host:N` with N < 100 is display N (port 5900+N) and a
 * larger N is a port. Throws with a message fit for the user.
 */
export function parseTarget(input: string): Target {
  const text = input.trim()
  if (!text) throw new Error('no server given')
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

function parsePort(s: string, text: string): number {
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw new Error(`invalid port or display "${s}" in "${text}"`)
  return Number(s)
}

/** The shortest way to write a target back, for titles and lists. */
export function formatTarget(t: Target): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host
  if (t.port >= DEFAULT_VNC_PORT && t.port < DEFAULT_VNC_PORT + 100) {
    return t.port === DEFAULT_VNC_PORT ? host : `${host}:${t.port - DEFAULT_VNC_PORT}`
  }
  return `${host}::${t.port}`
}
