// Page-side probe of the pipeline bench, injected with page.addInitScript before the app loads.
// Plain browser JS on purpose: it runs as is, untransformed. Clocks are epoch milliseconds
// (performance.timeOrigin + performance.now()), comparable with the Node side's after the bench
// has measured the offset between the two.
//
// - WebSocket: a listener added in the constructor runs before the app's onmessage (listeners
//   fire in registration order), so `arrive` is when the frame reached the page's main thread,
//   before ws-codec decodes it. Only the first bytes of the header are read, for the seq.
// - Acks: the page acks a batch (a `session.ack` request) in the painter's `painted` event, so the
//   send of that request is when the painter finished the batch: `painted`; `frame` is the next
//   animation frame after that. The app no longer hangs its painter on window, so the time from
//   arrival to the painter (`enq`) is only there when window.__tesseraPainter is.
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
  const send = Native.prototype.send
  ProbedWebSocket.prototype.send = function (data) {
    const text = typeof data === 'string' ? data : data instanceof Uint8Array ? decoder.decode(data.subarray(0, 400)) : ''
    if (text.includes('"session.ack"')) {
      const m = /"seq":(\d+)/.exec(text)
      if (m) {
        const r = record(Number(m[1]))
        if (r.painted === undefined) {
          r.painted = now()
          requestAnimationFrame(() => (r.frame = now()))
        }
      }
    }
    return send.call(this, data)
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
    return true
  }
  bench.take = () => {
    const out = [...bench.frames.values()]
    bench.frames.clear()
    return out
  }
  bench.clock = now
})()
