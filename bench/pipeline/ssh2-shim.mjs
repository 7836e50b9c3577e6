// ssh2 is CommonJS and its `utils` is not a named export Node's ESM loader can see. The host's
// SSH transport does `import { Client, utils } from 'ssh2'`, which electron-vite turns into a
// require(); for the pipeline bench (bundled as ESM by bench/run.mjs) this module stands in.
import { createRequire } from 'node:module'

const ssh2 = createRequire(import.meta.url)('ssh2')
export const { Client, utils } = ssh2
export default ssh2
