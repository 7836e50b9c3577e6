// Fuzz worker thread: loads the engine's TypeScript (ts-hooks.mjs) and runs cases sent by pool.ts.
import { register } from 'node:module'
import process from 'node:process'
import { parentPort } from 'node:worker_threads'

register('./ts-hooks.mjs', import.meta.url)
const { runCase } = await import('./engine-case.ts')

// Anything escaping the engine's own error handling is a crash of the case being run.
let current = null
const escape = (err) => {
  if (current === null) return
  const id = current
  current = null
  parentPort.postMessage({
    id,
    outcome: {
      kind: 'crash',
      code: 'uncaught',
      message: String(err?.message ?? err),
      stack: err?.stack,
      updates: 0,
      ms: 0,
      arrayBuffers: 0,
      heapUsed: 0,
      rss: 0,
      wasm: 0,
    },
  })
}
process.on('uncaughtException', escape)
process.on('unhandledRejection', escape)

parentPort.on('message', async ({ id, fbs, chunkSize, opts }) => {
  current = id
  const outcome = await runCase(fbs, chunkSize, opts)
  if (current !== id) return
  current = null
  parentPort.postMessage({ id, outcome })
})
parentPort.postMessage({ ready: true })
