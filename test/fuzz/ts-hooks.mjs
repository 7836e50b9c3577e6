// Node module hooks that run the engine's TypeScript directly in plain Node (fuzz workers, which
// must be killable on a hang, and the fuzz CLI): each .ts file is transpiled on load with the
// project's own `typescript`, extensionless relative imports find their .ts file, and `@shared/*`
// maps to src/shared like the build's alias. No type checking: `npm run typecheck` does that.
import { createHash } from 'node:crypto'
import process from 'node:process'
import { existsSync, statSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve as resolvePath } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolvePath(dirname(fileURLToPath(import.meta.url)), '..', '..')
const shared = resolvePath(root, 'src', 'shared')

// Transpiled files are cached by path, size and mtime: a respawned worker starts in well under a second.
const cacheDir = join(tmpdir(), `tessera-ts-cache-${process.getuid?.() ?? 'u'}`)
let ts = null

const COMPILER = {
  module: 99, // ts.ModuleKind.ESNext
  target: 9, // ts.ScriptTarget.ES2022
  // Engine files import each other's const enums: keep them as objects, as isolatedModules does.
  preserveConstEnums: true,
  isolatedModules: true,
  verbatimModuleSyntax: false,
  sourceMap: false,
  inlineSourceMap: true,
}

function asTs(path) {
  for (const candidate of [path, `${path}.ts`, resolvePath(path, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate
  }
  return null
}

export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@shared/')) {
    const file = asTs(resolvePath(shared, specifier.slice('@shared/'.length)))
    if (file) return { url: pathToFileURL(file).href, shortCircuit: true }
  }
  if ((specifier.startsWith('./') || specifier.startsWith('../')) && context.parentURL?.startsWith('file:')) {
    const parent = fileURLToPath(context.parentURL)
    if (parent.endsWith('.ts')) {
      const file = asTs(resolvePath(dirname(parent), specifier))
      if (file) return { url: pathToFileURL(file).href, shortCircuit: true }
    }
  }
  return next(specifier, context)
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context)
  const path = fileURLToPath(url)
  const st = statSync(path)
  const key = createHash('sha1').update(`${path}\0${st.size}\0${st.mtimeMs}`).digest('hex')
  const cached = join(cacheDir, `${key}.js`)
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true }
  } catch {
    // not cached yet
  }
  ts ??= (await import('typescript')).default
  const out = ts.transpileModule(await readFile(path, 'utf8'), { compilerOptions: COMPILER, fileName: path })
  await mkdir(cacheDir, { recursive: true })
  const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`
  await writeFile(tmp, out.outputText)
  await rename(tmp, cached)
  return { format: 'module', source: out.outputText, shortCircuit: true }
}
