import { readFileSync } from 'node:fs'
import { TYPING_LAYOUTS, type TypingLayout } from '@shared/keyboard-layouts'
import { MAX_TYPED_TEXT } from '@shared/type-text'
import { TextTypists } from '../host/text-typist'
import { connectRfb } from '../rfb/connect'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import type { RfbClient } from '../rfb/session'
import { scancodeFor } from '@shared/scancodes'
import { UsageError, numberOption, stringOption } from './args'
import { parseCommandArgs } from './command-specs'
import { CliError, EXIT } from './exit-codes'
import { readLocalFile } from './files'
import { credentialsFrom, securityArg, sshArg, targetArg, timeoutArg, tuningArgs } from './session-options'

/** The text to type: the argument, `--file F`, or standard input for `-`; exactly one of them. */
function textArg(positional: readonly string[], file: string | undefined): string {
  const given = positional[1]
  if (positional.length > 2) throw new UsageError('give the text as one argument (quote it), or use --file or -')
  if ((given === undefined) === (file === undefined)) throw new UsageError('give the text to type: TEXT, --file FILE, or - for standard input')
  const text = file !== undefined ? readLocalFile(file, 'text file').toString('utf8') : given === '-' ? readFileSync(0, 'utf8') : given!
  if (text.length === 0) throw new UsageError('the text to type is empty')
  if (text.length > MAX_TYPED_TEXT) throw new UsageError(`at most ${MAX_TYPED_TEXT} characters can be typed at once (this text has ${text.length})`)
  return text
}

function layoutArg(value: string | undefined): TypingLayout | undefined {
  if (value === undefined) return undefined
  if (!(TYPING_LAYOUTS as readonly string[]).includes(value)) throw new UsageError(`--layout must be one of ${TYPING_LAYOUTS.join(', ')}`)
  return value as TypingLayout
}

/** Resolves at the client's next update (or `ms` later, or when it closes). */
function nextUpdate(client: RfbClient, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      client.off('update', onUpdate)
      client.off('close', onClose)
      resolve(ok)
    }
    const onUpdate = (): void => done(true)
    const onClose = (): void => done(false)
    const timer = setTimeout(() => done(false), ms)
    client.on('update', onUpdate)
    client.on('close', onClose)
  })
}

/**
 * `tessera type TARGET [TEXT | --file F | -]`: types the text as key presses (newline is Enter,
 * tab is Tab), paced like the app's "Type text": keysyms, or with `--layout` and a server that takes
 * scancodes (QEMU), the keys of that layout. Characters that cannot be typed are listed and nothing
 * is sent (exit 7).
 */
export async function typeCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('type', argv)
  const target = targetArg(args.positional[0], args)
  const text = textArg(args.positional, stringOption(args, 'file'))
  const layout = layoutArg(stringOption(args, 'layout'))
  const delayMs = numberOption(args, 'delay-ms', 0, 1000) ?? 10
  const timeoutMs = timeoutArg(args, 15)
  const { client } = await connectRfb(target, {
    sink: new FramebufferSink(decodeImageNode),
    ...tuningArgs(args),
    autoUpdate: false,
    credentials: credentialsFrom(args, target),
    connectTimeoutMs: timeoutMs,
    handshakeTimeoutMs: timeoutMs,
    security: securityArg(args),
    ssh: sshArg(args),
  })
  try {
    // The server says it takes scancodes (QEMU Extended Key Event) with or before its first update.
    client.requestUpdate(false)
    await nextUpdate(client, timeoutMs)
    let result: { state: string; typed: number; total: number } | null = null
    let finished: () => void = () => {}
    const typists = new TextTypists((e) => {
      if (e.state !== 'typing') {
        result = e
        finished()
      }
    })
    const scancodes = client.features.qemuKeyEvents
    const ended = new Promise<void>((resolve) => (finished = resolve))
    try {
      typists.start(
        {
          id: 'cli',
          canType: () => client.state === 'connected',
          takesScancodes: () => scancodes,
          key: (keysym, down, code) => {
            const scancode = code ? scancodeFor(code) : null
            if (scancode) client.sendKeyWithScancode(keysym, scancode, down)
            else client.sendKey(keysym, down)
          },
        },
        text,
        layout,
        delayMs,
      )
    } catch (e) {
      // The typist lists what cannot be typed (a control character, a key the layout lacks).
      throw new CliError(EXIT.UNSUPPORTED, `nothing was typed: ${(e as Error).message}`)
    }
    await ended
    const r = result as { state: string; typed: number; total: number } | null
    if (!r || r.state !== 'done') throw new CliError(EXIT.NETWORK, `the connection ended after ${r?.typed ?? 0} of ${r?.total ?? 0} characters`)
    // An update asked for after the last key comes back only once the server has read the keys.
    client.requestUpdate(true)
    await nextUpdate(client, timeoutMs)
    out(`typed ${r.total} characters${layout && scancodes ? ` as ${layout.toUpperCase()} keys (scancodes)` : ''}`)
    return EXIT.OK
  } finally {
    client.close()
  }
}
