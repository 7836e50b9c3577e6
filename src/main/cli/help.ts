import { COMMAND_SPECS, type CommandName, type CommandSpec, OPTION_HELP, type OptionName, TARGET_LINES } from './command-specs'
import { EXIT_CODE_MEANINGS, type ExitCode } from './exit-codes'

/** Left column width of option and command lists; longer entries put their text on the next line. */
const COLUMN = 30

function row(left: string, text: string): string {
  const l = `  ${left}`
  return l.length < COLUMN ? `${l.padEnd(COLUMN)}${text}` : `${l}\n${' '.repeat(COLUMN)}${text}`
}

/** `tessera help` and `tessera --help`: every command in one line each, and where to read more. */
export function generalHelp(): string {
  const names = Object.keys(COMMAND_SPECS) as CommandName[]
  return [
    'usage: tessera COMMAND [options]',
    '',
    'Commands:',
    ...names.map((n) => row(COMMAND_SPECS[n].usage.replace(' [options]', ''), COMMAND_SPECS[n].summary)),
    '',
    ...TARGET_LINES,
    '',
    '  tessera help COMMAND (or tessera COMMAND --help)   the options of one command',
    '  tessera help exit-codes                           what each exit code means',
    '  tessera --version                                 the version',
    '',
    'Passwords come from --password-file FILE or the TESSERA_PASSWORD environment variable, never from',
    'the command line. Failures print one line on stderr; TESSERA_DEBUG=1 adds details to unexpected ones.',
  ].join('\n')
}

/** `tessera help COMMAND`: its usage, what it does, and every option it takes. */
export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMAND_SPECS[name]
  const options = [...spec.valued, ...spec.flags] as OptionName[]
  const lines = [`usage: tessera ${spec.usage}`, '', `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`]
  if (spec.about.length) lines.push('', ...spec.about)
  if (options.length) {
    lines.push('', 'Options:')
    for (const o of options) {
      const help: { value?: string; text: string } = OPTION_HELP[o]
      lines.push(row(`--${o}${help.value ? ` ${help.value}` : ''}`, spec.overrides?.[o] ?? help.text))
    }
  }
  lines.push(row('--help', 'this help'))
  return lines.join('\n')
}

/** `tessera help exit-codes`: the table of src/main/cli/exit-codes.ts. */
export function exitCodesHelp(): string {
  const codes = Object.keys(EXIT_CODE_MEANINGS).map(Number) as ExitCode[]
  return ['Exit codes:', ...codes.map((c) => `  ${String(c).padStart(2)}  ${EXIT_CODE_MEANINGS[c]}`)].join('\n')
}

/** Whether `name` is a command. */
export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_SPECS, name)
}
