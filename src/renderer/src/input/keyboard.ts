import { type ComboKey, type KeyIdentity, XK, isModifierKey, isNamedKey, isSingleChar, keysymForKey, keysymsForText } from './keysyms'

/** Sends one key transition to the server; `code` lets the host send QEMU scancodes. */
export type KeySender = (keysym: number, down: boolean, code?: string) => void

/** The parts of a KeyboardEvent the keyboard reads, so tests can feed plain objects. */
export interface KeyEventLike extends KeyIdentity {
  repeat: boolean
  timeStamp: number
  metaKey: boolean
  /** The local lock state ('CapsLock', 'NumLock'); without it the locks are never synchronised. */
  getModifierState?(key: string): boolean
}

/** The server's Caps Lock and Num Lock LEDs as it last reported them. */
export interface ServerLocks {
  capsLock: boolean
  numLock: boolean
}

export type Platform = 'mac' | 'windows' | 'other'

/** The platform as the browser reports it; decides which browser quirks to undo. */
export function detectPlatform(nav: { platform?: string; userAgent?: string } = navigator): Platform {
  const p = `${nav.platform ?? ''} ${nav.userAgent ?? ''}`
  if (/Mac|iPhone|iPad/.test(p)) return 'mac'
  if (/Win/.test(p)) return 'windows'
  return 'other'
}

/** How long a Windows ControlLeft waits to see whether it is the fake half of AltGr. */
export const ALTGR_WINDOW_MS = 50

/**
 * Turns key events into RFB key presses and releases, keeping a table of what is down so
 * every release matches its press and nothing stays stuck.
 *
 * - A key is released with the keysym it was pressed with, even if `key` changed meanwhile
 *   (Shift released first, a dead key composed): the table is keyed by `code`.
 * - Dead keys send nothing; the character they compose arrives with the next key's `key`.
 * - Windows sends AltGr as a fake ControlLeft followed by AltRight with the same timestamp:
 *   the Control is held back and dropped when AltRight follows, so Ctrl+Alt is not left held.
 * - macOS Chrome sends no keyup for keys typed while Command is held, and CapsLock sends one
 *   event per toggle: such keys are pressed and released at once.
 * - Windows sends PrintScreen as a keyup alone: it is pressed and released then.
 * - Where the server reports its lock LEDs, Caps Lock and Num Lock follow the local keyboard
 *   (see {@link KeyboardInput.setServerLocks}).
 */
export class KeyboardInput {
  /** What is down, by `code` (or `key` for events without one), with the keysym it was pressed as. */
  private readonly down = new Map<string, { keysym: number; code?: string; modifier: boolean }>()
  private pendingCtrl: { code: string; timeStamp: number; timer: ReturnType<typeof setTimeout> } | null = null
  /** The server's lock state; null until it reports one, and again after a toggle it has not yet confirmed. */
  private serverCaps: boolean | null = null
  private serverNum: boolean | null = null

  constructor(
    private readonly send: KeySender,
    private readonly platform: Platform = 'other',
  ) {}

  /**
   * What the server last reported of its lock LEDs (QEMU/VMware LED State), or null for a
   * server that reports none: then no lock key is ever sent on the user's behalf.
   */
  setServerLocks(locks: ServerLocks | null): void {
    this.serverCaps = locks?.capsLock ?? null
    this.serverNum = locks?.numLock ?? null
  }

  /** Handles a keydown; returns true when it was consumed (the caller should preventDefault). */
  keydown(e: KeyEventLike): boolean {
    if (e.key === 'Dead') return false
    const id = e.code || e.key
    this.syncLocks(e)

    if (this.pendingCtrl) {
      const fakeAltGr = this.platform === 'windows' && e.code === 'AltRight' && e.timeStamp === this.pendingCtrl.timeStamp
      if (fakeAltGr) this.dropPendingCtrl()
      else this.flushPendingCtrl()
    }
    if (this.platform === 'windows' && e.code === 'ControlLeft' && !e.repeat && !this.down.has(id)) {
      const timer = setTimeout(() => this.flushPendingCtrl(), ALTGR_WINDOW_MS)
      this.pendingCtrl = { code: id, timeStamp: e.timeStamp, timer }
      return true
    }

    if (this.platform === 'mac' && e.code === 'CapsLock') {
      this.tap(XK.Caps_Lock, e.code)
      return true
    }

    const keysym = keysymForKey(e)
    if (keysym === null) {
      // A key that typed several characters at once (ligature keys) types them one by one.
      if (e.key.length > 1 && !isSingleChar(e.key) && !isNamedKey(e.key)) {
        for (const sym of keysymsForText(e.key)) this.tap(sym)
        return true
      }
      return false
    }

    const held = this.down.get(id)
    if (held !== undefined && held.keysym !== keysym) {
      // Same physical key, different symbol (a modifier changed under a held key): release the old one.
      this.send(held.keysym, false, held.code)
    }
    if (this.platform === 'mac' && e.metaKey && !isModifierKey(e)) {
      this.tap(keysym, e.code)
      return true
    }
    this.down.set(id, { keysym, code: e.code || undefined, modifier: isModifierKey(e) })
    // Auto-repeat is a repeated press without release, as X servers expect it.
    this.send(keysym, true, e.code || undefined)
    return true
  }

