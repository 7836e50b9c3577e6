/**
 * Browser mode only: which browser tab shows which session. Session pages say what they hold on
 * a BroadcastChannel (same origin, so only this server's pages); the address book listens, so
 * "switch to" can find the tab by its window name. Electron asks the shell instead.
 */

/** One open session as a session page announces it. */
export interface HeldSession {
  sessionId: string
  profileId?: string
}

type Message = { type: 'who' } | { type: 'holds'; windowName: string; sessions: HeldSession[] }

const CHANNEL = 'tessera-windows'

function channel(): BroadcastChannel | null {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
}

/**
 * For a session page: `announce` tells every page what this one holds now (and again whenever
 * asked); `stop` says it holds nothing, as the page goes away.
 */
export function announceSessions(windowName: () => string): { announce(sessions: HeldSession[]): void; stop(): void } {
  const ch = channel()
  let held: HeldSession[] = []
  const post = (): void => ch?.postMessage({ type: 'holds', windowName: windowName(), sessions: held } satisfies Message)
  ch?.addEventListener('message', (e: MessageEvent<Message>) => {
    if (e.data?.type === 'who') post()
  })
  return {
    announce(sessions) {
      held = sessions.map((s) => ({ ...s }))
      post()
    },
    stop() {
      held = []
      post()
      ch?.close()
    },
  }
}

/** For the address book: the window name of the tab holding each session, kept current. */
export class WindowRegistry {
  private readonly byWindow = new Map<string, HeldSession[]>()
  private readonly ch = channel()

  constructor(private readonly changed: () => void = () => {}) {
    this.ch?.addEventListener('message', (e: MessageEvent<Message>) => {
      const m = e.data
      if (m?.type !== 'holds' || typeof m.windowName !== 'string' || !Array.isArray(m.sessions)) return
      if (m.sessions.length) this.byWindow.set(m.windowName, m.sessions)
      else this.byWindow.delete(m.windowName)
      this.changed()
    })
    this.ch?.postMessage({ type: 'who' } satisfies Message)
  }

  /** The name of the window showing `sessionId`, if a page said so. */
  windowOf(sessionId: string): string | undefined {
    for (const [name, sessions] of this.byWindow) if (sessions.some((s) => s.sessionId === sessionId)) return name
    return undefined
  }

  /** The open session of saved connection `profileId`, if a page holds one. */
  sessionOfProfile(profileId: string): string | undefined {
    for (const sessions of this.byWindow.values()) {
      const s = sessions.find((x) => x.profileId === profileId)
      if (s) return s.sessionId
    }
    return undefined
  }

  close(): void {
    this.ch?.close()
  }
}
