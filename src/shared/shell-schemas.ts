import type { ShellRequestName, ShellRequests } from './contract'
import { localFolder } from './file-schemas'
import { ID_PATTERN, LIMITS, handOffCode } from './schemas'
import { type Infer, type Schema, int, literal, none, object, optional, string, union } from './validate'

/**
 * Runtime schemas for what a renderer may ask of the Electron shell (`ShellRequests`), checked
 * in main before anything acts on them; the type checker ties each one to the contract, the
 * same way schemas.ts does for the host's requests.
 */

const id = string({ min: 1, max: 64, pattern: ID_PATTERN })
const placement = literal('window', 'tab')
// Electron's display ids are unsigned 32-bit on every platform we build for (int64 in Chromium, but never that large).
const displayId = int(0, 0xffffffff)

type ShellSchemas = { [K in ShellRequestName]: Schema<ShellRequests[K][0]> }

const schemaOf = {
  'shell.openSession': union(
    object({ profileId: id, placement }),
    object({ address: string({ min: 1, max: LIMITS.address }), placement }),
    object({ adoptSessionId: id, handOffCode, placement }),
  ),
  'shell.openWall': union(object({ folder: string({ max: LIMITS.group }) }), object({ open: literal(true) })),
  'shell.focusSession': object({ sessionId: id }),
  'shell.displays': none(),
  'shell.fullscreen': object({ mode: literal('off', 'current', 'display', 'all'), displayId: optional(displayId) }),
  // A plain file name, never a path: main joins it to the data folder itself.
  'shell.showDataFile': object({ name: string({ min: 1, max: 255, pattern: /^(?!\.)[\w.-]+$/ }) }),
  // Only where the picker starts: an absolute path as the download field takes it, or nothing.
  'shell.chooseFolder': object({ current: optional(localFolder) }),
  'shell.openRecordingFile': none(),
} satisfies ShellSchemas

/** Every key of every member of a union. */
type Keys<T> = T extends unknown ? keyof T : never
/** True when A and B are the same type: each assignable to the other, with the same keys (optional ones too). */
type Same<A, B> = [A, Keys<A>] extends [B, Keys<B>] ? ([B, Keys<B>] extends [A, Keys<A>] ? true : false) : false
/** Compiles only when every entry is `true`; an error points at the request that disagrees. */
type AllTrue<T extends { [K in ShellRequestName]: true }> = T

// Contract and schema must agree both ways, so neither gains or loses a field alone. Types only.
export type ShellContractAgrees = AllTrue<{ [K in ShellRequestName]: Same<Infer<(typeof schemaOf)[K]>, ShellRequests[K][0]> }>

/** The schema of each shell request's argument. */
export const shellRequestSchemas: ShellSchemas = schemaOf

/** Every shell request name, for the IPC layer that registers one handler per name. */
export const SHELL_REQUEST_NAMES = Object.keys(shellRequestSchemas) as ShellRequestName[]

/** Whether `name` is one of the shell's requests. */
export function isShellRequestName(name: unknown): name is ShellRequestName {
  return typeof name === 'string' && Object.hasOwn(shellRequestSchemas, name)
}
