import { UnsupportedError } from '../errors'
import { ArdSecurity } from './ard'
import { MsLogon2Security } from './mslogon2'
import { NoneSecurity } from './none'
import { RSA_AES_TYPES, RsaAesSecurity } from './rsa-aes'
import { candidatesFor, checkDictated, choose } from './policy'
import { type SecurityContext, type SecurityHandler, SecurityType, offeredNames, securityTypeName } from './security-handler'
import { TightSecurity } from './tight'
import { VeNCryptSecurity } from './vencrypt'
import { VncAuthSecurity } from './vnc-auth'

/** Top-level security types this build speaks; the policy (security/policy.ts) orders them. */
const FACTORIES: ReadonlyMap<number, (ctx: SecurityContext) => SecurityHandler> = new Map<number, (ctx: SecurityContext) => SecurityHandler>([
  [SecurityType.VeNCrypt, (ctx) => new VeNCryptSecurity(ctx)],
  [SecurityType.Tight, (ctx) => new TightSecurity(ctx)],
  [SecurityType.VncAuth, () => new VncAuthSecurity()],
  [SecurityType.AppleARD, () => new ArdSecurity()],
  [SecurityType.MSLogon2, () => new MsLogon2Security()],
  [SecurityType.None, () => new NoneSecurity()],
  ...RSA_AES_TYPES.map((t): [number, (ctx: SecurityContext) => SecurityHandler] => [t, (ctx) => new RsaAesSecurity(t, ctx)]),
])

const SPEAKS = [...FACTORIES.keys()]

/**
 * The handler for the best type the server offers (RFB 3.7+) under the connection's policy.
 * Throws UnsupportedError (RFB_ERR_SECURITY: nothing in common; RFB_ERR_POLICY: the policy
 * forbids everything offered) before anything is sent.
 */
export function chooseSecurity(offered: readonly number[], ctx: SecurityContext): SecurityHandler {
  const names = offeredNames(offered)
  const chosen = choose(candidatesFor(offered, SPEAKS, ctx.options), names, 'the server', ctx.options)
  return FACTORIES.get(chosen.code)!(ctx)
}

/** The handler for a type the server dictates (RFB 3.3: None or VNC auth), if the policy allows it. */
export function securityFor(type: number, ctx: SecurityContext): SecurityHandler {
  const [candidate] = candidatesFor([type], [SecurityType.None, SecurityType.VncAuth], ctx.options)
  if (!candidate) {
    throw new UnsupportedError(
      `the server requires security type ${securityTypeName(type).replace(/^type /, '')}, which Tessera does not support`,
      'RFB_ERR_SECURITY',
    )
  }
  checkDictated(candidate, ctx.options)
  return FACTORIES.get(type)!(ctx)
}
