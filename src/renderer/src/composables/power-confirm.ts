import type { PowerAction } from '@shared/contract'
import { type Ref, readonly, ref, watch } from 'vue'
import { failureWords } from '../lib/errors'
import { t } from '../lib/i18n'
import type { Notice } from '../stores/notices'

/** The words of a power action's confirmation, and of its notice once sent. */
export interface PowerText {
  title: string
  message: string
  confirm: string
  done: string
}

/** Each XVP power action in words, in the interface language at the time it is shown. */
export function powerText(action: PowerAction): PowerText {
  return {
    title: t(`session.power.${action}.title`),
    message: t(`session.power.${action}.message`),
    confirm: t(`session.power.${action}.confirm`),
    done: t(`session.power.${action}.done`),
  }
}

/** The same words by action, looked up when read (so a language switch applies). */
export const POWER_TEXT: Readonly<Record<PowerAction, PowerText>> = {
  get shutdown() {
    return powerText('shutdown')
  },
  get reboot() {
    return powerText('reboot')
  },
  get reset() {
    return powerText('reset')
  },
}

/** What the power confirmation needs from the session. */
export interface PowerConfirmDeps {
  /** Sends the XVP request. */
  power(action: PowerAction): Promise<void>
  /** Counts the server's XVP_FAIL answers (0 after a reset). */
  failures(): number
  /** Shows a notice (stores/notices show): a failure's why, what to try and raw detail in `more`. */
  notify(kind: Notice['kind'], text: string, more?: Pick<Notice, 'reason' | 'hint' | 'detail'>): void
  /** The question is gone (answered either way): the owner puts focus back. */
  settled(): void
}

/** A power action asked, confirmed or cancelled. */
export interface PowerConfirm {
  /** The action waiting for the user's confirmation, if any. */
  asked: Readonly<Ref<PowerAction | null>>
  /** Asks the user to confirm `action`. */
  ask(action: PowerAction): void
  /** Sends the asked action and says whether it was sent. */
  confirm(): Promise<void>
  /** Drops the question. */
  cancel(): void
}

/**
 * Power actions (XVP shutdown, reboot, reset) go out only after the user confirms; the server's
 * later refusal (XVP_FAIL) is said as an error.
 */
export function usePowerConfirm(deps: PowerConfirmDeps): PowerConfirm {
  const asked = ref<PowerAction | null>(null)
  watch(deps.failures, (n) => n && deps.notify('error', t('session.power.failed')))

  return {
    asked: readonly(asked),
    ask(action) {
      asked.value = action
    },
    async confirm() {
      const action = asked.value
      asked.value = null
      deps.settled()
      if (!action) return
      try {
        await deps.power(action)
        deps.notify('info', powerText(action).done)
      } catch (e) {
        const { reason, hint, detail } = failureWords(e)
        deps.notify('error', t('session.power.notSent'), { ...(reason ? { reason } : {}), ...(hint ? { hint } : {}), detail })
      }
    },
    cancel() {
      asked.value = null
      deps.settled()
    },
  }
}
