import type { HostApi } from '@shared/contract'
import { BENCH_ID_PREFIX, BENCH_PASSES, type BenchFigure, type FrameBenchReport, benchPaints } from '@shared/frame-bench'
import type { FrameBatch } from '@shared/ops'
import { currentLocale, t } from './i18n'

/** Which transport carried the frames: the desktop app's IPC, or browser mode's WebSocket. */
export type BenchTransport = 'electron' | 'websocket'

/**
 * The page's side of "Measure performance…": it acknowledges each of the run's frames as soon as
 * the batch is here (already in an ArrayBuffer: the transport made it one), after `paint` for the
 * frames the run times painted, while the host's `bench.run` request times them.
 */
export async function measureFrames(api: HostApi, paint: (batch: FrameBatch) => void, passes = BENCH_PASSES): Promise<FrameBenchReport | null> {
  const stop = api.on('session.frame', (b) => {
    if (!b.sessionId.startsWith(BENCH_ID_PREFIX)) return
    if (benchPaints(b.seq, passes)) paint(b)
    // A refused ack only comes from a run that ended meanwhile: bench.run says what happened.
    api.request('bench.ack', { runId: b.sessionId, seq: b.seq }).catch(() => {})
  })
  try {
    return await api.request('bench.run', { passes })
  } catch (e) {
    // Given up on this side (the request's own timeout, a lost link): the frames are no longer
    // acked, so the host's run would hold it, and every window's next run, until its ack timeout.
    api.request('bench.cancel', undefined).catch(() => {})
    throw e
  } finally {
    stop()
  }
}

/** A painter for `measureFrames`: the whole frame into an offscreen canvas with putImageData, as a session's painter does. */
export function offscreenPainter(): (batch: FrameBatch) => void {
  let canvas: OffscreenCanvas | null = null
  let ctx: OffscreenCanvasRenderingContext2D | null = null
  return (b) => {
    const width = b.ops[3]
    const height = b.ops[4]
    if (!canvas || canvas.width !== width || canvas.height !== height) {
      canvas = new OffscreenCanvas(width, height)
      ctx = canvas.getContext('2d')
    }
    const rgba = new Uint8ClampedArray(b.pixels.buffer as ArrayBuffer, b.pixels.byteOffset, width * height * 4)
    ctx?.putImageData(new ImageData(rgba, width, height), 0, 0)
  }
}

/**
 * `value` with `digits` decimals in the interface language ("12.35" in English, "12,35" in
 * German); without thousands separators, which a figure pasted into a bug report does not need.
 */
const decimal = (value: number, digits: number): string =>
  new Intl.NumberFormat(currentLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(value)

/** A figure's numbers as shown: median and fastest in ms, MB/s. */
export function figureWords(f: BenchFigure): { median: string; fastest: string; rate: string } {
  return { median: decimal(f.medianMs, 2), fastest: decimal(f.minMs, 2), rate: decimal(f.mbPerSec, 0) }
}

/** The frame line's words ("Frame: 1920 × 1080, 8.3 MB, measured 20 times"). */
export function frameWords(r: FrameBenchReport): string {
  return t('measure.frame', { width: r.width, height: r.height, mb: decimal(r.frameBytes / 1e6, 1), passes: r.passes })
}

/** The figures as plain text for a bug report ("Copy results"): one line each, in the window's language. */
export function benchReportText(r: FrameBenchReport, transport: BenchTransport, when: Date, userAgent: string): string {
  const line = (label: string, f: BenchFigure): string => {
    const w = figureWords(f)
    return `${label}: ${t('measure.figureLine', { median: w.median, fastest: w.fastest, rate: w.rate })}`
  }
  return [
    `Tessera — ${t('measure.title')} (${when.toISOString()})`,
    `${t('measure.transport')}: ${t(transport === 'electron' ? 'measure.transportElectron' : 'measure.transportWebSocket')}`,
    userAgent,
    frameWords(r),
    line(t('measure.received'), r.received),
    line(t('measure.painted'), r.painted),
    `${t('measure.copies')}:`,
    ...r.copies.map((c) => `  ${line(t(`measure.step.${c.step}`), c)}`),
  ].join('\n')
}
