import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ERROR_CODES,
  ERROR_CODE_GROUPS,
  ERROR_KINDS,
  UNKNOWN_ERROR_CODE,
  isCertificateError,
  isErrorCode,
  isHostKeyError,
  readSessionError,
} from '../../../src/shared/error-codes'

const ROOT = join(import.meta.dirname, '../../..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path)
    return /\.(ts|vue|mts)$/.test(e.name) ? [path] : []
  })
}

/** Every quoted literal shaped like one of our codes, with where it stands. */
function codeLiterals(dir: string): { literal: string; where: string }[] {
  const found: { literal: string; where: string }[] = []
  for (const file of sourceFiles(dir)) {
    if (file === import.meta.filename) continue // its own examples of what is not a code
    const lines = readFileSync(file, 'utf8').split('\n')
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/['"`]((?:RFB_ERR|HOST|IMPORT|STORE|OPEN|SECRETS|DATA_DIR)_[A-Z0-9_]*)['"`]/g)) {
        found.push({ literal: m[1], where: `${relative(ROOT, file)}:${i + 1}` })
      }
    })
  }
  return found
}

describe('the closed list of error codes', () => {
  it('holds every code literal written in src/ and test/', () => {
    const found = [...codeLiterals(join(ROOT, 'src')), ...codeLiterals(join(ROOT, 'test'))]
    expect(found.filter((f) => f.where.startsWith('src/main/')).length).toBeGreaterThan(100) // the scan sees the throw sites
    const unknown = found.filter((f) => !isErrorCode(f.literal))
    expect(unknown.map((f) => `${f.literal} at ${f.where}`)).toEqual([])
  })

  it('holds every all-capitals code given to an error in src/', () => {
    // Catches codes outside the usual prefixes, e.g. `code: 'SOMETHING'` or `hostError(kind, 'X', ...)`.
    const unknown: string[] = []
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8')
      const patterns = [/\bcode\s*[:=]\s*'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g, /(?:Error|hostError)\([^()]*?'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g]
      for (const re of patterns) for (const m of text.matchAll(re)) if (!isErrorCode(m[1])) unknown.push(`${m[1]} in ${relative(ROOT, file)}`)
    }
    expect(unknown).toEqual([])
  })

  it('names each code once, in one group', () => {
    const all = Object.values(ERROR_CODE_GROUPS).flat()
    expect(new Set(all).size).toBe(all.length)
    expect([...ERROR_CODES]).toEqual(all)
    expect(ERROR_CODES).toContain(UNKNOWN_ERROR_CODE)
    for (const code of ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z0-9_]*[A-Z0-9]$/)
  })

  it('tells codes from other text', () => {
    expect(isErrorCode('RFB_ERR_ZLIB')).toBe(true)
    expect(isErrorCode('RFB_ERR_')).toBe(false)
    expect(isErrorCode('ECONNRESET')).toBe(false)
    expect(isErrorCode(42)).toBe(false)
  })

  it('groups certificate and host key codes without prefix matching', () => {
    expect(ERROR_CODES.filter(isCertificateError)).toEqual(['RFB_ERR_CERT_CHANGED', 'RFB_ERR_CERT_UNTRUSTED', 'RFB_ERR_CERT_REJECTED', 'RFB_ERR_CERT_INVALID'])
    expect(ERROR_CODES.filter(isHostKeyError)).toEqual([
      'RFB_ERR_HOSTKEY_CHANGED',
      'RFB_ERR_HOSTKEY_REVOKED',
      'RFB_ERR_HOSTKEY_UNKNOWN',
      'RFB_ERR_HOSTKEY_REJECTED',
      'RFB_ERR_HOSTKEY_TYPE_CHANGED',
    ])
  })
})

describe('readSessionError', () => {
  it('passes a well-formed error through unchanged', () => {
    const error = {
      kind: 'auth',
      code: 'RFB_ERR_CERT_CHANGED',
      message: 'changed',
      certificate: { server: 'h:5900', presentedSha256: 'AA', expectedSha256: 'BB', subject: 'CN=h' },
    }
    expect(readSessionError(error)).toEqual(error)
    expect(readSessionError({ kind: 'closed', code: 'HOST_CLOSED', message: 'closed' })).toEqual({ kind: 'closed', code: 'HOST_CLOSED', message: 'closed' })
  })

  it('maps a code it does not know to the generic one, keeping kind and message', () => {
    expect(readSessionError({ kind: 'network', code: 'ECONNRESET', message: 'reset' })).toEqual({ kind: 'network', code: UNKNOWN_ERROR_CODE, message: 'reset' })
    expect(readSessionError({ kind: 'auth', code: '<b>text a peer chose</b>', message: 'm' }).code).toBe(UNKNOWN_ERROR_CODE)
  })

  it('repairs what is not a SessionError and drops extra or malformed fields', () => {
    for (const value of [null, undefined, 'text', 42, [], {}]) {
      const e = readSessionError(value)
      expect(ERROR_KINDS).toContain(e.kind)
      expect(e.code).toBe(UNKNOWN_ERROR_CODE)
      expect(typeof e.message).toBe('string')
    }
    expect(readSessionError({ kind: 'weird', code: 'HOST_INTERNAL', message: 'm', stack: 'at x', extra: 1 })).toEqual({
      kind: 'protocol',
      code: 'HOST_INTERNAL',
      message: 'm',
    })
    expect(readSessionError({ kind: 'auth', code: 'RFB_ERR_CERT_INVALID', message: 'm', certificate: { server: 1 } })).toEqual({
      kind: 'auth',
      code: 'RFB_ERR_CERT_INVALID',
      message: 'm',
    })
  })
})
