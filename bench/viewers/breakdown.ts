/**
 * Where Tessera's milliseconds go per update, on the viewers bench's streams: the pipeline
 * bench's probes (pipeline/main.ts NodeProbe in the host, pipeline/probe.js in the page) joined
 * per frame, medians over the measuring window. decode: engine time from the update's first byte
 * to its end; emit: ws-codec encode + ws.send; transfer: emit → the page's main thread; paint:
 * arrival → the page acks (ws-codec decode, store, painter); ack: the ack's trip to the host;
 * cycle: emit → ack; server: update request → its first byte; interval: emit → next emit;
 * batch KB: the batch as the host made it; to page KB: the message the page received.
 */
import type { CdpPage } from '../pipeline/cdp'
import { type NodeProbe, type PageFrame, clockOffset, dist } from '../pipeline/main'

const now = (): number => performance.timeOrigin + performance.now()

export interface Breakdown {
  start(): Promise<number>
  finish(start: number): Promise<Record<string, number>>
}

export function breakdown(probe: NodeProbe, page: CdpPage): Breakdown {
  const take = (): Promise<PageFrame[]> => page.evaluate<PageFrame[]>('window.__pipelineBench.take()')
  return {
    async start() {
      await take()
      probe.reset()
      return now()
    },
    async finish(start) {
      const end = now()
      await new Promise((r) => setTimeout(r, 300)) // frames emitted in the window finish painting
      const byPage = new Map((await take()).map((f) => [f.seq, f]))
      const { offset } = await clockOffset(page)
      const joined = [...probe.frames.values()].filter((n) => n.emitAt >= start && n.emitAt < end).map((n) => ({ n, p: byPage.get(n.seq) }))
      const m = (v: (number | undefined)[]): number => dist(v).median
      const emits = joined.map(({ n }) => n.emitAt).sort((a, b) => a - b)
      return {
        server: m(joined.map(({ n }) => n.serverMs)),
        interval: m(emits.slice(1).map((t, i) => t - emits[i])),
        decode: m(joined.map(({ n }) => n.decodeMs)),
        emit: m(joined.map(({ n }) => n.emitMs)),
        transfer: m(joined.map(({ n, p }) => (p?.arrive === undefined ? undefined : p.arrive - offset - n.emitAt))),
        paint: m(joined.map(({ p }) => (p?.painted === undefined || p.arrive === undefined ? undefined : p.painted - p.arrive))),
        ack: m(joined.map(({ n, p }) => (p?.painted === undefined || n.ackAt === undefined ? undefined : n.ackAt - (p.painted - offset)))),
        cycle: m(joined.map(({ n }) => (n.ackAt === undefined ? undefined : n.ackAt - n.emitAt))),
        'batch KB': m(joined.map(({ n }) => n.batchBytes / 1024)),
        'wire KB': m(joined.map(({ n }) => (n.wireBytes === undefined ? undefined : n.wireBytes / 1024))),
        // The WebSocket message as it reached the page: the batch, pixel runs packed.
        'to page KB': m(joined.map(({ p }) => (p?.wsBytes === undefined ? undefined : p.wsBytes / 1024))),
        ops: m(joined.map(({ n }) => n.ops)),
      }
    },
  }
}
