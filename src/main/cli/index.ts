import packageJson from '../../../package.json' with { type: 'json' }
import { audioCommand } from './audio'
import { benchCommand } from './bench'
import type { CommandName } from './command-specs'
import { EXIT, describeFailure } from './exit-codes'
import { filesCommand } from './file-transfer'
import { commandHelp, exitCodesHelp, generalHelp, isCommand } from './help'
import { listenCommand } from './listen'
import { probeCommand } from './probe'
import { proxyCommand } from './proxy'
import { recordCommand } from './record'
import { replayCommand } from './replay'
import { snapshotCommand } from './snapshot'
import { typeCommand } from './type'
import { webCommand } from './web'
import { terminalSafe } from '../rfb/text'

type Command = (argv: readonly string[], out: (line: string) => void) => Promise<number>

const COMMANDS: Record<CommandName, Command> = {
  snapshot: snapshotCommand,
  record: recordCommand,
  replay: replayCommand,
  probe: probeCommand,
  type: typeCommand,
  audio: audioCommand,
  files: filesCommand,
  bench: benchCommand,
  web: webCommand,
  listen: listenCommand,
  proxy: proxyCommand,
}

/** Whether the arguments ask for help (`--help` or `-h` before any `--`). */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

/** `tessera help [TOPIC]`: a command's help, the exit codes, or the list of commands. */
function help(topic: string | undefined, out: (line: string) => void, err: (line: string) => void): number {
  if (topic === undefined) out(generalHelp())
  else if (isCommand(topic)) out(commandHelp(topic))
  else if (topic === 'exit-codes') out(exitCodesHelp())
  else {
    err(`tessera help: no command "${topic}" (tessera help lists them)`)
    return EXIT.USAGE
  }
  return EXIT.OK
}

/**
 * Runs the CLI; returns the exit code (src/main/cli/exit-codes.ts). Every failure prints one
 * line on `err`, never a stack; TESSERA_DEBUG=1 adds the stack of an unexpected one.
 */
export async function main(
  argv: readonly string[],
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  writeErr: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  // Server text reaches these lines (names, reasons, certificate fields): no escape sequence gets through.
  const out = (line: string): void => write(terminalSafe(line))
  const err = (line: string): void => writeErr(terminalSafe(line))
  const [name, ...rest] = argv
  if (name === undefined) {
    out(generalHelp())
    return EXIT.USAGE
  }
  if (name === '--help' || name === '-h') return help(undefined, out, err)
  if (name === 'help') return help(rest[0], out, err)
  if (name === '--version' || name === '-V' || name === 'version') {
    out(`tessera ${packageJson.version} (Node ${process.versions.node})`)
    return EXIT.OK
  }
  if (!isCommand(name)) {
    err(`tessera: unknown command "${name}" (tessera --help lists the commands)`)
    return EXIT.USAGE
  }
  if (asksForHelp(rest)) return help(name, out, err)
  try {
    return await COMMANDS[name](rest, out)
  } catch (e) {
    const failure = describeFailure(e, Boolean(process.env.TESSERA_DEBUG))
    err(`tessera ${name}: ${failure.message}`)
    return failure.exitCode
  }
}
