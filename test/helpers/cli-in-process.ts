import { main } from '../../src/main/cli'

/** What one in-process CLI run returned: its exit code and the lines it wrote to stdout and stderr. */
export interface CliRun {
  code: number
  out: string[]
  err: string[]
}

/** Runs `tessera ARGV...` in this process (no build needed), collecting its output lines. */
export async function runCli(argv: string[]): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(
    argv,
    (l) => out.push(l),
    (l) => err.push(l),
  )
  return { code, out, err }
}
