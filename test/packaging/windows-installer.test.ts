import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// build/installer.nsh runs inside electron-builder's NSIS installer, which cannot be built here
// (its NSIS comes from GitHub). Debian's makensis (apt package nsis) can still compile the
// include's macros, in a small installer that defines what electron-builder's template would.

const build = join(import.meta.dirname, '..', '..', 'build')
const hasMakensis = spawnSync('makensis', ['-VERSION']).status === 0

const HARNESS = `Unicode true
!include LogicLib.nsh
!define PRODUCT_NAME "Tessera"
!define APP_DESCRIPTION "A fast, secure desktop VNC viewer"
!define APP_EXECUTABLE_FILENAME "Tessera.exe"
; electron-builder's \${isUpdated} test; here an update never happens.
!macro _isUpdated _a _b _t _f
  StrCmp "" "updated" \`\${_t}\` \`\${_f}\`
!macroend
!define isUpdated \`"" isUpdated ""\`
Var appExe
OutFile "check.exe"
Icon "${join(build, 'icon.ico')}"
UninstallIcon "${join(build, 'icon.ico')}"
RequestExecutionLevel user
!include "${join(build, 'installer.nsh')}"
Section "install"
  SetShellVarContext current
  StrCpy $appExe "$INSTDIR\\\${APP_EXECUTABLE_FILENAME}"
  !insertmacro customInstall
  WriteUninstaller "$INSTDIR\\uninstall.exe"
SectionEnd
Section "un.uninstall"
  SetShellVarContext current
  !insertmacro customUnInstall
SectionEnd
`

describe('Windows installer include', () => {
  it.skipIf(!hasMakensis)('compiles, with icon.ico as installer icon, without warnings (makensis)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-nsis-'))
    try {
      writeFileSync(join(dir, 'check.nsi'), HARNESS)
      const r = spawnSync('makensis', ['-V2', '-WX', 'check.nsi'], { cwd: dir, encoding: 'utf8' })
      expect(`${r.stdout}${r.stderr}`).toBe('')
      expect(r.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
