/**
 * The xterm that covers a whole X screen and runs content.mjs (the pipeline bench's live content,
 * and the frames of the viewers bench's Tight streams): 10x20 font, no border, no scrollback.
 */
import type { ChildProcess } from 'node:child_process'
import type { RunningServer } from '../../test/helpers/vnc-servers'

/** Starts the xterm on `server`'s display, running `node content.mjs ...args`. */
export function startContentXterm(server: RunningServer, width: number, height: number, contentScript: string, args: string[]): ChildProcess {
  const xterm = server.spawnClient('xterm', [
    '-geometry',
    `${width / 10}x${height / 20}+0+0`,
    '-fn',
    '10x20',
    '-b',
    '0',
    '-bw',
    '0',
    '-bg',
    '#000000',
    '-fg',
    '#ffffff',
    '-xrm',
    'XTerm*cursorBlink: false',
    '-xrm',
    'XTerm*saveLines: 0',
    '-title',
    'pipeline-content',
    '-e',
    process.execPath,
    contentScript,
    ...args,
  ])
  xterm.stdout?.resume()
  xterm.stderr?.resume()
  return xterm
}