  /** Handles a keyup; returns true when it was consumed. */
  keyup(e: KeyEventLike): boolean {
    const id = e.code || e.key
    // A Control released before anything followed was a real one: press it, then release it below.
    if (this.pendingCtrl) this.flushPendingCtrl()
    if (this.platform === 'mac' && e.code === 'CapsLock') {
      // Its release toggles too (Caps Lock off): the server's state is unknown until it reports.
      this.serverCaps = null
      this.tap(XK.Caps_Lock, e.code)
      return true
    }
    const held = this.down.get(id)
    if (held !== undefined) {
      this.down.delete(id)
      this.send(held.keysym, false, held.code)
      // With Command released on macOS, keys pressed before it may never report their keyup.
      if (this.platform === 'mac' && (e.code === 'MetaLeft' || e.code === 'MetaRight')) this.releaseWhere((k) => !k.modifier)
      return true
    }
    if (e.code === 'PrintScreen') {
      this.tap(XK.Print, e.code)
      return true
    }
    return false
  }

  /** Releases every key still down: on blur, hidden page, view-only or disconnect. */
  releaseAll(): void {
    if (this.pendingCtrl) this.dropPendingCtrl()
    this.releaseWhere(() => true)
  }

  /** Presses the keys of a combination in order and releases them in reverse (Ctrl+Alt+Del). */
  sendCombo(keys: readonly ComboKey[]): void {
    for (const k of keys) this.send(k.keysym, true, k.code)
    for (const k of [...keys].reverse()) this.send(k.keysym, false, k.code)
  }

  /** Number of keys currently held (for tests and the stats overlay). */
  get heldCount(): number {
    return this.down.size
  }

  // Releases in reverse order of pressing, so modifiers go last as they would by hand.
  private releaseWhere(test: (k: { keysym: number; code?: string; modifier: boolean }) => boolean): void {
    for (const [id, k] of [...this.down.entries()].reverse()) {
      if (!test(k)) continue
      this.down.delete(id)
      this.send(k.keysym, false, k.code)
    }
  }

  /**
   * Before a key goes out, a press and release of Caps Lock or Num Lock where the server's LED
   * differs from the local lock, so the server types what the user sees here. TigerVNC does the
   * same on focus, and sets the local LEDs from the server's; a page cannot set them, so as in
   * noVNC it happens on each key instead. The lock key's own press toggles the server by itself.
   * Either way the server's state is forgotten until it reports again, so a difference is never
   * fixed twice. macOS browsers always say Num Lock is off: it is left alone there.
   */
  private syncLocks(e: KeyEventLike): void {
    if (e.code === 'CapsLock' || e.key === 'CapsLock') this.serverCaps = null
    if (e.code === 'NumLock' || e.key === 'NumLock') this.serverNum = null
    if (!e.getModifierState) return
    if (this.serverCaps !== null && e.getModifierState('CapsLock') !== this.serverCaps) {
      this.serverCaps = null
      this.tap(XK.Caps_Lock, 'CapsLock')
    }
    if (this.platform !== 'mac' && this.serverNum !== null && e.getModifierState('NumLock') !== this.serverNum) {
      this.serverNum = null
      this.tap(XK.Num_Lock, 'NumLock')
    }
  }

  private tap(keysym: number, code?: string): void {
    this.send(keysym, true, code || undefined)
    this.send(keysym, false, code || undefined)
  }

  private flushPendingCtrl(): void {
    const p = this.pendingCtrl
    if (!p) return
    clearTimeout(p.timer)
    this.pendingCtrl = null
    this.down.set(p.code, { keysym: XK.Control_L, code: 'ControlLeft', modifier: true })
    this.send(XK.Control_L, true, 'ControlLeft')
  }

  private dropPendingCtrl(): void {
    if (this.pendingCtrl) clearTimeout(this.pendingCtrl.timer)
    this.pendingCtrl = null
  }
}
