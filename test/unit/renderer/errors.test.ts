import { describe, expect, it } from 'vitest'
import type { SessionError } from '../../../src/shared/contract'
import { ERROR_CODES, type ErrorCode, type ErrorKind } from '../../../src/shared/error-codes'
import { ERROR_TITLES, errorMessage, errorTitle, sessionOutcome } from '../../../src/renderer/src/lib/errors'

const error = (kind: ErrorKind, code: ErrorCode, message = 'detail'): SessionError => ({ kind, code, message })

describe('the renderer words for error codes', () => {
  it('has a headline for every code and for nothing else', () => {
    expect(Object.keys(ERROR_TITLES).sort()).toEqual([...ERROR_CODES].sort())
  })

  it('words each headline in plain language, never the code', () => {
    for (const code of ERROR_CODES) {
      const title = ERROR_TITLES[code]
      expect(title, code).toMatch(/^[A-Z][^_]+[^.]$/)
      expect(title, code).not.toMatch(/[A-Z]{2,}_|RFB|ERR/)
    }
  })

  it('gives an unknown code the generic headline', () => {
    expect(errorTitle({ kind: 'network', code: 'ECONNRESET' as ErrorCode, message: 'm' })).toBe(ERROR_TITLES.HOST_UNKNOWN_ERROR)
  })

  it('shows the host detail of a rejected request', () => {
    expect(errorMessage(error('refused', 'IMPORT_INVALID', 'none of the connections in the file are valid'))).toBe(
      'none of the connections in the file are valid',
    )
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage('text')).toBe('text')
  })
})

describe('sessionOutcome', () => {
  const BACK = 'Back to connections'

  it.each([
    [error('auth', 'RFB_ERR_AUTH_FAILED'), 'The server did not accept the credentials', 'Enter password again', BACK, 'key'],
    [error('network', 'RFB_ERR_CONNECTION_REFUSED'), 'Cannot reach the server', 'Retry', BACK, 'refresh'],
    [error('network', 'HOST_DISCONNECTED'), 'Lost the connection to Tessera', 'Retry', BACK, 'refresh'],
    [error('network', 'OPEN_FAILED'), 'Cannot reach the server', 'Retry', BACK, 'refresh'],
    [error('refused', 'RFB_ERR_SERVER_REFUSED'), 'The server refused the connection', 'Retry', BACK, 'refresh'],
    [error('timeout', 'RFB_ERR_TIMEOUT'), 'The server did not answer in time', 'Retry', BACK, 'refresh'],
    [error('protocol', 'RFB_ERR_RECT_BOUNDS'), 'The server sent data Tessera cannot read', null, 'Close', 'refresh'],
    [error('unsupported', 'RFB_ERR_SECURITY'), 'This server needs something Tessera does not support', null, 'Close', 'refresh'],
    [error('closed', 'HOST_UNKNOWN_SESSION'), 'The session has ended', 'Reconnect', BACK, 'refresh'],
    [error('auth', 'RFB_ERR_CERT_UNTRUSTED'), 'The server’s identity could not be verified', 'Retry', BACK, 'refresh'],
    [error('auth', 'RFB_ERR_CERT_CHANGED'), 'The server’s certificate has changed', null, BACK, 'refresh'],
    [error('auth', 'RFB_ERR_HOSTKEY_REJECTED'), 'The SSH server’s identity could not be verified', 'Retry', BACK, 'refresh'],
    [error('auth', 'RFB_ERR_HOSTKEY_CHANGED'), 'The SSH server’s host key has changed', null, BACK, 'refresh'],
    [error('auth', 'RFB_ERR_HOSTKEY_TYPE_CHANGED'), 'The SSH server has a different kind of host key than before', null, BACK, 'refresh'],
    [error('unsupported', 'RFB_ERR_TLS_VERSION'), 'The server only offers an old, unsafe version of TLS', null, 'Close', 'refresh'],
  ])('%j', (e, title, retryLabel, closeLabel, retryIcon) => {
    expect(sessionOutcome(e)).toEqual({ title, retryLabel, closeLabel, retryIcon })
  })

  it('offers to reconnect a session that ended without an error', () => {
    expect(sessionOutcome(null)).toEqual({ title: 'The session has ended', retryLabel: 'Reconnect', closeLabel: BACK, retryIcon: 'refresh' })
  })
})
