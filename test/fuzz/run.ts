// `npm run fuzz -- --iterations N [--seed S] [--timeout-ms T] [--rss-ceiling-mb M] [--max-seconds S] [--out DIR] [--no-minimize] [--protect-handshake]`
// Mutates real recordings (test/fuzz/corpus) and generated sessions, replays each through the
// engine in a worker (a quarter of them with the host's thumbnail mirror teed in), and reports
// crashes (anything but an RfbError), hangs and memory blow-ups (ArrayBuffers, and resident
// memory, which counts WebAssembly) with a minimized reproducer per distinct failure.
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Finding, runCampaign } from './campaign'
import { loadCorpus } from './corpus'
import { FuzzPool } from './pool'

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '2000' },
    seed: { type: 'string' },
    'timeout-ms': { type: 'string', default: '5000' },
    'rss-ceiling-mb': { type: 'string', default: '512' },
    'max-seconds': { type: 'string' },
    out: { type: 'string' },
    'no-minimize': { type: 'boolean', default: false },
    'protect-handshake': { type: 'boolean', default: false },
  },
})

const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : Date.now() & 0x7fffffff
const iterations = Number(values.iterations)
const out = values.out ?? join(tmpdir(), `tessera-fuzz-${seed}`)
const corpus = loadCorpus()
const pool = new FuzzPool({ timeoutMs: Number(values['timeout-ms']), rssCeilingBytes: Number(values['rss-ceiling-mb']) * 2 ** 20 })
process.stdout.write(`fuzz: seed ${seed}, ${iterations} cases, ${corpus.length} recordings in the corpus\n`)
let last = 0
let written = 0

/** Writes a finding's recordings and a report next to them, and prints the report. */
function save(f: Finding): void {
  mkdirSync(out, { recursive: true })
  const base = join(out, `finding-${++written}-${f.verdict.kind}`)
  writeFileSync(`${base}.fbs`, f.fbs)
  if (f.minimized) writeFileSync(`${base}.min.fbs`, f.minimized)
  const repro = f.minimized ?? f.fbs
  const report = [
    `${f.verdict.kind}: ${f.verdict.code}: ${f.verdict.message}`,
    `first: seed ${f.seed} case ${f.index} (${f.label}; ${f.steps.join('; ') || 'unmutated'}), chunk size ${f.chunkSize}${f.thumbnail ? ', thumbnail mirror teed in' : ''}`,
    `memory: ${mib(f.verdict.arrayBuffers)} MiB ArrayBuffers, ${mib(f.verdict.rssPeak)} MiB resident at the peak, ${mib(f.verdict.wasm)} MiB JPEG decoder`,
    `reproducer (FBS; try \`tessera replay FILE\`): ${repro.length} bytes${f.minimized ? ` (minimized from ${f.fbs.length})` : ''}: ${base}${f.minimized ? '.min' : ''}.fbs`,
    repro.length <= 512 ? `hex: ${Buffer.from(repro).toString('hex')}` : '',
    f.verdict.stack ?? '',
  ]
    .filter(Boolean)
    .join('\n')
  writeFileSync(`${base}.txt`, `${report}\n`)
  process.stdout.write(`\n--- finding ${written}\n${report}\n\n`)
}

const result = await runCampaign(pool, {
  seed,
  iterations,
  corpus,
  maxMs: values['max-seconds'] === undefined ? undefined : Number(values['max-seconds']) * 1000,
  protectHandshake: values['protect-handshake'],
  minimize: !values['no-minimize'],
  found: save,
  progress: (done, counts) => {
    if (performance.now() - last < 2000 && done !== iterations) return
    last = performance.now()
    process.stdout.write(
      `  ${done}/${iterations}  ${Object.entries(counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
    )
  },
})
const recycled = pool.recycled
await pool.close()

process.stdout.write(
  `\n${result.cases} of ${iterations} cases in ${(result.ms / 1000).toFixed(1)} s: ${Object.entries(result.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}\n`,
)
process.stdout.write(
  `${result.thumbnailCases} cases through the thumbnail mirror; largest resident growth ${mib(result.maxRssPeak)} MiB; ${recycled} workers replaced for their memory\n`,
)
process.stdout.write(
  `RfbError codes: ${Object.entries(result.codes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}\n`,
)
for (const u of result.unmutatedErrors.slice(0, 10)) process.stdout.write(`unmutated generated case refused (${u.label}): ${u.code} ${u.message}\n`)
for (const f of result.findings) process.stdout.write(`${f.count} x ${f.signature}\n`)
process.stdout.write(result.findings.length === 0 ? 'no crashes, hangs or memory blow-ups\n' : `${result.findings.length} distinct findings in ${out}\n`)
// One line for scripts that add up several runs.
process.stdout.write(
  `summary ${JSON.stringify({ seed, iterations, cases: result.cases, ms: Math.round(result.ms), counts: result.counts, thumbnailCases: result.thumbnailCases, maxRssPeak: result.maxRssPeak, recycled, codes: result.codes, findings: result.findings.map((f) => ({ signature: f.signature, count: f.count, index: f.index })) })}\n`,
)
process.exit(result.findings.length === 0 ? 0 : 1)

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1)
}
