#!/usr/bin/env node
// Entry for `npx tessera`: the CLI is bundled by `npm run build` into out/main/cli.js.
const { join } = require('node:path')
const { existsSync } = require('node:fs')
const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  // Exit 1 in the table of src/main/cli/exit-codes.ts (docs/cli.md): nothing a command line could fix.
  process.stderr.write('tessera: not built yet; run `npm run build` in the repository first\n')
  process.exit(1)
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code
  })
