import { describe, expect, it } from 'vitest'
import type { SessionError } from '../../../src/shared/contract'
import { ERROR_CODES, type ErrorCode, type ErrorKind } from '../../../src/shared/error-codes'
import { ERROR_WORDS, errorHint, errorMessage, errorTitle, sessionOutcome } from '../../../src/renderer/src/lib/errors'
import { messagesFor } from '../../../src/shared/i18n/catalog'
import { SUPPORTED_LOCALES } from '../../../src/shared/i18n/locales'

const error = (kind: ErrorKind, code: ErrorCode, message = 'detail'): SessionError => ({ kind, code, message })

describe('the renderer words for error codes', () => {
  it('has words for every code and for nothing else', () => {
    expect(Object.keys(ERROR_WORDS).sort()).toEqual([...ERROR_CODES].sort())
  })

  it.each(SUPPORTED_LOCALES)('has a headline and a hint for every code in %s, keys that exist', (locale) => {
    const { errors } = messagesFor(locale)
    for (const code of ERROR_CODES) {
      const { title, hint } = ERROR_WORDS[code]
      expect(errors.title[title], `${locale} errors.title.${title} (${code})`).toBeTruthy()
      expect(errors.hint[hint], `${locale} errors.hint.${hint} (${code})`).toBeTruthy()
    }
  })

  it('words each headline and hint in plain language, never the code', () => {
    for (const code of ERROR_CODES) {
      const title = errorTitle(error('network', code))
      expect(title, code).toMatch(/^[A-Z][^_]+[^.]$/)
      expect(title, code).not.toMatch(/[A-Z]{2,}_|RFB|ERR/)
      const hint = errorHint(code)
      expect(hint, code).toMatch(/^[A-Z].+\.$/)
      expect(hint, code).not.toMatch(/[A-Z]{2,}_|RFB_|ERR_/)
    }
  })

  it('says what to try when nothing answers at a port, naming the display-to-port rule', () => {
    expect(errorHint('RFB_ERR_CONNECTION_REFUSED')).toMatch(/server is running.*display :1 is port 5901.*firewall/)
  })

  it('gives an unknown code the generic headline', () => {
    expect(errorTitle({ kind: 'network', code: 'ECONNRESET' as ErrorCode, message: 'm' })).toBe(errorTitle(error('closed', 'HOST_UNKNOWN_ERROR')))
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
    [error('auth', 'RFB_ERR_AUTH_FAILED'), 'The server did not accept the password', 'Enter password again', BACK, 'key'],
    [error('network', 'RFB_ERR_CONNECTION_REFUSED'), 'The connection was refused', 'Reconnect', BACK, 'refresh'],
    [error('network', 'HOST_DISCONNECTED'), 'Lost the connection to Tessera', 'Reconnect', BACK, 'refresh'],
    [error('network', 'OPEN_FAILED'), 'Cannot reach the server', 'Reconnect', BACK, 'refresh'],
    [error('refused', 'RFB_ERR_SERVER_REFUSED'), 'The server turned the connection away', 'Reconnect', BACK, 'refresh'],
    [error('timeout', 'RFB_ERR_TIMEOUT'), 'The server did not answer in time', 'Reconnect', BACK, 'refresh'],
    [error('protocol', 'RFB_ERR_RECT_BOUNDS'), 'The server sent data Tessera cannot read', null, BACK, 'refresh'],
    [error('unsupported', 'RFB_ERR_SECURITY'), 'Tessera and the server have no security method in common', null, BACK, 'refresh'],
    [error('closed', 'HOST_UNKNOWN_SESSION'), 'The session has ended', 'Reconnect', BACK, 'refresh'],
    [error('auth', 'RFB_ERR_CERT_UNTRUSTED'), 'The server’s identity could not be verified', 'Reconnect', BACK, 'refresh'],
    [error('auth', 'RFB_ERR_CERT_CHANGED'), 'The server’s certificate has changed', null, BACK, 'refresh'],
    [error('auth', 'RFB_ERR_HOSTKEY_REJECTED'), 'The SSH server’s identity could not be verified', 'Reconnect', BACK, 'refresh'],
    [error('auth', 'RFB_ERR_HOSTKEY_CHANGED'), 'The SSH server’s host key has changed', null, BACK, 'refresh'],
    [error('auth', 'RFB_ERR_HOSTKEY_TYPE_CHANGED'), 'The SSH server has a different kind of host key than before', null, BACK, 'refresh'],
    [error('unsupported', 'RFB_ERR_TLS_VERSION'), 'The server only offers an old, unsafe version of TLS', null, BACK, 'refresh'],
  ])('%j', (e, title, retryLabel, closeLabel, retryIcon) => {
    expect(sessionOutcome(e)).toEqual({ title, hint: errorHint(e.code), retryLabel, closeLabel, retryIcon })
  })

  it('offers to reconnect a session that ended without an error', () => {
    expect(sessionOutcome(null)).toEqual({ title: 'The session has ended', hint: null, retryLabel: 'Reconnect', closeLabel: BACK, retryIcon: 'refresh' })
  })

  it('words each action once, the same for every kind: Reconnect, and a close that says where it goes', () => {
    const kinds = ['network', 'refused', 'timeout', 'closed'] as const
    expect(new Set(kinds.map((k) => sessionOutcome(error(k, 'RFB_ERR_NETWORK')).retryLabel))).toEqual(new Set(['Reconnect']))
    expect(sessionOutcome(error('network', 'RFB_ERR_NETWORK'), false, 'tab').closeLabel).toBe(BACK)
    expect(sessionOutcome(error('network', 'RFB_ERR_NETWORK'), false, 'window').closeLabel).toBe('Close window')
    expect(sessionOutcome(error('protocol', 'RFB_ERR_RECT_BOUNDS'), false, 'window').closeLabel).toBe('Close window')
    expect(sessionOutcome(null, false, 'window-tab').closeLabel).toBe('Close tab')
  })

  it('calls a session the user cancelled "Cancelled", not an error', () => {
    expect(sessionOutcome(null, true)).toMatchObject({ title: 'Cancelled', hint: null })
  })
})
