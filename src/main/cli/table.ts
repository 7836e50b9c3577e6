/** How a column lines up: text to the left, numbers to the right. */
export type Align = 'left' | 'right'

/**
 * Lays rows out in columns as wide as their widest cell, two spaces apart, so no value runs
 * into the next whatever its length. The first row is the header; trailing spaces are trimmed.
 */
export function formatTable(rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths = align.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) =>
    align
      .map((a, i) => (a === 'right' ? (r[i] ?? '').padStart(widths[i]) : (r[i] ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  )
}
