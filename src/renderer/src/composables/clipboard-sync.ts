import { t } from '../lib/i18n'
import { clipboardToRemote } from '@shared/preferences'
import type { Notice } from '../stores/notices'
import { currentPreferences } from '../stores/preferences'

/** The local clipboard, as far as the page may read it. */
export interface LocalClipboard {
  /** The clipboard's text; rejects when the browser refuses (no permission, no focus). */
  read(): Promise<string>
  /** True when reading needs no prompt (permission already granted); rejects or false otherwise. */
  readableWithoutPrompt(): Promise<boolean>
}

/** The browser's clipboard through `navigator.clipboard` and the Permissions API. */
export const browserClipboard: LocalClipboard = {
  read: () => navigator.clipboard.readText(),
  async readableWithoutPrompt() {
    if (!navigator.clipboard || !navigator.permissions) return false
    const perm = await navigator.permissions.query({ name: 'clipboard-read' as PermissionName })
    return perm.state === 'granted'
  },
}

/** What clipboard sync needs from the session and the page. */
export interface ClipboardSyncDeps {
  /** Sends text to the server's clipboard. */
  send(text: string): Promise<void>
  /** The server's clipboard as last received. */
  remoteText(): string
  /** Whether input may go to the server now (connected, not view-only). */
  inputAllowed(): boolean
  notify(kind: Notice['kind'], text: string): void
  /** Opens the clipboard panel, where the user can paste what the page may not read. */
  openPanel(): void
  clipboard?: LocalClipboard
}

/** Local → remote clipboard: on request, and by itself where the browser allows it silently. */
export interface ClipboardSync {
  /** Sends the local clipboard now (the menu's "Send clipboard"); opens the panel if it cannot be read. */
  sendLocal(): Promise<void>
  /**
   * Sends the local clipboard if it may be read without a prompt and is new: neither what was
   * last sent from here nor what the server sent, and the clipboard preference lets it go to
   * remote computers. Silent on every failure.
   */
  syncLocal(): Promise<void>
}

/** Clipboard sync for one session view. */
export function useClipboardSync(deps: ClipboardSyncDeps): ClipboardSync {
  const clipboard = deps.clipboard ?? browserClipboard
  let lastLocal: string | null = null

  return {
    async sendLocal() {
      try {
        const text = await clipboard.read()
        await deps.send(text)
        lastLocal = text
        deps.notify('info', text ? t('session.clipboard.sentNotice') : t('session.clipboard.empty'))
      } catch {
        deps.openPanel()
        deps.notify('info', t('session.clipboard.readRefused'))
      }
    },
    async syncLocal() {
      // The Preferences may keep this computer's clipboard here ("from remote" or "off").
      if (!deps.inputAllowed() || !clipboardToRemote(currentPreferences().clipboardSync)) return
      try {
        if (!(await clipboard.readableWithoutPrompt())) return
        const text = await clipboard.read()
        if (text === lastLocal || text === deps.remoteText()) return
        lastLocal = text
        await deps.send(text)
      } catch {
        // Not allowed or not focused: the menu and the panel remain.
      }
    },
  }
}
