import { NoneSecurity } from './none'
import { type SecurityHandler, SecurityType } from './security-handler'
import { VncAuthSecurity } from './vnc-auth'

/** Security types this build can speak, most preferred first. */
const FACTORIES: ReadonlyMap<number, () => SecurityHandler> = new Map<number, () => SecurityHandler>([
  // With no encryption available yet, None is preferred when offered: the server needs no password then.
  [SecurityType.None, () => new NoneSecurity()],
  [SecurityType.VncAuth, () => new VncAuthSecurity()],
])

/** Picks the first type in our preference order that the server offers; null when none fits. */
export function chooseSecurity(offered: readonly number[]): SecurityHandler | null {
  for (const [type, make] of FACTORIES) if (offered.includes(type)) return make()
  return null
}

/** The handler for a type the server dictates (RFB 3.3), or null when we cannot speak it. */
export function securityFor(type: number): SecurityHandler | null {
  return FACTORIES.get(type)?.() ?? null
}
