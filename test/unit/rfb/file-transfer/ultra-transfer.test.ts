import { describe, expect, it } from 'vitest'
import { Outcome } from '../../../../src/main/rfb/file-transfer/outcome'
import type { OperationIo } from '../../../../src/main/rfb/file-transfer/ultra-queue'
import { startTransfer } from '../../../../src/main/rfb/file-transfer/ultra-transfer'

/** An operation's wire, recording what the transfer did with it. */
function wire(): OperationIo & { sent: string[]; finished: number } {
  const io = {
    sent: [] as string[],
    finished: 0,
    send: (_b: Uint8Array, trace: string) => void io.sent.push(trace),
    waiting: () => {},
    finish: () => void io.finished++,
  }
  return io
}

describe('startTransfer', () => {
  it('does not start a transfer cancelled before its turn: it rejects as aborted and frees the wire', async () => {
    const io = wire()
    const out = new Outcome<number>()
    const controller = new AbortController()
    controller.abort()
    let aborts = 0
    expect(startTransfer(io, out, controller.signal, () => aborts++)).toBe(false)
    await expect(out.promise).rejects.toMatchObject({ name: 'AbortError' })
    expect(io.finished).toBe(1)
    expect(aborts).toBe(0)
  })

  it('hears a later cancel while the transfer runs, and none once it has settled', async () => {
    const running = new AbortController()
    let aborts = 0
    expect(startTransfer(wire(), new Outcome<void>(), running.signal, () => aborts++)).toBe(true)
    running.abort()
    expect(aborts).toBe(1)

    const settled = new AbortController()
    const out = new Outcome<void>()
    expect(startTransfer(wire(), out, settled.signal, () => aborts++)).toBe(true)
    out.resolve()
    await out.promise
    settled.abort()
    expect(aborts).toBe(1)
  })
})
