// `node --import ./test/fuzz/register.mjs test/helpers/run-cli.ts ARGS...`: the real `tessera` CLI
// from source, in its own process (tests that need two processes, or a process that exits).
import { main } from '../../src/main/cli/index'

process.exitCode = await main(process.argv.slice(2))
