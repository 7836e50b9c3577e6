import { afterEach, describe, expect, it } from 'vitest'
import { applyLanguage } from '../../../src/renderer/src/lib/i18n'
import { benchReportText, figureWords } from '../../../src/renderer/src/lib/frame-bench-client'
import type { FrameBenchReport } from '../../../src/shared/frame-bench'

// "Measure performance…" shows and copies its figures in the window's language: the words and the numbers.

const figure = { medianMs: 12.346, minMs: 9.5, mbPerSec: 1234.6 }
const report: FrameBenchReport = {
  width: 1920,
  height: 1080,
  frameBytes: 1920 * 1080 * 4,
  passes: 20,
  received: figure,
  painted: figure,
  copies: [{ step: 'reuse', ...figure }],
}

afterEach(() => {
  applyLanguage('en')
})

describe('the figures of a measurement', () => {
  it('writes numbers as the interface language does', () => {
    applyLanguage('en')
    expect(figureWords(figure)).toEqual({ median: '12.35', fastest: '9.50', rate: '1235' })
    applyLanguage('de')
    expect(figureWords(figure)).toEqual({ median: '12,35', fastest: '9,50', rate: '1235' })
    applyLanguage('fr')
    expect(figureWords(figure).median).toBe('12,35')
  })

  it('copies the report with the same numbers', () => {
    applyLanguage('de')
    const text = benchReportText(report, 'electron', new Date(0), 'agent')
    expect(text).toContain('8,3 MB')
    expect(text).toContain('typisch 12,35 ms, schnellste 9,50 ms, 1235 MB/s')
    expect(text).not.toMatch(/\d\.\d{2} ms/)
  })
})
