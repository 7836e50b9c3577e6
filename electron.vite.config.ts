import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { RENDERER_CSP, metaCsp } from './src/shared/csp'

const shared = { '@shared': resolve('src/shared') }

/** Fails the build when index.html's meta CSP is not the one the shell and the web server send (src/shared/csp.ts). */
const cspMatchesShell: Plugin = {
  name: 'tessera-csp-check',
  transformIndexHtml(html) {
    const meta = metaCsp(html)
    if (meta !== RENDERER_CSP)
      throw new Error(`src/renderer/index.html: the meta CSP must be RENDERER_CSP from src/shared/csp.ts\n  meta:   ${meta}\n  shared: ${RENDERER_CSP}`)
    return html
  },
}

/** Third-party code compiled into our bundle (not an npm package) ships its licence in out/main/licenses. */
const thirdPartyLicences: Plugin = {
  name: 'tessera-third-party-licences',
  generateBundle() {
    const source = readFileSync(resolve('src/main/rfb/images/jpeg-turbo-LICENSE.md'), 'utf8')
    this.emitFile({ type: 'asset', fileName: 'licenses/libjpeg-turbo.md', source })
  },
}

export default defineConfig({
  main: {
    resolve: { alias: shared },
    plugins: [thirdPartyLicences],
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
    plugins: [vue(), cspMatchesShell],
    // vue-i18n's bundler build: Composition API only, messages compiled without eval (the CSP forbids it).
    define: {
      __VUE_I18N_FULL_INSTALL__: true,
      __VUE_I18N_LEGACY_API__: false,
      __INTLIFY_PROD_DEVTOOLS__: false,
      __INTLIFY_JIT_COMPILATION__: true,
      __INTLIFY_DROP_MESSAGE_COMPILER__: false,
    },
  },
})
