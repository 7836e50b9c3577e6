// `node --import ./test/fuzz/register.mjs file.ts`: lets Node load the engine's TypeScript (see ts-hooks.mjs).
import { register } from 'node:module'

register('./ts-hooks.mjs', import.meta.url)
