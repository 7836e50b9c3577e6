import { describe, expect, it } from 'vitest'
import { RfbError } from '../../src/main/rfb/errors'
import { FramebufferSink } from '../../src/main/rfb/framebuffer'
import { HANDSHAKE_READ_AHEAD } from '../../src/main/rfb/read-gate'
import { RfbClient } from '../../src/main/rfb/session'
import type { Transport, TransportHandlers } from '../../src/main/rfb/transport/transport'
import { Bytes } from '../helpers/bytes'
import { serverInit } from '../helpers/server-script'
import { mutate } from './mutate'
import { Rng } from './rng'

// Case kind "a server streams during a prompt" (issue 12): a server gets to the password
// question and then streams, mutated protocol or junk, as fast as the client takes it. The
// transport here behaves like TCP: it delivers only while the engine has not paused it. Oracle:
// while the question is open the engine takes in at most its read-ahead bound plus one chunk;
// once answered, the session ends in a result or an RfbError, never an internal error or
// a wait.

// Longer runs: FUZZ_PROMPT_SEED=n FUZZ_PROMPT_CASES=n npx vitest run test/fuzz/prompt-stream-fuzz.test.ts
const SEED = Number(process.env.FUZZ_PROMPT_SEED ?? 1212)
const CASES = Number(process.env.FUZZ_PROMPT_CASES ?? 200)
/** What one case's server offers at most; an engine that never pauses takes all of it. */
const OFFERED = 2 ** 20
const MAX_CHUNK = 64 * 1024
/**
 * What the engine reads ahead while asking (so it notices a hang-up), or a read's worth if more
 * (the largest handshake read is a 64 KiB string), plus one chunk.
 */
const BOUND = Math.max(HANDSHAKE_READ_AHEAD, 64 * 1024 + 4) + MAX_CHUNK

const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => i)
const OK = new Bytes()
  .u32(0)
  .bytes(serverInit(8, 6, 'fuzzed'))
  .build()

/** Greetings up to the password question, and what a good server sends after the answer. */
function scripts(): { label: string; toPrompt: Uint8Array; after: Uint8Array }[] {
  const v8 = (): Bytes => new Bytes().text('RFB 003.008\n')
  return [
    { label: '3.8 VNC auth', toPrompt: v8().u8(1, 2).bytes(CHALLENGE).build(), after: OK },
    { label: '3.3 VNC auth', toPrompt: new Bytes().text('RFB 003.003\n').u32(2).bytes(CHALLENGE).build(), after: OK },
    { label: 'VeNCrypt Plain', toPrompt: v8().u8(1, 19).u8(0, 2, 0).u8(1).u32(256).build(), after: new Bytes().u8(1).bytes(OK).build() },
  ]
}

/** A server behind TCP: bytes it offers reach the engine only while the engine reads. */
class PacedTransport implements Transport {
  readonly description = 'paced'
  handlers: TransportHandlers | null = null
  paused = false
  closed = false
  delivered = 0
  private queue: Uint8Array[] = []
  private flowing = false

  start(handlers: TransportHandlers): void {
    this.handlers = handlers
    this.flow()
  }

  /** Offers bytes; they flow as the engine takes them. */
  offer(chunk: Uint8Array): void {
    this.queue.push(chunk)
    this.flow()
  }

  private flow(): void {
    if (this.flowing) return
    this.flowing = true
    setImmediate(() => {
      this.flowing = false
      // One chunk per turn, like a socket's reads; a pause stops the next one.
      const next = this.queue.shift()
      if (!next || this.paused || this.closed || !this.handlers) {
        if (next) this.queue.unshift(next)
        return
      }
      this.delivered += next.length
      this.handlers.data(next)
      if (this.queue.length > 0) this.flow()
    })
  }

  write(): void {}

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.flow()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.handlers?.close()
  }
}

/** Splits `bytes` into chunks of random sizes up to MAX_CHUNK. */
function chunked(bytes: Uint8Array, rng: Rng): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let o = 0; o < bytes.length;) {
    const n = 1 + rng.int(Math.min(MAX_CHUNK, bytes.length - o))
    out.push(bytes.subarray(o, o + n))
    o += n
  }
  return out
}

describe('fuzzing a server that streams during a prompt', () => {
  it(`${CASES} cases (seed ${SEED}): bounded reading while asked, then a result or an RfbError`, async () => {
    const bases = scripts()
    const failures: string[] = []
    const outcomes: Record<string, number> = {}
    for (let i = 0; i < CASES; i++) {
      const rng = new Rng((SEED * 1000003 + i) >>> 0)
      const base = rng.pick(bases)
      const t = new PacedTransport()
      let readWhileAsking = -1
      const client = new RfbClient({
        sink: new FramebufferSink(),
        handshakeTimeoutMs: 2000,
        // VeNCrypt Plain without TLS is refused unless opted in: opt in, to reach its password question.
        security: { allowPlainPassword: true },
        credentials: async () => {
          const before = t.delivered
          // The stream: junk, a mutated rest of the handshake, or both, far more than any read needs.
          const after = rng.chance(0.5) ? mutate({ label: base.label, stream: base.after, fields: [], handshakeEnd: 0 }, rng, null, false).stream : base.after
          let offered = 0
          if (rng.chance(0.7)) for (const c of chunked(after, rng)) t.offer(c)
          while (offered < OFFERED) {
            const c = rng.chance(0.5) ? new Uint8Array(1 + rng.int(MAX_CHUNK)).fill(rng.int(256)) : rng.bytes(1 + rng.int(MAX_CHUNK))
            t.offer(c)
            offered += c.length
          }
          for (let k = 0; k < 50; k++) await new Promise((r) => setImmediate(r))
          readWhileAsking = t.delivered - before
          return rng.chance(0.9) ? { username: 'u', password: 'p' } : null
        },
      })
      const settled = client.start(t).then(
        () => null,
        (e: unknown) => e,
      )
      for (const c of chunked(base.toPrompt, rng)) t.offer(c)
      const o = await Promise.race([settled, new Promise<'hang'>((r) => setTimeout(() => r('hang'), 5000))])
      client.close()
      const what = `case ${i} (${base.label})`
      if (o === 'hang') failures.push(`${what}: never settled`)
      else if (o !== null && (!(o instanceof RfbError) || o.code === 'RFB_ERR_INTERNAL')) failures.push(`${what}: ${String(o)}`)
      else if (readWhileAsking > BOUND) failures.push(`${what}: read ${readWhileAsking} bytes while the question was open`)
      else {
        const key = o === null ? 'connected' : o.code
        outcomes[key] = (outcomes[key] ?? 0) + 1
      }
    }
    console.log(`prompt-stream fuzz: ${CASES} cases, outcomes ${JSON.stringify(outcomes)}`)
    expect(failures, failures.slice(0, 5).join('\n')).toEqual([])
    expect(Object.keys(outcomes).length).toBeGreaterThan(2)
  }, 300_000)
})
