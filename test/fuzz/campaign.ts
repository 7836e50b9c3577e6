import { FBS_MAGIC } from '../../src/main/rfb/record/fbs'
import { toFbs, wrapFbs } from './fbs-wrap'
import { type FuzzCase, GENERATED_ENCODINGS, generateCase, hostileCase } from './generate'
import { minimize, signature } from './minimize'
import { mutate } from './mutate'
import type { FuzzKind, FuzzPool, Verdict } from './pool'
import { Rng } from './rng'

export interface CampaignOptions {
  seed: number
  iterations: number
  /** Stop early once this many milliseconds have passed (the result says how many cases ran). */
  maxMs?: number
  /** Seed recordings; cases alternate between them and generated sessions. */
  corpus: readonly FuzzCase[]
  /** Leave the handshake alone (see mutate). */
  protectHandshake?: boolean
  /** Shrink each new failure to a small reproducer (costs runs). */
  minimize?: boolean
  /** Called after every case, for progress output. */
  progress?: (done: number, counts: Record<FuzzKind, number>) => void
  /** Called once per distinct failure, as soon as it is found (and minimized). */
  found?: (finding: Finding) => void
}

/** A distinct failure: the first case that showed it, and how to make it again. */
export interface Finding {
  signature: string
  verdict: Verdict
  label: string
  steps: string[]
  seed: number
  index: number
  chunkSize: number
  /** Whether the case ran with the thumbnail mirror teed in (reproduce it the same way). */
  thumbnail: boolean
  /** The recording that failed (FBS). */
  fbs: Uint8Array
  minimized?: Uint8Array
  /** How many cases failed this way. */
  count: number
}

export interface CampaignResult {
  /** Cases run: `iterations`, or fewer when `maxMs` ran out. */
  cases: number
  counts: Record<FuzzKind, number>
  /** Cases that ran with the thumbnail mirror teed in. */
  thumbnailCases: number
  /** The highest resident-memory growth of any case, in bytes. */
  maxRssPeak: number
  /** RfbError codes seen, by how often: shows how deep the cases got. */
  codes: Record<string, number>
  findings: Finding[]
  /** Generated streams the engine refused unmutated: generator or engine disagree about the format. */
  unmutatedErrors: { label: string; code: string; message: string }[]
  ms: number
}

const FAILURES: readonly FuzzKind[] = ['crash', 'hang', 'oom', 'memory', 'rss']

/** Share of cases run through the host's thumbnail mirror as well as the framebuffer. */
const THUMBNAIL_SHARE = 0.25

/** One case, made the same way from (seed, index) on every run. */
export function makeCase(seed: number, index: number, corpus: readonly FuzzCase[], protectHandshake: boolean) {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0)
  const fromCorpus = corpus.length > 0 && rng.chance(0.5)
  const hostile = !fromCorpus && rng.chance(0.04)
  const base = fromCorpus
    ? rng.pick(corpus)
    : hostile
      ? hostileCase(rng.fork())
      : generateCase(rng.fork(), rng.chance(0.5) ? rng.pick(GENERATED_ENCODINGS) : undefined)
  const donor = corpus.length > 0 && rng.chance(0.5) ? rng.pick(corpus) : generateCase(rng.fork())
  const pristine = !fromCorpus && (hostile || rng.chance(0.15))
  const m = pristine ? { stream: base.stream, steps: [] } : mutate(base, rng, donor, protectHandshake)
  // Small chunks exercise every decoder's "need more bytes" path; they are slow on big streams.
  const chunkSize = m.stream.length < 8000 && rng.chance(0.3) ? rng.pick([1, 2, 3, 5, 7, 13, 64]) : rng.pick([65536, 4096, 1000, 1460])
  const wrapped = wrapFbs(m.stream, rng, !pristine && !protectHandshake)
  // Drawn last, so every other choice stays what it was for a given (seed, index).
  const thumbnail = rng.chance(THUMBNAIL_SHARE)
  return {
    thumbnail,
    label: base.label,
    stream: m.stream,
    fbs: wrapped.fbs,
    fbsDamaged: wrapped.steps.length > 0,
    steps: [...m.steps, ...wrapped.steps],
    chunkSize,
    pristine: pristine && !hostile,
    handshakeEnd: base.handshakeEnd,
  }
}

/** Runs `iterations` cases through `pool`, collecting distinct failures. */
export async function runCampaign(pool: FuzzPool, opts: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now()
  const counts: Record<FuzzKind, number> = { ok: 0, 'rfb-error': 0, crash: 0, hang: 0, oom: 0, memory: 0, rss: 0 }
  let thumbnailCases = 0
  let maxRssPeak = 0
  const codes: Record<string, number> = {}
  const findings = new Map<string, Finding>()
  const unmutatedErrors: CampaignResult['unmutatedErrors'] = []
  let index = 0
  for (; index < opts.iterations && !(opts.maxMs !== undefined && performance.now() - started > opts.maxMs); index++) {
    const c = makeCase(opts.seed, index, opts.corpus, opts.protectHandshake ?? false)
    const v = await pool.run(c.fbs, c.chunkSize, { thumbnail: c.thumbnail })
    counts[v.kind]++
    if (c.thumbnail) thumbnailCases++
    maxRssPeak = Math.max(maxRssPeak, v.rssPeak)
    if (v.kind === 'rfb-error') codes[v.code] = (codes[v.code] ?? 0) + 1
    if (c.pristine && v.kind === 'rfb-error') unmutatedErrors.push({ label: c.label, code: v.code, message: v.message })
    if (FAILURES.includes(v.kind)) {
      const sig = signature(v)
      const known = findings.get(sig)
      if (known) known.count++
      else {
        const f: Finding = {
          signature: sig,
          verdict: v,
          label: c.label,
          steps: c.steps,
          seed: opts.seed,
          index,
          chunkSize: c.chunkSize,
          thumbnail: c.thumbnail,
          fbs: c.fbs,
          count: 1,
        }
        if (opts.minimize) {
          // Every try of a hang costs the whole timeout: shrink those less.
          const budget = v.kind === 'hang' ? 24 : 250
          const run = { chunkSize: c.chunkSize, thumbnail: c.thumbnail }
          f.minimized = c.fbsDamaged
            ? await minimize(pool, c.fbs, FBS_MAGIC.length, sig, run, (b) => b, budget)
            : await minimize(pool, c.stream, c.handshakeEnd, sig, run, toFbs, budget)
        }
        findings.set(sig, f)
        opts.found?.(f)
      }
    }
    opts.progress?.(index + 1, counts)
  }
  return { cases: index, counts, thumbnailCases, maxRssPeak, codes, findings: [...findings.values()], unmutatedErrors, ms: performance.now() - started }
}
