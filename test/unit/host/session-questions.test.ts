import { describe, expect, it } from 'vitest'
import { SessionQuestions } from '../../../src/main/host/session-questions'

describe("a session's questions about the server", () => {
  it.each(['certificate', 'hostKey', 'serverKey'] as const)('counts a waiting %s question as waiting (a hand-off is then refused)', async (which) => {
    const q = new SessionQuestions()
    expect(q.waiting).toBe(false)
    const answer = q[which].ask('AB:CD')
    expect(q.waiting).toBe(true)
    q.release()
    await expect(answer).resolves.toBe('reject')
    expect(q.waiting).toBe(false)
  })

  it('counts the weaker-security question, which closing answers with no', async () => {
    const q = new SessionQuestions()
    const answer = q.downgrade.ask()
    expect(q.waiting).toBe(true)
    q.release()
    await expect(answer).resolves.toBe(false)
  })

  it('sends a session.hostKey answer to the RSA-AES key question when that one waits, else to the SSH one', async () => {
    const q = new SessionQuestions()
    const rsa = q.serverKey.ask('AB')
    q.answerHostKey('once')
    await expect(rsa).resolves.toBe('once')
    expect(q.serverKey.trusts('AB')).toBe(true)
    const ssh = q.hostKey.ask('SHA256:x')
    q.answerHostKey('always')
    await expect(ssh).resolves.toBe('always')
    expect(() => q.answerHostKey('once')).toThrow(/not waiting for an SSH host key decision/)
  })
})
