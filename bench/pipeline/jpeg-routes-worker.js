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
  if (mode === 'decoder-rgba' || mode === 'decoder-rgbx') {
    // Colour conversion here (VideoFrame.copyTo converts YUV to RGB on this thread); the page
    // only puts the bytes. A buffer the page sent back is reused when it is large enough.
    const frame = await viaDecoder(m.type, m.bytes, { preferAnimation: false })
    try {
      const w = frame.displayWidth
      const h = frame.displayHeight
      const size = w * h * 4
      const buffer = m.buffer && m.buffer.byteLength >= size ? m.buffer : new ArrayBuffer(size)
      const rgba = new Uint8Array(buffer, 0, size)
      await frame.copyTo(rgba, { format: mode === 'decoder-rgba' ? 'RGBA' : 'RGBX', colorSpace: 'srgb' })
      self.postMessage({ id: m.id, rgba: buffer, w, h, format: frame.format }, [buffer])
    } finally {
      frame.close()
    }
    return
  }
  if (mode === 'decoder-bitmap-half') {
    // Decoded at full size, scaled to half in the worker: what a session scaled to 50% would paint.
    const frame = await viaDecoder(m.type, m.bytes, { preferAnimation: false })
    try {
      const bitmap = await createImageBitmap(frame, {
        resizeWidth: Math.ceil(frame.displayWidth / 2),
        resizeHeight: Math.ceil(frame.displayHeight / 2),
        resizeQuality: 'low',
      })
      self.postMessage({ id: m.id, bitmap }, [bitmap])
    } finally {
      frame.close()
    }
    return
  }
  if (mode === 'decoder-desired-half') {
    // ImageDecoder's own desiredWidth/desiredHeight: does Chromium decode JPEG smaller (DCT scaling)?
    const frame = await viaDecoder(m.type, m.bytes, { preferAnimation: false, desiredWidth: 0, desiredHeight: 0, ...m.desired })
    self.postMessage({ id: m.id, frame }, [frame])
    return
  }
  if (mode === 'blob-bitmap-half') {
    const bitmap = await createImageBitmap(new Blob([m.bytes], { type: m.type }), { resizeWidth: m.half[0], resizeHeight: m.half[1], resizeQuality: 'low' })
    self.postMessage({ id: m.id, bitmap }, [bitmap])
    return
  }
  const bitmap = await decode(m.type, m.bytes)
  self.postMessage({ id: m.id, bitmap }, [bitmap])
}
