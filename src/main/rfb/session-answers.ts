import type { ClipboardChannel } from './clipboard-channel'
import type { Screen } from './client-messages'
import type { DesktopSizeReplies } from './desktop-size'
import type { ColourMap } from './pixel-converter'
import type { ServerMessageHandler, UpdateCounts } from './server-message-handler'
import type { ConnectionInfo, RfbClientEvents, ServerFeatures } from './session-types'
import type { UpdateFlow } from './update-flow'

/** What the session's answers read and change of it (RfbClient's own parts, handed over by it). */
export interface AnsweringSession {
  readonly flow: UpdateFlow
  readonly features: ServerFeatures
  readonly resizes: DesktopSizeReplies
  readonly colourMap: ColourMap
  readonly clipboard: ClipboardChannel
  info(): ConnectionInfo | null
  emit<K extends keyof RfbClientEvents>(event: K, ...args: RfbClientEvents[K]): void
  resizeTo(width: number, height: number): void
  /** An update began arriving at `now` (performance.now()). */
  updateStarted(now: number): void
  /** The update is parsed: report it and pace the next; false stops parsing (the sink is busy). */
  endUpdate(counts: UpdateCounts): boolean
  /** The server showed it has an extension. */
  confirm(feature: Exclude<keyof ServerFeatures, 'screens'>): void
}

/** The session's answers to what the reader parses: events, replies, resizing, pacing. */
export function sessionAnswers(s: AnsweringSession): ServerMessageHandler {
  return {
    framebufferUpdateStart: () => s.updateStarted(performance.now()),
    framebufferUpdateEnd: (counts) => s.endUpdate(counts),
    setDesktopSize: (width, height) => {
      s.resizeTo(width, height)
      s.flow.framebufferResized()
    },
    screenLayout: (screens: Screen[]) => {
      s.features.screens = screens
      s.confirm('extendedDesktopSize')
    },
    desktopSizeResult: (status) => s.emit('desktopSizeResult', s.resizes.answer(status)),
    setDesktopName: (name) => {
      const info = s.info()
      if (info) info.init.name = name
      s.emit('name', name)
    },
    pointerPosition: (x, y) => s.emit('pointer', x, y),
    supportsQemuKeyEvents: () => s.confirm('qemuKeyEvents'),
    supportsExtendedMouseButtons: () => s.confirm('extendedMouseButtons'),
    supportsQemuAudio: () => s.confirm('qemuAudio'),
    // QEMU's bits, which VMware's last byte shares: scroll lock 1, num lock 2, caps lock 4.
    ledState: (bits) => s.emit('leds', { scrollLock: (bits & 1) !== 0, numLock: (bits & 2) !== 0, capsLock: (bits & 4) !== 0 }),
    setColourMapEntries: (first, rgb) => s.colourMap.set(first, rgb),
    bell: () => s.emit('bell'),
    serverCutText: (text) => {
      // x11vnc sends its empty CUT_BUFFER0 15 s after a client connects; that must not wipe the local clipboard.
      if (text.length > 0) s.emit('clipboard', text)
    },
    extendedClipboardActive: () => s.clipboard.extendedActive,
    extendedCutText: (body, at) => {
      const text = s.clipboard.receive(body, at)
      if (text !== undefined) s.emit('clipboard', text)
    },
    endOfContinuousUpdates: () => {
      // The first one only says the server supports continuous updates.
      s.confirm('continuousUpdates')
      s.flow.endOfContinuousUpdates()
    },
    fence: (flags, payload) => {
      s.confirm('fence')
      s.flow.fence(flags, payload)
    },
    xvp: (_version, code) => {
      if (code === 1) s.confirm('xvp')
      else if (code === 0) s.emit('xvpFailed')
    },
  }
}
