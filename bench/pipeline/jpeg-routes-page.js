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

  // Per-rect jobs, RGBA bytes back (copyTo in the worker), put in order; with recycle, each
  // answer's buffer goes back with a later job instead of being allocated again.
  const spare = []
  async function perRectRgba(screen, mode, recycle) {
    const p = pool(2, mode)
    const answers = screen.map((r) => {
      const copy = r.bytes.slice()
      const buffer = recycle ? spare.pop() : undefined
      return p.ask({ type: 'image/jpeg', bytes: copy, buffer }, buffer ? [copy.buffer, buffer] : [copy.buffer])
    })
    for (let i = 0; i < screen.length; i++) {
      const a = await answers[i]
      const r = screen[i]
      const data = new ImageData(new Uint8ClampedArray(a.rgba, 0, a.w * a.h * 4), a.w, a.h)
      context().putImageData(data, r.x, r.y, 0, 0, r.w, r.h)
      if (recycle) spare.push(a.rgba)
    }
  }

  // Pictures half the rect's size, drawn scaled into a half-size area (a session shown at 50%).
  async function perRectHalf(screen, mode) {
    const p = pool(2, mode)
    const answers = screen.map((r) => {
      const copy = r.bytes.slice()
      const half = [Math.ceil(r.w / 2), Math.ceil(r.h / 2)]
      return p.ask({ type: 'image/jpeg', bytes: copy, half, desired: { desiredWidth: half[0], desiredHeight: half[1] } }, [copy.buffer])
    })
    for (let i = 0; i < screen.length; i++) {
      const a = await answers[i]
      const r = screen[i]
      const pic = a.bitmap ?? a.frame
      const w = pic.displayWidth ?? pic.width
      const h = pic.displayHeight ?? pic.height
      window.lastHalf = `${r.w}x${r.h} -> ${w}x${h}`
      context().drawImage(pic, 0, 0, w, h, r.x / 2, r.y / 2, Math.ceil(r.w / 2), Math.ceil(r.h / 2))
      pic.close()
    }
  }

  const ROUTES = {
    'workers2-decoder-copyto-rgba': (s) => perRectRgba(s, 'decoder-rgba', false),
    'workers2-decoder-copyto-rgba-recycled': (s) => perRectRgba(s, 'decoder-rgba', true),
    'workers2-decoder-copyto-rgbx-recycled': (s) => perRectRgba(s, 'decoder-rgbx', true),
    'half: workers2-decoder-bitmap-resize': (s) => perRectHalf(s, 'decoder-bitmap-half'),
    'half: workers2-decoder-desiredsize': (s) => perRectHalf(s, 'decoder-desired-half'),
    'half: workers2-blob-bitmap-resize': (s) => perRectHalf(s, 'blob-bitmap-half'),
    'half: workers2-decoder-videoframe drawn scaled': async (screen) => {
      const p = pool(2, 'decoder-frame')
      const answers = screen.map((r) => {
        const copy = r.bytes.slice()
        return p.ask({ type: 'image/jpeg', bytes: copy }, [copy.buffer])
      })
      for (let i = 0; i < screen.length; i++) {
        const a = await answers[i]
        const r = screen[i]
        context().drawImage(a.frame, 0, 0, r.w, r.h, r.x / 2, r.y / 2, Math.ceil(r.w / 2), Math.ceil(r.h / 2))
        a.frame.close()
      }
    },
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

  // How far a route's picture of the first screen is from another route's: max and mean
  // absolute difference per channel, and the share of channels that differ.
  async function compare(route, reference) {
    const shot = async (r) => {
      context().fillStyle = '#000'
      context().fillRect(0, 0, canvas.width, canvas.height)
      await ROUTES[r](screens[0])
      return context().getImageData(0, 0, canvas.width, canvas.height).data
    }
    const a = await shot(route)
    const b = await shot(reference)
    let max = 0
    let sum = 0
    let differ = 0
    for (let i = 0; i < a.length; i++) {
      if ((i & 3) === 3) continue
      const d = Math.abs(a[i] - b[i])
      if (d > max) max = d
      sum += d
      if (d) differ++
    }
    const n = (a.length / 4) * 3
    return { max, mean: sum / n, differ: differ / n }
  }

  window.bench = { load, run, compare, routes: () => Object.keys(ROUTES) }
})()
