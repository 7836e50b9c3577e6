import { CliError, EXIT } from './exit-codes'

/** Parsed command line: positionals in order, options by name (without dashes). */
export interface ParsedArgs {
  positional: string[]
  options: Map<string, string | true>
}

/** A usage mistake: reported as one line with exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(EXIT.USAGE, message)
  }
}

/**
 * Splits `--name value`, `--name=value` and `--flag`. `flags` lists the options that take no value;
 * anything else not in `valued` is refused so a typo never passes silently.
 */
export function parseArgs(argv: readonly string[], valued: readonly string[], flags: readonly string[]): ParsedArgs {
  const positional: string[] = []
  const options = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--') || a === '--') {
      positional.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = a.slice(2, eq < 0 ? undefined : eq)
    if (flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`)
      options.set(name, true)
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i]
      if (value === undefined) throw new UsageError(`--${name} needs a value`)
      options.set(name, value)
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  return { positional, options }
}

/** The value of a valued option, if given. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name)
  return typeof v === 'string' ? v : undefined
}

/** A valued option as a number within [min, max]; anything else is a usage error. */
export function numberOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = stringOption(args, name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`)
  return n
}
