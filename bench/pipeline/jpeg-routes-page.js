// The page of bench/pipeline/jpeg-routes.ts: the same JPEG screens decoded and drawn by each route.
// Plain browser JS, served as is. Each route's run(screens) decodes and draws every rect of each
// screen onto the 1920x1080 canvas, in op order, then waits one animation frame.
/* eslint-disable */
;(() => {
  let screens = [] // [{ x, y, w, h, bytes }][]
  let canvas = document.getElementById('c')
  let ctx = null
  const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()))

  async function load() {
    const index = await (await fetch('index.json')).json()
    const data = new Uint8Array(await (await fetch('data.bin')).arrayBuffer())
    let at = 0
    screens = index.map((s) =>
      s.map(([x, y, w, h, len]) => {
        const bytes = data.slice(at, at + len)
        at += len
        return { x, y, w, h, bytes }
      }),
    )
  }

  function context() {
    ctx ??= canvas.getContext('2d', { alpha: false })
    return ctx
  }

  // A pool of workers answering one message per job or per batch (worker.js).
  class Pool {
    constructor(n, mode) {
      this.workers = []
      this.waiting = new Map()
      this.id = 0
      for (let i = 0; i < n; i++) {
        const w = new Worker('worker.js', { name: `bench-${mode}-${i}` })
        w.onmessage = (e) => {
          const done = this.waiting.get(e.data.id)
          this.waiting.delete(e.data.id)
          done(e.data)
        }
        w.postMessage({ setup: mode })
        this.workers.push(w)
      }
      this.next = 0
    }
    ask(message, transfer, worker) {
      const id = ++this.id
      return new Promise((resolve) => {
        this.waiting.set(id, resolve)
        this.workers[worker ?? this.next++ % this.workers.length].postMessage({ ...message, id }, transfer)
      })
    }
    close() {
      for (const w of this.workers) w.terminate()
    }
  }

  const pools = new Map()
  function pool(n, mode) {
    const key = `${n}:${mode}`
    if (!pools.has(key)) pools.set(key, new Pool(n, mode))
    return pools.get(key)
  }

  function draw(r, source) {
    context().drawImage(source, 0, 0, r.w, r.h, r.x, r.y, r.w, r.h)
  }

  // Per-rect jobs to a pool, bitmaps back, drawn in order (the shipped painter's shape).
  async function perRect(screen, n, mode) {
    const p = pool(n, mode)
    const answers = screen.map((r) => {
      const copy = r.bytes.slice()
      return p.ask({ type: 'image/jpeg', bytes: copy }, [copy.buffer])
    })
    for (let i = 0; i < screen.length; i++) {
      const a = await answers[i]
      draw(screen[i], a.bitmap ?? a.frame)
      ;(a.bitmap ?? a.frame).close()
    }
  }

  // All rects of a screen in one message per worker (split in halves), bitmaps back in one message.
  async function batched(screen, n, mode) {
    const p = pool(n, mode)
    const parts = Array.from({ length: n }, () => [])
    // Split by bytes so each worker gets about half the work; order kept within each part.
    const total = screen.reduce((s, r) => s + r.bytes.length, 0)
    let acc = 0
    screen.forEach((r, i) => {
      parts[Math.min(n - 1, Math.floor((acc / total) * n))].push(i)
      acc += r.bytes.length
    })
    const answers = parts.map((idx, w) => {
      const bytes = idx.map((i) => screen[i].bytes.slice())
      return p.ask(
        { type: 'image/jpeg', list: bytes },
        bytes.map((b) => b.buffer),
        w,
      )
    })
    for (let w = 0; w < n; w++) {
      const a = await answers[w]
      const pictures = a.bitmaps ?? a.frames
      parts[w].forEach((i, k) => {
        draw(screen[i], pictures[k])
        pictures[k].close()
      })
    }
  }

  // One worker owns the canvas (transferControlToOffscreen) and decodes and draws everything.
  let owner = null
  let ownCanvas = null
  async function ownerRoute(screen, mode) {
    if (!owner || owner.mode !== mode) {
      if (owner) throw new Error('one owner route only')
      const w = new Worker('worker.js', { name: `bench-owner-${mode}` })
      // A canvas of its own: the page's has a 2D context, which forbids the transfer.
      ownCanvas = document.createElement('canvas')
      ownCanvas.width = canvas.width
      ownCanvas.height = canvas.height
      canvas.after(ownCanvas)
      const off = ownCanvas.transferControlToOffscreen()
      const waiting = new Map()
      w.onmessage = (e) => {
        waiting.get(e.data.id)?.(e.data)
        waiting.delete(e.data.id)
      }
      w.postMessage({ setup: mode, canvas: off }, [off])
      owner = { w, mode, waiting, id: 0 }
    }
    const id = ++owner.id
    const bytes = screen.map((r) => r.bytes.slice())
    const rects = screen.map((r) => [r.x, r.y, r.w, r.h])
    await new Promise((resolve) => {
      owner.waiting.set(id, resolve)
      owner.w.postMessage(
        { id, type: 'image/jpeg', list: bytes, rects },
        bytes.map((b) => b.buffer),
      )
    })
  }

  const ROUTES = {
    'page-blob': async (screen) => {
      const all = screen.map((r) => createImageBitmap(new Blob([r.bytes], { type: 'image/jpeg' })))
      for (let i = 0; i < screen.length; i++) {
        const b = await all[i]
        draw(screen[i], b)
        b.close()
      }
    },
    'page-imagedecoder-videoframe': async (screen) => {
      const all = screen.map(async (r) => {
        const d = new ImageDecoder({ data: r.bytes, type: 'image/jpeg', preferAnimation: false })
        try {
          return (await d.decode({ frameIndex: 0 })).image
        } finally {
          d.close()
        }
      })
      for (let i = 0; i < screen.length; i++) {
        const f = await all[i]
        draw(screen[i], f)
        f.close()
      }
    },
    'workers2-decoder-bitmap (before)': (s) => perRect(s, 2, 'decoder-bitmap'),
    'workers2-decoder-noconv-bitmap': (s) => perRect(s, 2, 'decoder-noconv-bitmap'),
    'workers2-decoder-nopref-bitmap': (s) => perRect(s, 2, 'decoder-nopref-bitmap'),
    'workers2-blob-bitmap': (s) => perRect(s, 2, 'blob-bitmap'),
    'workers2-decoder-offscreen': (s) => perRect(s, 2, 'decoder-offscreen'),
    'workers2-decoder-videoframe (shipped)': (s) => perRect(s, 2, 'decoder-frame'),
    'workers2-batched-decoder-videoframe': (s) => batched(s, 2, 'decoder-frame'),
    'workers1-decoder-bitmap': (s) => perRect(s, 1, 'decoder-bitmap'),
    'workers2-batched-decoder-bitmap': (s) => batched(s, 2, 'decoder-bitmap'),
    'workers2-batched-blob-bitmap': (s) => batched(s, 2, 'blob-bitmap'),
    // Draws on a canvas of its own, made at its first run (the page's has a 2D context already).
    'owner-worker-decoder-draw': (s) => ownerRoute(s, 'owner-decoder'),
  }

  async function run(route, count) {
    const fn = ROUTES[route]
    // Only the canvas the route draws on is shown, so every route's pictures are composited.
    const owns = route.startsWith('owner')
    canvas.style.display = owns ? 'none' : 'block'
    if (ownCanvas) ownCanvas.style.display = owns ? 'block' : 'none'
    const t0 = performance.now()
    for (let i = 0; i < count; i++) {
      await fn(screens[i % screens.length])
      await nextFrame()
    }
    return { wallMs: performance.now() - t0 }
  }

  window.bench = { load, run, routes: () => Object.keys(ROUTES) }
})()
