import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RENDERER_CSP, metaCsp, rendererCspHeader } from '../../../src/shared/csp'
import { contentSecurityPolicy } from '../../../src/main/web/server'
import { SHELL_CSP } from '../../../src/main/shell/window-options'

const root = join(import.meta.dirname, '..', '..', '..')
const directives = (policy: string): string[] =>
  policy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)

describe('the renderer CSP, one source of truth', () => {
  it('is what index.html carries in its meta element', () => {
    expect(metaCsp(readFileSync(join(root, 'src', 'renderer', 'index.html'), 'utf8'))).toBe(RENDERER_CSP)
  })

  it('is what the built index.html carries, when there is a build', (ctx) => {
    const built = join(root, 'out', 'renderer', 'index.html')
    if (!existsSync(built)) ctx.skip('no build (npm run build)')
    expect(metaCsp(readFileSync(built, 'utf8'))).toBe(RENDERER_CSP)
  })

  it('is strict: own scripts only, no eval, no plugins, no base or form targets, nothing remote', () => {
    const d = directives(RENDERER_CSP)
    expect(d).toContain("default-src 'self'")
    expect(d).toContain("script-src 'self'")
    expect(d).toContain("connect-src 'self'")
    expect(d).toContain("object-src 'none'")
    expect(d).toContain("base-uri 'none'")
    expect(d).toContain("form-action 'none'")
    expect(RENDERER_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*|https?:|ws:/)
  })

  it('is sent as a header by the shell and by browser mode, with only the header-only directives added', () => {
    expect(SHELL_CSP).toBe(rendererCspHeader())
    expect(directives(SHELL_CSP)).toEqual([...directives(RENDERER_CSP), "frame-ancestors 'none'"])
    const web = directives(contentSecurityPolicy('127.0.0.1:8123'))
    expect(web).toEqual([
      ...directives(RENDERER_CSP).map((d) => (d === "connect-src 'self'" ? "connect-src 'self' ws://127.0.0.1:8123" : d)),
      "frame-ancestors 'none'",
    ])
  })

  it('reads the meta element whatever the attribute order and quotes, and nothing else', () => {
    expect(metaCsp(`<meta content="a 'self'" http-equiv="content-security-policy">`)).toBe("a 'self'")
    expect(metaCsp(`<meta http-equiv='Content-Security-Policy' content="b">`)).toBe('b')
    expect(metaCsp('<meta name="color-scheme" content="dark">')).toBeNull()
  })
})
