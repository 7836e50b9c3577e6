// CPU of one Chromium from /proc, split by process type and by the renderer's thread names: where
// a page's work runs (main thread, workers, Chromium's thread pool, compositor).
import { readFileSync, readdirSync } from 'node:fs'

/** CPU ticks of every process under `root`, and of the renderer's threads by name. */
export function chromiumTicks(root: number): { total: number; byProcess: Record<string, number>; rendererThreads: Record<string, number> } {
  const table = new Map<number, { ppid: number; ticks: number }>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      table.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) })
    } catch {
      // gone meanwhile
    }
  }
  const tree: number[] = []
  const stack = [root]
  while (stack.length) {
    const pid = stack.pop()!
    tree.push(pid)
    for (const [child, p] of table) if (p.ppid === pid) stack.push(child)
  }
  const byProcess: Record<string, number> = {}
  const rendererThreads: Record<string, number> = {}
  let total = 0
  for (const pid of tree) {
    const ticks = table.get(pid)?.ticks ?? 0
    total += ticks
    let type = 'browser'
    try {
      type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser'
    } catch {
      continue
    }
    byProcess[type] = (byProcess[type] ?? 0) + ticks
    if (type !== 'renderer') continue
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '')
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        rendererThreads[comm] = (rendererThreads[comm] ?? 0) + Number(f[11]) + Number(f[12])
      } catch {
        // gone meanwhile
      }
    }
  }
  return { total, byProcess, rendererThreads }
}
