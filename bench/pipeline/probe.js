// Page-side probe of the pipeline bench, injected with page.addInitScript before the app loads.
// Plain browser JS on purpose: it runs as is, untransformed. Clocks are epoch milliseconds
// (performance.timeOrigin + performance.now()), comparable with the Node side's after the bench
// has measured the offset between the two.
//
// - WebSocket: a listener added in the constructor runs before the app's onmessage (listeners
//   fire in registration order), so `arrive` is when the frame reached the page's main thread,
//   before ws-codec decodes it. Only the first bytes of the header are read, for the seq.
// - Painter: window.__tesseraPainter (set by SessionView) gets its enqueue and its painted event
//   wrapped: `enq` is when the store handed the decoded batch to the painter, `painted` when
//   the painter finished its ops (what it acks), `frame` the next animation frame after that.
/* global window, performance, TextDecoder, requestAnimationFrame */
;(() => {
  const now = () => performance.timeOrigin + performance.now()
  const bench = { frames: new Map(), patched: 0 }
  window.__pipelineBench = bench
  const record = (seq) => {
    let r = bench.frames.get(seq)
    if (!r) bench.frames.set(seq, (r = { seq }))
    return r
  }
  const decoder = new TextDecoder()
  const Native = window.WebSocket
  class ProbedWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols)
      this.addEventListener('message', (e) => {
        const d = e.data
        if (!(d instanceof ArrayBuffer) || d.byteLength < 8) return
        const t = now()
        const headerLength = new DataView(d).getUint32(0, true)
        const head = decoder.decode(new Uint8Array(d, 4, Math.min(headerLength, 400, d.byteLength - 4)))
        if (!head.includes('"session.frame"')) return
        const m = /"seq":(\d+)/.exec(head)
        if (!m) return
        const r = record(Number(m[1]))
        r.arrive = t
        r.wsBytes = d.byteLength
      })
    }
  }
  window.WebSocket = ProbedWebSocket

  bench.patch = () => {
    const p = window.__tesseraPainter
    if (!p || p.__pipelineBench) return false
    p.__pipelineBench = true
    bench.patched++
    const enqueue = p.enqueue.bind(p)
    p.enqueue = (batch) => {
      record(batch.seq).enq = now()
      enqueue(batch)
    }
    const events = p.events
    const painted = events.painted
    events.painted = (seq) => {
      const r = record(seq)
      r.painted = now()
      requestAnimationFrame(() => (r.frame = now()))
      painted(seq)
    }
    return true
  }
  bench.take = () => {
    const out = [...bench.frames.values()]
    bench.frames.clear()
    return out
  }
  bench.clock = now
})()
