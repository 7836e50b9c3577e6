import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const shared = { '@shared': resolve('src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      rollupOptions: {
        // The CLI and the browser-mode server share the engine with the app but never load electron.
        // The thumbnails' image decoder runs in a worker thread (src/main/host/image-decode-pool.ts).
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli/index.ts'),
          'decode-worker': resolve('src/main/rfb/images/decode-worker.ts'),
        },
      },
    },
  },
  preload: { resolve: { alias: shared } },
  renderer: {
    resolve: { alias: { ...shared, '@renderer': resolve('src/renderer/src') } },
    plugins: [vue()],
  },
})
