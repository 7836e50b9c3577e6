import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { messagesFor } from '../../../src/shared/i18n/catalog'
import { SUPPORTED_LOCALES, matchLocale, resolveLanguage } from '../../../src/shared/i18n/locales'

const ROOT = resolve(__dirname, '../../..')

/** Every leaf of a message tree as "a.b.c" → text. */
function leaves(tree: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv)
  }
  return out
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p))
    else if (/\.(ts|vue)$/.test(name)) out.push(p)
  }
  return out
}

/** The {placeholders} of a message, sorted, so translations can be checked to keep them all. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}

const english = leaves(messagesFor('en'))

describe('translations', () => {
  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))('%s has every English key, none extra, with the same placeholders', (locale) => {
    const tr = leaves(messagesFor(locale))
    expect([...tr.keys()].sort()).toEqual([...english.keys()].sort())
    for (const [key, text] of english) {
      expect(tr.get(key)!.trim().length, `${locale} ${key} is empty`).toBeGreaterThan(0)
      // A translation may drop a placeholder only where English uses it in a plural branch it does not need.
      const need = new Set(placeholders(text))
      for (const p of placeholders(tr.get(key)!)) expect(need.has(p), `${locale} ${key} invents {${p}}`).toBe(true)
    }
  })

  it('every key the code looks up exists in the English catalog', () => {
    const files = [...sourceFiles(join(ROOT, 'src/renderer/src')), ...sourceFiles(join(ROOT, 'src/main/shell'))]
    const used = new Set<string>()
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      // $t('area.key'), t('area.key'), tm('area.key'): literal keys only (computed keys are checked where they are built).
      for (const m of text.matchAll(/\b\$?t[cm]?\(\s*['"]([a-zA-Z]+\.[\w.]+)['"]/g)) used.add(m[1])
    }
    expect(used.size).toBeGreaterThan(0)
    const missing = [...used].filter((k) => !english.has(k))
    expect(missing).toEqual([])
  })
})

describe('choosing a language', () => {
  it('matches exact tags, then the language, then English', () => {
    expect(matchLocale(['de-AT', 'en'])).toBe('de')
    expect(matchLocale(['pt-BR', 'fr-CA'])).toBe('fr')
    expect(matchLocale(['zh-Hans-CN'])).toBe('zh-CN')
    expect(matchLocale(['zh-TW', 'ja'])).toBe('ja')
    expect(matchLocale(['ko'])).toBe('en')
    expect(matchLocale([])).toBe('en')
  })

  it('a chosen language wins over the system one', () => {
    expect(resolveLanguage('es', ['de'])).toBe('es')
    expect(resolveLanguage('system', ['ja-JP'])).toBe('ja')
  })
})
