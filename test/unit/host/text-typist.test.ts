import { describe, expect, it } from 'vitest'
import type { HostEvents } from '../../../src/shared/contract'
import { HostError } from '../../../src/main/host/errors'
import { TextTypists, type TypingTarget } from '../../../src/main/host/text-typist'

type Progress = HostEvents['session.typing']

/** A session that records the keys it is sent; `connected` can be turned off midway. */
function target(scancodes = false): TypingTarget & { keys: string[]; connected: boolean } {
  const t = {
    id: 's1',
    keys: [] as string[],
    connected: true,
    canType: () => t.connected,
    takesScancodes: () => scancodes,
    key: (keysym: number, down: boolean, code?: string) => t.keys.push(`${keysym.toString(16)}${down ? '+' : '-'}${code ?? ''}`),
  }
  return t
}

function typists(): { typists: TextTypists; events: Progress[]; ended: Promise<Progress> } {
  const events: Progress[] = []
  let settle: (p: Progress) => void = () => {}
  const ended = new Promise<Progress>((r) => (settle = r))
  const t = new TextTypists((p) => {
    events.push(p)
    if (p.state !== 'typing') settle(p)
  })
  return { typists: t, events, ended }
}

describe('TextTypists', () => {
  it('types each character with its keys and ends with a done event', async () => {
    const { typists: ts, events, ended } = typists()
    const s = target()
    expect(ts.start(s, 'Hi\n', undefined, 1)).toEqual({ total: 3 })
    expect(await ended).toEqual({ sessionId: 's1', typed: 3, total: 3, state: 'done' })
    expect(s.keys).toEqual(['48+', '48-', '69+', '69-', 'ff0d+', 'ff0d-'])
    expect(events[0]).toEqual({ sessionId: 's1', typed: 0, total: 3, state: 'typing' })
  })

  it('paces characters by the delay asked for', async () => {
    const { typists: ts, ended } = typists()
    const started = Date.now()
    ts.start(target(), 'abcdef', undefined, 20)
    await ended
    // Five pauses of 20 ms between six characters.
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
  })

  it('uses the layout only when the server takes scancodes', async () => {
    const a = typists()
    const keysyms = target(false)
    a.typists.start(keysyms, 'A', 'de', 0)
    await a.ended
    expect(keysyms.keys).toEqual(['41+', '41-'])
    const b = typists()
    const scancodes = target(true)
    b.typists.start(scancodes, 'A', 'de', 0)
    await b.ended
    expect(scancodes.keys).toEqual(['ffe1+ShiftLeft', '41+KeyA', '41-KeyA', 'ffe1-ShiftLeft'])
  })

  it('refuses, sending nothing, a text with characters the layout cannot type', () => {
    const { typists: ts, events } = typists()
    const s = target(true)
    expect(() => ts.start(s, 'naïve ä', 'us', 0)).toThrow(HostError)
    try {
      ts.start(s, 'naïve ä', 'us', 0)
    } catch (e) {
      expect((e as HostError).error).toMatchObject({
        code: 'HOST_TYPE_UNTYPABLE',
        message: 'the US layout cannot type 2 of these characters: ï (U+00EF) ä (U+00E4)',
      })
    }
    expect(s.keys).toEqual([])
    expect(events).toEqual([])
  })

  it('stops on cancel after the current character, never leaving a modifier down', async () => {
    const { typists: ts, ended } = typists()
    const s = target(true)
    ts.start(s, 'ABCDEFGH', 'us', 5)
    await new Promise((r) => setTimeout(r, 12))
    ts.cancel('s1')
    const last = await ended
    expect(last.state).toBe('cancelled')
    expect(last.typed).toBeLessThan(8)
    expect(s.keys).toHaveLength(last.typed * 4)
    expect(s.keys.at(-1)).toBe('ffe1-ShiftLeft')
  })

  it('refuses a second text while one is typing, and fails when the session drops', async () => {
    const { typists: ts, ended } = typists()
    const s = target()
    ts.start(s, 'abcdefgh', undefined, 5)
    expect(() => ts.start(s, 'x', undefined, 0)).toThrow(expect.objectContaining({ error: expect.objectContaining({ code: 'HOST_TYPING_BUSY' }) }))
    await new Promise((r) => setTimeout(r, 8))
    s.connected = false
    const last = await ended
    expect(last.state).toBe('failed')
    expect(last.typed).toBeLessThan(8)
    // Free again: the next text starts.
    s.connected = true
    expect(ts.start(s, 'x', undefined, 0)).toEqual({ total: 1 })
  })
})
