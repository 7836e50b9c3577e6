import * as msg from './client-messages'
import { ExtendedClipboard } from './extended-clipboard'

/**
 * Plain ClientCutText longer than this is not sent: libvncserver (x11vnc) and QEMU close the
 * connection of a client that sends more, TigerVNC ignores it (its MaxCutText is lower still).
 */
export const PLAIN_CUT_TEXT_LIMIT = 1 << 20

/**
 * The session's clipboard in both directions: Extended Clipboard (UTF-8) once the server sent its
 * caps, plain Latin-1 cut text otherwise; writes through the session's `send`.
 */
export class ClipboardChannel {
  private readonly extended = new ExtendedClipboard()

  constructor(
    private readonly send: (data: Uint8Array, trace: string) => void,
    private readonly trace?: (direction: 'out', line: string) => void,
  ) {}

  /** True once the server sent its Extended Clipboard caps. */
  get extendedActive(): boolean {
    return this.extended.active
  }

  /** See RfbClient.sendClipboard. */
  offer(text: string): void {
    const clipboard = this.extended
    if (clipboard.active) {
      const payloads = clipboard.offer(text)
      // Plain first: where the server does read the extended form, its UTF-8 text is the one that stays.
      const plainFits = text.length <= PLAIN_CUT_TEXT_LIMIT
      if (payloads.length > 0 && clipboard.alsoPlain && plainFits) this.send(msg.clientCutText(text), `ClientCutText ${text.length} chars`)
      for (const p of payloads) this.send(msg.extendedClientCutText(p), `ClientCutText extended ${p.length} bytes`)
      if (payloads.length > 0) return
    }
    if (text.length > PLAIN_CUT_TEXT_LIMIT) {
      this.trace?.('out', `ClientCutText of ${text.length} chars not sent: over the ${PLAIN_CUT_TEXT_LIMIT} bytes servers accept`)
      return
    }
    this.send(msg.clientCutText(text), `ClientCutText ${text.length} chars`)
  }

  /**
   * One Extended Clipboard message from the server (`at`: its stream offset, for errors): its
   * replies go out at once; returns the text the server provided, if any.
   */
  receive(body: Uint8Array, at: number): string | undefined {
    const outcome = this.extended.receive(body, at)
    for (const reply of outcome.replies) this.send(msg.extendedClientCutText(reply), `ClientCutText extended ${reply.length} bytes`)
    return outcome.text
  }
}
