import type { PowerAction } from '@shared/contract'
import { type Ref, readonly, ref, watch } from 'vue'
import { errorMessage } from '../lib/errors'
import type { Notice } from '../stores/notices'

/** The words of a power action's confirmation, and of its notice once sent. */
export interface PowerText {
  title: string
  message: string
  confirm: string
  done: string
}

/** Each XVP power action in words. */
export const POWER_TEXT: Record<PowerAction, PowerText> = {
  shutdown: {
    title: 'Shut down the remote computer?',
    message: 'The computer the server runs on will be shut down; unsaved work there is lost, and it cannot be started again from here.',
    confirm: 'Shut down',
    done: 'Asked the server to shut down the remote computer.',
  },
  reboot: {
    title: 'Reboot the remote computer?',
    message: 'The computer the server runs on will restart; unsaved work there is lost.',
    confirm: 'Reboot',
    done: 'Asked the server to reboot the remote computer.',
  },
  reset: {
    title: 'Reset the remote computer?',
    message: 'The computer the server runs on will be reset at once, like pressing its reset button, without shutting down; unsaved work there is lost.',
    confirm: 'Reset',
    done: 'Asked the server to reset the remote computer.',
  },
}

/** What the power confirmation needs from the session. */
export interface PowerConfirmDeps {
  /** Sends the XVP request. */
  power(action: PowerAction): Promise<void>
  /** Counts the server's XVP_FAIL answers (0 after a reset). */
  failures(): number
  notify(kind: Notice['kind'], text: string): void
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
  watch(deps.failures, (n) => n && deps.notify('error', 'The server could not carry out the power action.'))

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
        deps.notify('info', POWER_TEXT[action].done)
      } catch (e) {
        deps.notify('error', `The power action was not sent: ${errorMessage(e)}`)
      }
    },
    cancel() {
      asked.value = null
      deps.settled()
    },
  }
}
