#!/usr/bin/env node
// Runs a bench script the way the app runs the engine: bundled by Vite (as electron-vite bundles
// the CLI), then executed by plain Node, so no test runner's module transform sits in the timed
// code. `node bench/run.mjs decoders [IN.fbs...]` (npm run bench), `node bench/run.mjs record`
// (npm run bench:record), `node bench/run.mjs pipeline` (npm run bench:pipeline) or
// `node bench/run.mjs wall` (npm run bench:wall). Dependencies stay external and load from
// node_modules, noVNC and playwright-core included.
import { mkdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'vite'

/** Script name → its entry under bench/. */
const ENTRIES = {
  decoders: 'decoders.ts',
  record: 'record.ts',
  pipeline: 'pipeline/main.ts',
  wall: 'wall-cost.ts',
  profile: 'profile.ts',
  viewers: 'viewers/main.ts',
  memory: 'memory.ts',
  'jpeg-routes': 'pipeline/jpeg-routes.ts',
}
const SCRIPTS = Object.keys(ENTRIES)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const [name, ...args] = process.argv.slice(2)
if (!SCRIPTS.includes(name)) {
  process.stderr.write(`usage: node bench/run.mjs ${SCRIPTS.join('|')} [ARGS...]\n`)
  process.exit(2)
}
const outDir = join(root, 'out', 'bench')
await mkdir(outDir, { recursive: true })
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: '@shared', replacement: join(root, 'src', 'shared') },
      // CommonJS with named exports Node's ESM loader cannot see (the host's SSH transport imports it).
      { find: /^ssh2$/, replacement: join(root, 'bench', 'pipeline', 'ssh2-shim.mjs') },
    ],
  },
  build: {
    ssr: true,
    outDir,
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rollupOptions: {
      input: { [name]: join(root, 'bench', ENTRIES[name]) },
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
})
const { main } = await import(pathToFileURL(join(outDir, `${name}.mjs`)).href)
process.exitCode = await main(root, args)
