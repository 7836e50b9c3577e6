import { ERROR_CODE_GROUPS, type ErrorCode } from '@shared/error-codes'
import { StoreError } from '../host/connection-store'
import { RfbError } from '../rfb/errors'

/**
 * The CLI's exit codes: a closed table, so a script can tell a wrong password from a dead server
 * or a full disk. 3-7 keep the meanings they had before the table was written down. docs/cli.md
 * lists the same table; test/unit/cli/exit-codes.test.ts checks that it does.
 */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  NETWORK: 3,
  TIMEOUT: 4,
  AUTH: 5,
  PROTOCOL: 6,
  UNSUPPORTED: 7,
  TRUST: 8,
  FILE: 9,
  BUSY: 10,
} as const

/** One of the values of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** What each exit code means, in the words `tessera help exit-codes` and docs/cli.md use. */
export const EXIT_CODE_MEANINGS: Record<ExitCode, string> = {
  0: 'done',
  1: 'an unexpected failure inside Tessera (a bug: please report it; TESSERA_DEBUG=1 prints the details), or Tessera is not built',
  2: 'the command line is wrong: unknown command or option, a missing or bad value',
  3: 'cannot reach the server: connection refused, host not found, unreachable, the link closed (TCP, TLS, SSH or repeater)',
  4: 'the server (or the reverse connection waited for) did not answer in time',
  5: 'the server refused the login: wrong or missing password, or it turned the connection away',
  6: 'the server, or a recording, broke the protocol (the message gives the byte offset)',
  7: 'the server and Tessera have nothing in common: version, security type, a feature, or keys for a character to type',
  8: 'refused for safety: a certificate, SSH host key or server key was not trusted or changed, or the --security policy was not met',
  9: 'a local file cannot be read or written: password, key, CA or known-hosts file, the output, a recording, the trust store or data folder',
  10: 'busy: the port to listen on is in use (or not allowed), or another Tessera is using the data folder',
}

/** A failure the CLI expects: its message is one presentable line and it carries its exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Security refusals that no password or retry would change: decided by trust or the policy. */
const TRUST_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ...ERROR_CODE_GROUPS.certificate,
  ...ERROR_CODE_GROUPS.hostKey,
  ...ERROR_CODE_GROUPS.serverKey,
  'RFB_ERR_POLICY',
  'RFB_ERR_DOWNGRADE',
  'RFB_ERR_PLAIN_REFUSED',
])

/** The engine's error kinds (src/shared/error-codes.ts) as exit codes, for codes not named above. */
const KIND_EXIT: Record<RfbError['kind'], ExitCode> = {
  network: EXIT.NETWORK,
  closed: EXIT.NETWORK,
  timeout: EXIT.TIMEOUT,
  auth: EXIT.AUTH,
  refused: EXIT.AUTH,
  protocol: EXIT.PROTOCOL,
  unsupported: EXIT.UNSUPPORTED,
}

/** Node's errno codes in words a user can act on. */
const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
}

/** The errno's words, or Node's own message without its `ECODE: ` prefix. */
export function errnoWords(e: NodeJS.ErrnoException): string {
  return (e.code && ERRNO_WORDS[e.code]) ?? e.message.replace(/^E[A-Z]+: /, '')
}

/** Whether `e` is a failure to listen on an address (net.Server's `listen` error). */
function isListenFailure(e: NodeJS.ErrnoException): boolean {
  return e.syscall === 'listen' || e.syscall === 'bind' || e.code === 'EADDRINUSE'
}

/** A listen failure as one line: which address, and why in words. */
function listenLine(e: NodeJS.ErrnoException & { address?: string; port?: number }): string {
  const where = e.port !== undefined ? `${e.address ?? ''}:${e.port}` : (e.address ?? 'the address')
  const why =
    e.code === 'EADDRINUSE'
      ? 'the port is in use (another program holds it; pick another port)'
      : e.code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : e.code === 'EADDRNOTAVAIL'
          ? 'this computer has no such address'
          : errnoWords(e)
  return `cannot listen on ${where}: ${why}`
}

/** A failure as the CLI reports it: the exit code and one line for stderr (more only when debugging). */
export interface Failure {
  exitCode: ExitCode
  message: string
}

/**
 * Maps anything a command threw to its exit code and a one-line message. Errors the CLI does not
 * know are exit 1; their stack is added only when `debug` is set (TESSERA_DEBUG=1).
 */
export function describeFailure(e: unknown, debug = false): Failure {
  if (e instanceof CliError) return { exitCode: e.exitCode, message: e.message }
  if (e instanceof RfbError) {
    // A local problem found while the handshake asked for the password is still a local problem.
    if (e.cause instanceof CliError) return describeFailure(e.cause, debug)
    if (TRUST_CODES.has(e.code)) return { exitCode: EXIT.TRUST, message: e.message }
    if (e.code === 'RFB_ERR_TRUST_STORE') return { exitCode: EXIT.FILE, message: e.message }
    if (e.code === 'RFB_ERR_LISTEN') return { exitCode: EXIT.BUSY, message: e.message }
    return { exitCode: KIND_EXIT[e.kind], message: e.message }
  }
  if (e instanceof StoreError) return { exitCode: e.code === 'DATA_DIR_LOCKED' ? EXIT.BUSY : EXIT.FILE, message: e.message }
  const errno = e as NodeJS.ErrnoException & { address?: string; port?: number }
  if (e instanceof Error && typeof errno.code === 'string') {
    if (isListenFailure(errno)) return { exitCode: EXIT.BUSY, message: listenLine(errno) }
    if (errno.code in ERRNO_WORDS) return { exitCode: EXIT.FILE, message: `cannot use ${errno.path ?? 'a file'}: ${errnoWords(errno)}` }
  }
  const text = e instanceof Error ? e.message : String(e)
  const stack = debug && e instanceof Error && e.stack ? `\n${e.stack}` : ''
  return {
    exitCode: EXIT.INTERNAL,
    message: `unexpected error: ${text.split('\n')[0]} (this is a bug in Tessera; run again with TESSERA_DEBUG=1 for details)${stack}`,
  }
}
