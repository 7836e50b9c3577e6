// The workers of bench/pipeline/jpeg-routes-page.js: one decoding mode each, set by the first message.
/* eslint-disable */
let mode = ''
let canvas = null
let ctx = null

async function viaDecoder(type, bytes, options) {
  const d = new ImageDecoder({ data: bytes, type, ...options })
  try {
    return (await d.decode({ frameIndex: 0 })).image
  } finally {
    d.close()
  }
}

async function decode(type, bytes) {
  switch (mode) {
    case 'decoder-bitmap': {
      const f = await viaDecoder(type, bytes, { preferAnimation: false })
      try {
        return await createImageBitmap(f)
      } finally {
        f.close()
      }
    }
    case 'decoder-noconv-bitmap': {
      const f = await viaDecoder(type, bytes, { preferAnimation: false, colorSpaceConversion: 'none' })
      try {
        return await createImageBitmap(f)
      } finally {
        f.close()
      }
    }
    case 'decoder-nopref-bitmap': {
      const f = await viaDecoder(type, bytes, {})
      try {
        return await createImageBitmap(f)
      } finally {
        f.close()
      }
    }
    case 'blob-bitmap':
      return createImageBitmap(new Blob([bytes], { type }))
    case 'decoder-offscreen': {
      // Colour conversion by drawing the frame on a worker canvas, then handing its bitmap over.
      const f = await viaDecoder(type, bytes, { preferAnimation: false })
      try {
        const c = new OffscreenCanvas(f.displayWidth, f.displayHeight)
        c.getContext('2d').drawImage(f, 0, 0)
        return c.transferToImageBitmap()
      } finally {
        f.close()
      }
    }
  }
  throw new Error(`no mode ${mode}`)
}

self.onmessage = async (e) => {
  const m = e.data
  if (m.setup) {
    mode = m.setup
    if (m.canvas) {
      canvas = m.canvas
      ctx = canvas.getContext('2d', { alpha: false })
    }
    return
  }
  if (mode === 'owner-decoder') {
    const frames = m.list.map((b) => viaDecoder(m.type, b, { preferAnimation: false }))
    for (let i = 0; i < frames.length; i++) {
      const f = await frames[i]
      const [x, y, w, h] = m.rects[i]
      ctx.drawImage(f, 0, 0, w, h, x, y, w, h)
      f.close()
    }
    // Shown at the worker's next frame, as the page's canvas would be at the page's.
    await new Promise((r) => requestAnimationFrame(r))
    self.postMessage({ id: m.id })
    return
  }
  if (m.list && mode === 'decoder-frame') {
    const frames = await Promise.all(m.list.map((b) => viaDecoder(m.type, b, { preferAnimation: false })))
    self.postMessage({ id: m.id, frames }, frames)
    return
  }
  if (m.list) {
    const bitmaps = await Promise.all(m.list.map((b) => decode(m.type, b)))
    self.postMessage({ id: m.id, bitmaps }, bitmaps)
    return
  }
  if (mode === 'decoder-frame') {
    const frame = await viaDecoder(m.type, m.bytes, { preferAnimation: false })
    self.postMessage({ id: m.id, frame }, [frame])
    return
  }
  const bitmap = await decode(m.type, m.bytes)
  self.postMessage({ id: m.id, bitmap }, [bitmap])
}
