// `node --import ./test/helpers/cli-register.mjs test/helpers/run-cli.ts ARGS...` (see cli-hooks.mjs).
import { register } from 'node:module'

register('../fuzz/ts-hooks.mjs', import.meta.url)
register('./cli-hooks.mjs', import.meta.url)
