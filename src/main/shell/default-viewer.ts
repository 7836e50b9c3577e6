import { resolve } from 'node:path'
import { app } from 'electron'

/** How the OS starts this copy of Tessera: the program, and arguments that go before any of ours. */
export interface SelfCommand {
  program: string
  args: string[]
}

export interface ProcessInfo {
  execPath: string
  argv: readonly string[]
  /** Electron's `process.defaultApp`: started as `electron <app dir>` (development). */
  defaultApp?: boolean
  env: NodeJS.ProcessEnv
}

const current = (): ProcessInfo => ({ execPath: process.execPath, argv: process.argv, defaultApp: process.defaultApp, env: process.env })

/**
 * The command that starts this Tessera again. The portable Windows build runs from a temporary
 * unpacked copy, so the OS must be pointed at the portable exe itself; in development Electron
 * runs the app directory named on its command line, which must then be passed again.
 */
export function selfCommand(proc: ProcessInfo = current()): SelfCommand {
  const portable = proc.env.PORTABLE_EXECUTABLE_FILE
  if (portable) return { program: portable, args: [] }
  if (proc.defaultApp && proc.argv.length >= 2) return { program: proc.execPath, args: [resolve(proc.argv[1])] }
  return { program: proc.execPath, args: [] }
}

/** Arguments as one Windows command-line string (jump list entries take a string). */
export function windowsArgs(args: readonly string[]): string {
  return args.map((a) => (/[\s"]/.test(a) || a === '' ? `"${a.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"` : a)).join(' ')
}

export const VNC_SCHEME = 'vnc'

/** vnc:// links open in this Tessera. (Path and arguments matter only on Windows; Electron ignores them elsewhere.) */
export function isDefaultViewer(proc?: ProcessInfo): boolean {
  const self = selfCommand(proc)
  return app.isDefaultProtocolClient(VNC_SCHEME, self.program, self.args)
}

/** Registers this Tessera for vnc:// links; false when the OS refused. */
export function makeDefaultViewer(proc?: ProcessInfo): boolean {
  const self = selfCommand(proc)
  return app.setAsDefaultProtocolClient(VNC_SCHEME, self.program, self.args)
}
