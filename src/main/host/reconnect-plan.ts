import type { ReconnectSetting } from '@shared/preferences'
import type { RfbError } from '../rfb/errors'
import type { ReconnectPolicy } from './session-host'

/** What a session does after its connection failed: try again after `delayMs`, ask the user first, or end. */
export type ReconnectPlan = { kind: 'retry'; delayMs: number } | { kind: 'ask' } | { kind: 'end' }

/**
 * Decides what follows a failure. Only a connection that reached the desktop and then dropped
 * (network, timeout) is tried again: by itself with `automatic` (back-off `baseMs * 2^failures`,
 * capped, at most `attempts` in a row), after the user's yes with `ask`, never with `never`.
 */
export function reconnectPlan(err: RfbError, everConnected: boolean, setting: ReconnectSetting, failures: number, policy: ReconnectPolicy): ReconnectPlan {
  const dropped = everConnected && (err.kind === 'network' || err.kind === 'timeout')
  if (!dropped || setting === 'never') return { kind: 'end' }
  if (setting === 'ask') return { kind: 'ask' }
  if (failures >= policy.attempts) return { kind: 'end' }
  return { kind: 'retry', delayMs: Math.min(policy.maxMs, policy.baseMs * 2 ** failures) }
}
