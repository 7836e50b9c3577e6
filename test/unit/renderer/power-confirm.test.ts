import { describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'
import { POWER_TEXT, usePowerConfirm } from '../../../src/renderer/src/composables/power-confirm'
import type { PowerAction } from '../../../src/shared/contract'
import { inScope } from './scope'

function setup(answer: (a: PowerAction) => Promise<void> = () => Promise.resolve()) {
  const sent: PowerAction[] = []
  const notices: Array<[string, string] | [string, string, object]> = []
  const failures = ref(0)
  let settled = 0
  const { value: power, stop } = inScope(() =>
    usePowerConfirm({
      power: (a) => {
        sent.push(a)
        return answer(a)
      },
      failures: () => failures.value,
      notify: (kind, text, more) => notices.push(more ? [kind, text, more] : [kind, text]),
      settled: () => settled++,
    }),
  )
  return { power, sent, notices, failures, settled: () => settled, stop }
}

describe('usePowerConfirm', () => {
  it('sends nothing until the user confirms, then the asked action, and says so', async () => {
    const { power, sent, notices, settled } = setup()
    power.ask('reboot')
    expect(power.asked.value).toBe('reboot')
    expect(sent).toEqual([])
    await power.confirm()
    expect(sent).toEqual(['reboot'])
    expect(power.asked.value).toBeNull()
    expect(notices).toEqual([['info', POWER_TEXT.reboot.done]])
    expect(settled()).toBe(1)
  })

  it('sends nothing when cancelled', async () => {
    const { power, sent, notices, settled } = setup()
    power.ask('shutdown')
    power.cancel()
    expect(power.asked.value).toBeNull()
    await power.confirm()
    expect(sent).toEqual([])
    expect(notices).toEqual([])
    expect(settled()).toBe(2)
  })

  it('says why the request could not be sent, the raw message only as detail', async () => {
    const { power, notices } = setup(() => Promise.reject(new Error('not connected')))
    power.ask('reset')
    await power.confirm()
    expect(notices).toEqual([['error', 'The power action was not sent.', { detail: 'not connected' }]])
  })

  it("words the host's refusal from its code, in the interface language", async () => {
    const refusal = { kind: 'unsupported', code: 'HOST_POWER_UNSUPPORTED', message: 'this server offers no power actions (XVP)' }
    const { power, notices } = setup(() => Promise.reject(refusal))
    power.ask('reboot')
    await power.confirm()
    expect(notices).toEqual([
      [
        'error',
        'The power action was not sent.',
        {
          reason: 'The server offers no power actions',
          hint: expect.stringMatching(/\S/),
          detail: 'this server offers no power actions (XVP) (HOST_POWER_UNSUPPORTED)',
        },
      ],
    ])
  })

  it("reports each of the server's refusals, not the reset to zero", async () => {
    const { failures, notices } = setup()
    failures.value = 1
    await nextTick()
    failures.value = 2
    await nextTick()
    failures.value = 0
    await nextTick()
    expect(notices).toEqual([
      ['error', 'The server could not carry out the power action.'],
      ['error', 'The server could not carry out the power action.'],
    ])
  })

  it('has a title, a warning, a button and a notice for every action', () => {
    for (const a of ['shutdown', 'reboot', 'reset'] as const) {
      for (const text of Object.values(POWER_TEXT[a])) expect(text, a).toMatch(/\S/)
    }
  })
})
