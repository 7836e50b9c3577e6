import type { PowerAction, ScreenRect } from '@shared/contract'
import { scancodeFor } from '@shared/scancodes'
import type { RfbClient } from '../rfb/session'
import { hostError } from './errors'
import { sendPower } from './session-events'

/**
 * What the user sends to a session's server: keys, pointer, clipboard, size and power requests.
 * Input goes only to a connected client (`live`: null while (re)connecting, and then dropped, as a
 * viewer would), and none at all to a view-only session or a watch tile.
 */
export class SessionInput {
  constructor(
    private readonly live: () => RfbClient | null,
    private readonly viewOnly: () => boolean,
    private readonly watch: boolean,
  ) {}

  /** A key, with its physical position (DOM `code`) when the renderer knows it: QEMU consoles then type layout-independently. */
  key(keysym: number, down: boolean, code?: string): void {
    if (this.viewOnly()) return
    const client = this.live()
    if (!client) return
    const scancode = scancodeFor(code)
    if (scancode) client.sendKeyWithScancode(keysym, scancode, down)
    else client.sendKey(keysym, down)
  }

  /** Buttons as the engine takes them: bits 0-6 buttons 1-7, bits 7-8 back/forward (extended). */
  pointer(buttons: number, x: number, y: number): void {
    if (this.viewOnly()) return
    this.live()?.sendPointer(buttons, x, y)
  }

  /** Asks the server for this size (as the monitors `screens` when given); settles with its answer (DesktopSizeError). */
  async resize(width: number, height: number, screens?: ScreenRect[]): Promise<void> {
    const client = this.live()
    if (client && !client.features.extendedDesktopSize) {
      throw hostError('unsupported', 'HOST_RESIZE_UNSUPPORTED', 'this server cannot be resized from the viewer')
    }
    await client?.resizeDesktop(width, height, screens)
  }

  /** The local clipboard to the server; a watch tile never shares it. */
  clipboard(text: string): void {
    if (this.watch) return
    this.live()?.sendClipboard(text)
  }

  /**
   * Shuts down, reboots or resets the remote computer (XVP). Refused while not connected, for
   * view-only connections, and for servers that did not offer XVP; the server reports a failure
   * later, as a `session.powerFailed` event.
   */
  power(action: PowerAction): void {
    sendPower(this.viewOnly() ? 'view-only' : this.live(), action)
  }

  /** Whether `power` would be sent: the server confirmed XVP and input is allowed. */
  powerAvailable(client: RfbClient): boolean {
    return client.features.xvp && !this.viewOnly()
  }
}
