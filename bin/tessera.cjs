#!/usr/bin/env node
// Entry for `npx tessera`: the CLI is bundled by `npm run build` into out/main/cli.js.
const { join } = require('node:path')
const { existsSync } = require('node:fs')
const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write('tessera: not built yet; run `npm run build` first\n')
  process.exit(2)
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code
  })
