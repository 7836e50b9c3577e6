/**
 * How a browser-mode page proves it may use the host (both ends import this file).
 *
 * 1. `tessera web` mints a one-time launch code and hands it to the browser in the page
 *    address's fragment (`http://127.0.0.1:PORT/#code=...`): a fragment never reaches a server
 *    log or a Referer. The opener is given a private file that redirects there, so no command
 *    line (visible to every local user in `ps`) carries it.
 * 2. The page POSTs `{"code": ...}` to SESSION_PATH and receives `{"credential": ...}`; a code works
 *    once, for a short while. A page that already holds a credential POSTs `{"credential": ...}`
 *    to learn whether it is still good.
 * 3. The page keeps the credential in sessionStorage (scoped to this origin, port included, unlike
 *    a cookie) and offers it as a WebSocket subprotocol beside WS_PROTOCOL; the server answers
 *    with WS_PROTOCOL only, so the credential is never echoed.
 */

/** The exchange endpoint (POST, JSON). */
export const SESSION_PATH = '/session'

/** The fragment parameter carrying the launch code. */
export const LAUNCH_CODE_PARAM = 'code'

/** The subprotocol the server selects. */
export const WS_PROTOCOL = 'tessera.v1'

/** Prefix of the subprotocol that carries the credential (base64url is valid in a subprotocol name). */
export const CREDENTIAL_PROTOCOL_PREFIX = 'tessera.credential.'

/** The subprotocols a socket offers to present `credential`. */
export function socketProtocols(credential: string): string[] {
  return [WS_PROTOCOL, `${CREDENTIAL_PROTOCOL_PREFIX}${credential}`]
}

/** The credential among the offered subprotocols (a `Sec-WebSocket-Protocol` header), if any. */
export function credentialFromProtocols(header: string | undefined): string | undefined {
  for (const p of header?.split(',') ?? []) {
    const name = p.trim()
    if (name.startsWith(CREDENTIAL_PROTOCOL_PREFIX)) return name.slice(CREDENTIAL_PROTOCOL_PREFIX.length)
  }
  return undefined
}
