import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/*
 * No user-facing English left in the renderer's code: templates are checked by ESLint
 * (vue/no-bare-strings-in-template); this finds sentences in script code (stores, lib, <script>)
 * that should be `t('area.key')`. A sentence here is a quoted string starting with a capital
 * letter and containing a space between words ("Cannot reach the server"). Developer-only text
 * (console output, thrown programming errors) is exempt; a line may say why it is with
 * `i18n-exempt: <reason>`.
 */

const ROOT = resolve(__dirname, '../../..')
const DIRS = ['src/renderer/src']

function files(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...files(p))
    else if (/\.(ts|vue)$/.test(name)) out.push(p)
  }
  return out
}

/** The script part of a file: all of a .ts file, only the <script> blocks of a .vue file (templates are ESLint's). */
function scriptLines(path: string): { line: number; text: string }[] {
  const lines = readFileSync(path, 'utf8').split('\n')
  const out: { line: number; text: string }[] = []
  let inScript = path.endsWith('.ts')
  let inComment = false
  lines.forEach((text, i) => {
    if (path.endsWith('.vue')) {
      if (/^<script/.test(text)) return void (inScript = true)
      if (/^<\/script>/.test(text)) return void (inScript = false)
    }
    if (!inScript) return
    const trimmed = text.trim()
    if (inComment) {
      if (trimmed.includes('*/')) inComment = false
      return
    }
    if (trimmed.startsWith('/*')) {
      if (!trimmed.includes('*/')) inComment = true
      return
    }
    if (trimmed.startsWith('//') || trimmed.startsWith('*')) return
    out.push({ line: i + 1, text })
  })
  return out
}

const SENTENCE = /(['"`])([A-Z][a-z’']*(?:,? [A-Za-z’'…][\w’'…-]*){1,}[.!?…]?)\1/
const EXEMPT = /console\.|throw new (?:Type|Range)?Error|i18n-exempt:|import |from '|aria-hidden/

describe('no hard-coded user-facing text in renderer scripts', () => {
  it('every sentence goes through the message catalog', () => {
    const found: string[] = []
    for (const dir of DIRS) {
      for (const f of files(join(ROOT, dir))) {
        for (const { line, text } of scriptLines(f)) {
          if (EXEMPT.test(text)) continue
          const m = SENTENCE.exec(text)
          if (m) found.push(`${relative(ROOT, f)}:${line}: ${m[0]}`)
        }
      }
    }
    expect(found).toEqual([])
  })
})
