/**
 * CPU and memory of process trees, read from /proc (Linux; USER_HZ is 100): what the viewers
 * bench charges to each viewer, and what the memory bench samples for Chromium.
 */
import { readFileSync, readdirSync } from 'node:fs'

interface ProcEntry {
  ppid: number
  ticks: number
  rssPages: number
}

function procTable(): Map<number, ProcEntry> {
  const out = new Map<number, ProcEntry>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) })
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** The roots and all their descendants. */
function tree(table: Map<number, ProcEntry>, roots: number[]): number[] {
  const children = new Map<number, number[]>()
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid])
  const seen = new Set<number>()
  const stack = [...roots]
  while (stack.length) {
    const pid = stack.pop()!
    if (seen.has(pid) || !table.has(pid)) continue
    seen.add(pid)
    stack.push(...(children.get(pid) ?? []))
  }
  return [...seen]
}

/** CPU seconds (user + system) used so far by each group: its root pids and their descendants. */
export function cpuSeconds(groups: Record<string, number[]>): Record<string, number> {
  const table = procTable()
  const out: Record<string, number> = {}
  for (const [name, roots] of Object.entries(groups)) out[name] = tree(table, roots).reduce((sum, pid) => sum + table.get(pid)!.ticks, 0) / 100
  return out
}

/**
 * Memory of the roots and their descendants, MB: the sum of each process's proportional set
 * size (smaps_rollup Pss: a page shared by n processes counts 1/n in each, so Chromium's shared
 * libraries are not counted once per process, as summing RSS would).
 */
export function treePssMb(roots: number[]): number {
  const table = procTable()
  let kb = 0
  for (const pid of tree(table, roots)) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
      kb += m ? Number(m[1]) : (table.get(pid)!.rssPages * 4096) / 1024
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1000
}

/** The difference of two cpuSeconds readings. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of Object.keys(after)) out[k] = after[k] - (before[k] ?? 0)
  return out
}

/**
 * CPU seconds of a Chromium's processes by their role (`--type=` on their command line:
 * renderer, gpu-process, utility (the network service), zygote), the browser process as
 * `browser`: where the browser's share of a viewer's CPU goes.
 */
export function chromiumCpuByRole(browserPid: number): Record<string, number> {
  const table = procTable()
  const out: Record<string, number> = {}
  for (const pid of tree(table, [browserPid])) {
    let role = 'browser'
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      role = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser'
      if (role === 'utility') role = /--utility-sub-type=[\w.]*?(\w+)\.mojom/.exec(cmd)?.[1] ?? 'utility'
    } catch {
      continue
    }
    out[`chromium ${role}`] = (out[`chromium ${role}`] ?? 0) + table.get(pid)!.ticks / 100
    if (role === 'renderer') for (const [name, t] of Object.entries(threadTicks(pid))) out[`renderer/${name}`] = (out[`renderer/${name}`] ?? 0) + t / 100
  }
  return out
}

/** CPU ticks of a process's threads by thread name (digits dropped, so a pool's threads add up). */
function threadTicks(pid: number): Record<string, number> {
  const out: Record<string, number> = {}
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '')
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        out[name] = (out[name] ?? 0) + Number(f[11]) + Number(f[12])
      } catch {
        // thread gone
      }
    }
  } catch {
    // process gone
  }
  return out
}
