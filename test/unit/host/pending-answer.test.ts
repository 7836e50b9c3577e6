import { describe, expect, it } from 'vitest'
import { PendingAnswer } from '../../../src/main/host/pending-answer'

const notWaiting = new Error('nobody asked')

/** Whether `p` has settled by the time queued microtasks ran. */
async function settled<T>(p: Promise<T>): Promise<{ value: T } | 'pending'> {
  const out = await Promise.race([p.then((value) => ({ value })), new Promise<'pending'>((r) => setImmediate(() => r('pending')))])
  return out
}

describe('PendingAnswer', () => {
  it('hands the answer to the question that waits, once', async () => {
    const q = new PendingAnswer<string | null>(null, () => notWaiting)
    expect(q.waiting).toBe(false)
    const asked = q.ask()
    expect(q.waiting).toBe(true)
    q.answer('hunter2')
    expect(q.waiting).toBe(false)
    expect(await asked).toBe('hunter2')
    // The question was answered: a second answer finds nobody waiting.
    expect(() => q.answer('again')).toThrow(notWaiting)
  })

  it('refuses an answer nobody waits for with the error it was given', () => {
    const q = new PendingAnswer<number>(0, () => notWaiting)
    expect(() => q.answer(1)).toThrow(notWaiting)
    expect(q.waiting).toBe(false)
  })

  it('release settles a waiting question with the unanswered value, and is harmless when none waits', async () => {
    const q = new PendingAnswer<'once' | 'reject'>('reject', () => notWaiting)
    q.release()
    const asked = q.ask()
    q.release()
    expect(await asked).toBe('reject')
    expect(q.waiting).toBe(false)
    expect(() => q.answer('once')).toThrow(notWaiting)
  })

  it('a second question takes the place of one still waiting, which then never settles (as before)', async () => {
    const q = new PendingAnswer<string | null>(null, () => notWaiting)
    const first = q.ask()
    const second = q.ask()
    q.answer('for the second')
    expect(await second).toBe('for the second')
    q.release()
    expect(await settled(first)).toBe('pending')
  })
})
