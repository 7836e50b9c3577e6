// "Measure performance…" as a user runs it in browser mode, without a DevTools client on the page's
// network (Playwright's e2e tests have one: it base64s every 8 MB message, see pipeline/cdp.ts):
// the real host and `tessera web` server, the built renderer (out/renderer, `npx electron-vite
// build`) in headless Chromium over a DevTools pipe; the dialog is opened from the Preferences and
// its figures are printed with the load average.
//   npx vitest run --config bench/vitest.config.mts bench/measure-command.run.ts
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, it } from 'vitest'
import { createHost } from '../src/main/host/create-host'
import { COOL_DOWN_MS } from '../src/main/host/frame-bench-runs'
import { startWebServer } from '../src/main/web/server'
import { CdpBrowser } from './pipeline/cdp'

const RENDERER_DIR = resolve(import.meta.dirname, '../out/renderer')
const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium'
const RUNS = Number(process.env.BENCH_RUNS ?? 2)

it.skipIf(!existsSync(join(RENDERER_DIR, 'index.html')) || !existsSync(CHROMIUM))('Measure performance… in browser mode', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-measure-'))
  const { host } = await createHost({ dataDir, log: () => {} })
  const web = await startWebServer({ host, rendererDir: RENDERER_DIR, log: () => {} })
  const browser = CdpBrowser.launch(CHROMIUM)
  try {
    const page = await browser.newPage({ width: 1000, height: 760 })
    await page.goto(web.launchUrl())
    await page.waitForSelector('.address-book', 30_000)
    await page.evaluate(`document.querySelector('button.open-preferences').click()`)
    await page.waitForSelector('dialog[open].preferences button.measure-performance', 10_000)
    await page.evaluate(`document.querySelector('dialog[open].preferences button.measure-performance').click()`)
    await page.waitForSelector('dialog[open].measure button.start-measure', 10_000)
    for (let run = 1; run <= RUNS; run++) {
      // A window's runs are at least COOL_DOWN_MS apart: the host refuses one sooner.
      if (run > 1) await new Promise((r) => setTimeout(r, COOL_DOWN_MS))
      const load = loadavg()
      await page.evaluate(`document.querySelector('dialog[open].measure button.start-measure').click()`)
      await page.waitForSelector('dialog[open].measure button.cancel-measure', 10_000)
      await page.waitForSelector('dialog[open].measure table.figures', 300_000)
      const rows = await page.evaluate<string[]>(
        `[...document.querySelectorAll('dialog[open].measure tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent.trim()).join(' | '))`,
      )
      process.stdout.write(
        `\nrun ${run} (${new Date().toISOString()}, load average before ${load.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}): what | median ms | fastest ms | MB/s\n${rows.join('\n')}\n`,
      )
      expect(rows.length).toBeGreaterThan(2)
    }
  } finally {
    await browser.close()
    await web.close()
    await host.shutdown()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
