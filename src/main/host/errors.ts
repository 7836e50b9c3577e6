import type { SessionError } from '@shared/contract'
import type { ErrorCode, ErrorKind } from '@shared/error-codes'
import { ValidationError } from '@shared/validate'
import { RfbError } from '../rfb/errors'
import { StoreError } from './connection-store'

/** A request the host refuses, carrying the value the renderer is shown. */
export class HostError extends Error {
  override name = 'HostError'
  constructor(readonly error: SessionError) {
    super(error.message)
  }
}

/** A HostError with `code` from the closed list in src/shared/error-codes.ts. */
export function hostError(kind: ErrorKind, code: ErrorCode, message: string): HostError {
  return new HostError({ kind, code, message })
}

/**
 * Any failure as a presentable SessionError; unexpected ones become a generic value (the
 * details go to the log, never to the renderer, and never a stack trace).
 */
export function toSessionError(e: unknown): { error: SessionError; unexpected: boolean } {
  if (e instanceof HostError) return { error: e.error, unexpected: false }
  if (e instanceof RfbError) return { error: { kind: e.kind, code: e.code, message: e.message }, unexpected: false }
  if (e instanceof ValidationError) return { error: { kind: 'protocol', code: 'HOST_INVALID_REQUEST', message: e.message }, unexpected: false }
  if (e instanceof StoreError) return { error: { kind: 'refused', code: e.code, message: e.message }, unexpected: false }
  return { error: { kind: 'protocol', code: 'HOST_INTERNAL', message: 'internal error in the Tessera host' }, unexpected: true }
}
