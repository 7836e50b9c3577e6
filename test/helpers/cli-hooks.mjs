// Module hooks for running the real CLI from source in a child process: the fuzz harness's
// TypeScript hooks, plus named imports from CommonJS packages that Node's static export
// detection misses (`import { Client, utils } from 'ssh2'`), which the bundler allows.
import { createRequire } from 'node:module'
import { URL, fileURLToPath } from 'node:url'

const SCHEME = 'tessera-cjs:'
const require = createRequire(fileURLToPath(new URL('../../package.json', import.meta.url)))

export async function resolve(specifier, context, next) {
  const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':') && !specifier.startsWith('@shared/')
  if (bare && context.parentURL?.endsWith('.ts')) {
    const resolved = await next(specifier, context)
    if (resolved.format === 'commonjs' || resolved.url.endsWith('.js') || resolved.url.endsWith('.cjs')) {
      return { url: `${SCHEME}${specifier}`, shortCircuit: true }
    }
    return resolved
  }
  return next(specifier, context)
}

export async function load(url, context, next) {
  if (!url.startsWith(SCHEME)) return next(url, context)
  const name = url.slice(SCHEME.length)
  const keys = Object.keys(require(name)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default')
  const source = [
    `import { createRequire } from 'node:module'`,
    `const m = createRequire(${JSON.stringify(require.resolve(name))})(${JSON.stringify(name)})`,
    'export default m',
    ...keys.map((k) => `export const ${k} = m[${JSON.stringify(k)}]`),
  ].join('\n')
  return { format: 'module', source, shortCircuit: true }
}
