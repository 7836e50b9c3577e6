#!/usr/bin/env node
// `npm run icons`: renders build/icon.svg to every icon file the packages use:
//   build/icons/NxN.png  the Linux icon set (electron-builder reads the size from the name)
//   build/icon.png       1024 px, the fallback source
//   build/icon.icns      macOS, build/icon.ico Windows
// The .icns and .ico are assembled here from the same renders, so the 16-32 px renders (which
// the SVG draws differently) reach macOS and Windows too, and electron-builder need not
// download its icon converter. Chromium rasterises the SVG, so no image tool is needed:
// Debian's is at /usr/bin/chromium, CHROMIUM overrides it.
import { Buffer } from 'node:buffer'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import process from 'node:process'
import { chromium } from 'playwright-core'

const root = join(import.meta.dirname, '..')
const source = join(root, 'build', 'icon.svg')
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
/** ICNS element types holding PNG data (macOS 10.7+), by pixel size; ic11-ic14 are the @2x ones. */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const svg = await readFile(source, 'utf8')
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ARGS })
try {
  await mkdir(join(root, 'build', 'icons'), { recursive: true })
  const pngs = new Map()
  for (const size of SIZES) {
    const png = await render(size)
    pngs.set(size, png)
    await write(`icons/${size}x${size}.png`, png)
  }
  await write('icon.png', pngs.get(1024))
  await write('icon.icns', icns(pngs))
  await write('icon.ico', ico(pngs))
} finally {
  await browser.close()
}

async function write(name, data) {
  await writeFile(join(root, 'build', name), data)
  process.stdout.write(`build/${name}  ${data.length} bytes\n`)
}

/** An .icns file: 'icns' and the file length, then per element its type, length and PNG data. */
function icns(pngs) {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const head = Buffer.alloc(8)
    head.write(type, 0, 'latin1')
    head.writeUInt32BE(8 + pngs.get(size).length, 4)
    return Buffer.concat([head, pngs.get(size)])
  })
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'latin1')
  head.writeUInt32BE(8 + elements.reduce((n, e) => n + e.length, 0), 4)
  return Buffer.concat([head, ...elements])
}

/** An .ico file with PNG images (Windows Vista+): ICONDIR, one ICONDIRENTRY per size, the PNGs. */
function ico(pngs) {
  const head = Buffer.alloc(6 + 16 * ICO_SIZES.length)
  head.writeUInt16LE(1, 2)
  head.writeUInt16LE(ICO_SIZES.length, 4)
  let offset = head.length
  ICO_SIZES.forEach((size, i) => {
    const entry = 6 + 16 * i
    head.writeUInt8(size % 256, entry) // 0 means 256
    head.writeUInt8(size % 256, entry + 1)
    head.writeUInt16LE(1, entry + 4) // colour planes
    head.writeUInt16LE(32, entry + 6) // bits per pixel
    head.writeUInt32LE(pngs.get(size).length, entry + 8)
    head.writeUInt32LE(offset, entry + 12)
    offset += pngs.get(size).length
  })
  return Buffer.concat([head, ...ICO_SIZES.map((size) => pngs.get(size))])
}

/** The SVG drawn at size×size CSS pixels (device scale 1) on a transparent page. */
async function render(size) {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 })
  try {
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
    await page.setContent(
      `<!doctype html><style>html,body{margin:0;background:transparent}img{display:block}</style>` + `<img src="${src}" width="${size}" height="${size}">`,
    )
    await page.locator('img').evaluate((img) => img.decode())
    return await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
  } finally {
    await page.close()
  }
}
