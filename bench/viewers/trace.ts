/**
 * `BENCH_TRACE=1`: a Chromium trace (DevTools Tracing domain) over a viewer's measured window,
 * summed per process and thread into the trace events with the most self time, so the CPU the
 * bench reports per update can be read as "which Chromium step costs what". Tracing itself costs
 * a little CPU per event: read the split, not the updates/s, of a traced row.
 */
import type { CdpBrowser } from '../pipeline/cdp'

interface TraceEvent {
  pid: number
  tid: number
  ph: string
  name: string
  cat?: string
  ts: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

const CATEGORIES = [
  'toplevel',
  'blink',
  'cc',
  'viz',
  'gpu',
  'v8',
  'mojom',
  'net',
  'renderer',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-v8.gc',
]

/** A trace running in `browser`; `stop()` ends it and returns its events. */
export async function startTrace(browser: CdpBrowser): Promise<{ stop(): Promise<TraceEvent[]> }> {
  const events: TraceEvent[] = []
  let done: () => void = () => {}
  const complete = new Promise<void>((ok) => (done = ok))
  const off = browser.onEvent((m) => {
    if (m.method === 'Tracing.dataCollected') events.push(...((m.params?.value as TraceEvent[]) ?? []))
    else if (m.method === 'Tracing.tracingComplete') done()
  })
  await browser.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' } })
  return {
    async stop() {
      await browser.send('Tracing.end')
      await complete
      off()
      return events
    },
  }
}

/**
 * Self time (thread CPU where the event has it, else wall) per thread and event name, ms per
 * `per` (updates); the `top` largest per thread whose threads spent at least `minMs`.
 */
export function summarizeTrace(events: TraceEvent[], per: number, top = 14, minMs = 0.5): string[] {
  const threadNames = new Map<string, string>()
  const processNames = new Map<number, string>()
  for (const e of events) {
    if (e.ph !== 'M') continue
    if (e.name === 'thread_name') threadNames.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?')
    if (e.name === 'process_name') processNames.set(e.pid, e.args?.name ?? '?')
  }
  // Complete events per thread; B/E pairs become complete events.
  const byThread = new Map<string, TraceEvent[]>()
  const open = new Map<string, TraceEvent[]>()
  for (const e of events) {
    const key = `${e.pid}/${e.tid}`
    if (e.ph === 'X' && e.dur !== undefined) {
      if (!byThread.has(key)) byThread.set(key, [])
      byThread.get(key)!.push(e)
    } else if (e.ph === 'B') {
      if (!open.has(key)) open.set(key, [])
      open.get(key)!.push({ ...e })
    } else if (e.ph === 'E') {
      const b = open.get(key)?.pop()
      if (!b) continue
      b.ph = 'X'
      b.dur = e.ts - b.ts
      if (!byThread.has(key)) byThread.set(key, [])
      byThread.get(key)!.push(b)
    }
  }
  const lines: string[] = []
  const rows: { thread: string; total: number; names: [string, number][]; count: Map<string, number> }[] = []
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
    const self = new Map<string, number>()
    const count = new Map<string, number>()
    // Stack of [end, event]; a child's time is taken off its parent's self time.
    const stack: { end: number; e: TraceEvent; child: number }[] = []
    const cost = (e: TraceEvent): number => (e.tdur ?? e.dur!) / 1000
    const close = (until: number): void => {
      while (stack.length && stack[stack.length - 1].end <= until) {
        const s = stack.pop()!
        const mine = Math.max(0, cost(s.e) - s.child)
        self.set(s.e.name, (self.get(s.e.name) ?? 0) + mine)
        count.set(s.e.name, (count.get(s.e.name) ?? 0) + 1)
        if (stack.length) stack[stack.length - 1].child += cost(s.e)
      }
    }
    for (const e of list) {
      close(e.ts)
      stack.push({ end: e.ts + e.dur!, e, child: 0 })
    }
    close(Infinity)
    let total = 0
    for (const v of self.values()) total += v
    const pid = Number(key.split('/')[0])
    const thread = `${processNames.get(pid) ?? pid}/${threadNames.get(key) ?? key}`
    rows.push({ thread, total, names: [...self].sort((a, b) => b[1] - a[1]).slice(0, top), count })
  }
  rows.sort((a, b) => b.total - a.total)
  for (const r of rows) {
    if (r.total / per < minMs) continue
    lines.push(`    ${r.thread}: ${(r.total / per).toFixed(1)} ms/update in events`)
    for (const [n, v] of r.names) {
      if (v / per >= 0.05) lines.push(`      ${(v / per).toFixed(2).padStart(7)}  ${n} (${((r.count.get(n) ?? 0) / per).toFixed(1)} per update)`)
    }
  }
  return lines
}
