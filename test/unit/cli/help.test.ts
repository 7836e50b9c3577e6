import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli'
import { UsageError } from '../../../src/main/cli/args'
import { COMMAND_SPECS, type CommandName, type CommandSpec, parseCommandArgs } from '../../../src/main/cli/command-specs'
import { formatTable } from '../../../src/main/cli/table'

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'recordings')

async function run(argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(
    argv,
    (l) => out.push(l),
    (l) => err.push(l),
  )
  return { code, out: out.join('\n'), err }
}

const commands = Object.keys(COMMAND_SPECS) as CommandName[]

describe('tessera help', () => {
  it.each(commands)('%s: help COMMAND, COMMAND --help and COMMAND -h print the same usage and exit 0', async (name) => {
    const viaHelp = await run(['help', name])
    expect(viaHelp.code).toBe(0)
    expect(viaHelp.out).toMatch(new RegExp(`^usage: tessera ${name} `))
    // --help wins over anything else on the line, even arguments that would be refused.
    for (const argv of [
      [name, '--help'],
      [name, 'x', '--bogus', '-h'],
    ]) {
      const r = await run(argv)
      expect(r.code, argv.join(' ')).toBe(0)
      expect(r.out).toBe(viaHelp.out)
    }
  })

  it.each(commands)('%s: the help names every option the command accepts, and it accepts every option the help names', async (name) => {
    const spec: CommandSpec = COMMAND_SPECS[name]
    const text = (await run(['help', name])).out
    const named = [...text.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]).filter((o) => o !== 'help')
    expect(named.sort()).toEqual([...spec.valued, ...spec.flags].sort())
    for (const o of spec.flags) expect(() => parseCommandArgs(name, [`--${o}`])).not.toThrow()
    for (const o of spec.valued) expect(() => parseCommandArgs(name, [`--${o}`, '1'])).not.toThrow()
    expect(() => parseCommandArgs(name, ['--no-such-option'])).toThrow(UsageError)
  })

  it('the SSH tunnel is in the help of every command that can use it', async () => {
    for (const name of ['snapshot', 'record', 'probe', 'proxy']) expect((await run([name, '--help'])).out).toMatch(/--ssh USER@HOST\[:PORT\]/)
  })

  it('lists every command, and refuses help on a command that does not exist', async () => {
    const all = await run(['--help'])
    expect(all.code).toBe(0)
    for (const name of commands) expect(all.out).toMatch(new RegExp(`^ {2}${name}\\b`, 'm'))
    const none = await run(['help', 'snapshoot'])
    expect(none.code).toBe(2)
    expect(none.err).toEqual(['tessera help: no command "snapshoot" (tessera help lists them)'])
  })
})

describe('tessera bench', () => {
  it('lines its columns up whatever the file names and encoding lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'))
    try {
      const long = join(dir, 'a-recording-with-a-much-longer-name-than-thirty-characters.fbs')
      copyFileSync(join(FIXTURES, 'qemu-tightpng.fbs'), long)
      const r = await run(['bench', '--runs', '1', join(FIXTURES, 'tigervnc-tight.fbs'), long])
      expect(r.code, r.err.join('\n')).toBe(0)
      const lines = r.out.split('\n')
      expect(lines).toHaveLength(3)
      // Each column starts where the header's does (text) or ends where it ends (numbers).
      const cells = lines.map((l) => [...l.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ start: m.index, end: m.index + m[0].length })))
      for (const row of cells) expect(row).toHaveLength(7)
      for (const row of cells.slice(1)) {
        for (const c of [0, 1, 2]) expect(row[c].start).toBe(cells[0][c].start)
        for (const c of [3, 4, 5, 6]) expect(row[c].end).toBe(cells[0][c].end)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('formatTable keeps two spaces between columns', () => {
    expect(
      formatTable(
        [
          ['a', 'n'],
          ['longer', '12345'],
        ],
        ['left', 'right'],
      ),
    ).toEqual(['a           n', 'longer  12345'])
  })
})
