import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

// Benchmarks run under vitest (it compiles the TypeScript) but apart from the test suite:
//   npx vitest run --config bench/vitest.config.mts
export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, '../src/shared') } },
  test: {
    root: resolve(import.meta.dirname, '..'),
    include: ['bench/**/*.run.ts'],
    environment: 'node',
    testTimeout: 600_000,
    fileParallelism: false,
  },
})
