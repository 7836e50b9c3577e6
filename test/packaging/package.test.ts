import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire, isBuiltin } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// What `npm run dist` ships, checked offline. electron-builder packs the Linux layout around a
// stub Electron and builds the deb and rpm through a stub fpm that keeps what electron-builder
// hands it (desktop entry, MIME type, icons, install scripts); a second run packs the macOS app
// around a stub Electron.app, for its Info.plist. The real Electron, fpm and AppImage tools come
// from GitHub, which this machine cannot reach.

const root = join(import.meta.dirname, '..', '..')
const require = createRequire(import.meta.url)
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[]
  extractAll(archive: string, dest: string): void
}
// Both come with electron-builder, which writes the YAML and the plist read here.
const yaml = require('js-yaml') as { load(text: string): unknown }
const plist = require('plist') as { parse(text: string): unknown }
// The fuse library electron-builder applies (build/fuses.cjs loads it the same way).
const fusesFrom = (id: string): unknown => require(require.resolve(id, { paths: [require.resolve('app-builder-lib')] }))
const fuses = fusesFrom('@electron/fuses') as {
  FuseV1Options: Record<string, number | string>
  getCurrentFuseWire(electron: string): Promise<Record<number, number>>
}
/** The marker Electron's fuse wire follows, in every Electron binary. */
const { SENTINEL } = fusesFrom('@electron/fuses/dist/constants') as { SENTINEL: string }
const { fuseConfig } = require(join(root, 'build', 'fuses.cjs')) as { fuseConfig(platform: string): Record<string, unknown> }

const pkg = readJson(join(root, 'package.json'))
const electronVersion = readJson(join(root, 'node_modules', 'electron', 'package.json')).version!
/** `script` (util-linux) gives electron-builder a terminal: only then does it write builder-effective-config.yaml. */
const hasScript = spawnSync('script', ['--version']).status === 0
const hasDesktopFileValidate = spawnSync('desktop-file-validate', ['--help']).status === 0
const BUILT = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js', 'out/renderer/index.html', 'out/main/licenses/libjpeg-turbo.md']

let work = ''
/** electron-builder's output directories. */
let linuxDist = ''
let macDist = ''
/** What the stub fpm kept, per target. */
let fpmKept = ''
let unpacked = ''
/** The app.asar listing, files only: out/main/index.js, node_modules/pako/package.json, ... */
let files: string[] = []
let fileSet = new Set<string>()
/** app.asar unpacked to disk, to run and read what it holds. */
let extracted = ''

describe.runIf(process.platform === 'linux')('packaging (electron-builder, offline)', () => {
  beforeAll(async () => {
    if (BUILT.some((f) => !existsSync(join(root, f)))) {
      const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, encoding: 'utf8' })
      if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}${build.stderr}`)
    }
    work = mkdtempSync(join(tmpdir(), 'tessera-packaging-'))
    linuxDist = join(work, 'dist-linux')
    macDist = join(work, 'dist-mac')
    fpmKept = join(work, 'fpm-kept')
    unpacked = join(linuxDist, 'linux-unpacked')
    const fpm = join(work, 'fpm.cjs')
    writeExecutable(fpm, stubFpm(fpmKept))

    const started = performance.now()
    const [linux, mac] = await Promise.all([
      electronBuilder(
        ['--linux', 'dir', 'deb', 'rpm', `-c.electronDist=${stubLinuxElectron(join(work, 'electron-linux'))}`, `-c.directories.output=${linuxDist}`],
        { CUSTOM_FPM_PATH: fpm },
      ),
      electronBuilder(['--mac', 'dir', '--x64', `-c.electronDist=${stubMacElectron(join(work, 'electron-mac'))}`, `-c.directories.output=${macDist}`], {}),
    ])
    console.log(
      `electron-builder --linux dir deb rpm: ${linux.toFixed(1)} s, --mac dir: ${mac.toFixed(1)} s, ` +
        `both (in parallel): ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )

    const archive = join(unpacked, 'resources', 'app.asar')
    const entries = asar.listPackage(archive, { isPack: false }).map((f) => f.replace(/\\/g, '/').replace(/^\//, ''))
    // The listing has the directories too: every entry that is some entry's parent.
    const dirs = new Set(entries.map((e) => e.slice(0, e.lastIndexOf('/'))))
    files = entries.filter((e) => !dirs.has(e))
    fileSet = new Set(files)
    extracted = join(work, 'extracted')
    asar.extractAll(archive, extracted)
  }, 120_000)

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  describe('app.asar', () => {
    it('holds the whole electron-vite build, the CLI entry and package.json', () => {
      const built = listFiles(join(root, 'out'))
        .filter((f) => !f.endsWith('.map'))
        .map((f) => `out/${f}`)
      expect(files.filter((f) => f.startsWith('out/')).sort()).toEqual(built.sort())
      for (const f of [...BUILT, 'package.json', 'bin/tessera.cjs']) expect(fileSet, f).toContain(f)
      const html = readFileSync(join(root, 'out', 'renderer', 'index.html'), 'utf8')
      const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => `out/renderer/${m[1]}`)
      expect(assets.length).toBeGreaterThan(0)
      for (const a of assets) expect(fileSet, a).toContain(a)
    })

    it('holds no sources, tests, build resources or source maps', () => {
      const own = files.filter((f) => !f.startsWith('node_modules/'))
      expect(own.filter((f) => !/^(out\/|bin\/tessera\.cjs$|package\.json$)/.test(f))).toEqual([])
      expect(files.filter((f) => f.endsWith('.map'))).toEqual([])
      // Type declarations that dependencies ship (.d.ts, .d.mts) are not sources.
      expect(files.filter((f) => /\.(ts|mts|cts|vue)$/.test(f) && !/\.d\.[mc]?ts$/.test(f))).toEqual([])
    })

    it('holds exactly the packages "dependencies" need at run time, no devDependencies', () => {
      const packed = new Set(files.flatMap((f) => /^((?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(f)?.[1] ?? []))
      const runtime = runtimePackages()
      for (const name of Object.keys(pkg.dependencies ?? {})) expect(packed, name).toContain(`node_modules/${name}`)
      // A devDependency may be packed only as something a runtime package needs itself.
      const runtimeNames = new Set([...runtime].map((p) => p.replace(/^.*node_modules\//, '')))
      for (const name of [...Object.keys(pkg.devDependencies ?? {}), 'electron', 'vitest', 'vite', 'typescript', 'playwright-core']) {
        if (!runtimeNames.has(name)) expect(packed, name).not.toContain(`node_modules/${name}`)
      }
      expect([...packed].sort()).toEqual([...runtime].sort())
    })

    it('has every package the bundled code requires', () => {
      const missing: string[] = []
      for (const f of files.filter((f) => f.startsWith('out/') && f.endsWith('.js'))) {
        const code = readFileSync(join(extracted, f), 'utf8')
        for (const m of code.matchAll(/\b(?:require|import)\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
          const spec = m[1]
          if (isBuiltin(spec) || spec === 'electron') continue
          const name = spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/')
          if (!fileSet.has(`node_modules/${name}/package.json`)) missing.push(`${f} requires ${spec}`)
        }
      }
      expect(missing).toEqual([])
    })

    it('runs the command line from its own contents', () => {
      // Outside the project, with no NODE_PATH: only the archive's node_modules can satisfy it.
      const r = spawnSync(process.execPath, [join(extracted, 'bin', 'tessera.cjs'), '--help'], { encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } })
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(/^usage: tessera COMMAND/)
    })
  })

  describe('the `tessera` command (deb and rpm link /usr/bin/tessera to it)', () => {
    const launcher = (): string => join(unpacked, 'resources', 'bin', 'tessera')
    /** Runs the launcher through a symlink, as from /usr/bin; the stub Electron says how it was started. */
    const run = (...args: string[]): string[] => {
      const link = join(work, 'usr-bin', 'tessera')
      if (!existsSync(link)) {
        mkdirSync(dirname(link), { recursive: true })
        symlinkSync(launcher(), link)
      }
      const r = spawnSync(link, args, { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: 'inherited' } })
      expect(r.status, r.stderr).toBe(0)
      return r.stdout.trimEnd().split('\n')
    }

    it('is packed as an executable resource', () => {
      expect(statSync(launcher()).mode & 0o111).toBe(0o111)
    })

    it('runs a command-line call with the app’s Electron as Node, from app.asar', () => {
      const cli = join(unpacked, 'resources', 'app.asar', 'bin', 'tessera.cjs')
      expect(run('snapshot', 'host:1', 'out.png')).toEqual(['ELECTRON_RUN_AS_NODE=1', `arg=${cli}`, 'arg=snapshot', 'arg=host:1', 'arg=out.png'])
      expect(run('--help')).toEqual(['ELECTRON_RUN_AS_NODE=1', `arg=${cli}`, 'arg=--help'])
    })

    it('opens the app for nothing, a vnc:// address, a .vnc file or a Chromium flag', () => {
      expect(run()).toEqual(['ELECTRON_RUN_AS_NODE='])
      expect(run('vnc://host:5901')).toEqual(['ELECTRON_RUN_AS_NODE=', 'arg=vnc://host:5901'])
      expect(run('lab/server.vnc')).toEqual(['ELECTRON_RUN_AS_NODE=', 'arg=lab/server.vnc'])
      expect(run('--ozone-platform=x11')).toEqual(['ELECTRON_RUN_AS_NODE=', 'arg=--ozone-platform=x11'])
    })
  })

  describe('Electron fuses (build/fuses.cjs, flipped before signing)', () => {
    const hardened = {
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on',
      LoadBrowserProcessSpecificV8Snapshot: 'off',
      GrantFileProtocolExtraPrivileges: 'off',
    }

    it('are set in the Linux binary; RunAsNode stays on for the `tessera` command line', async () => {
      expect(await fuseStates(join(unpacked, 'tessera'))).toEqual({ RunAsNode: 'on', ...hardened })
    })

    it('are set in the macOS app, RunAsNode off', async () => {
      expect(await fuseStates(join(macDist, 'mac', 'Tessera.app'))).toEqual({ RunAsNode: 'off', ...hardened })
    })

    it('are decided for every fuse on every platform; Windows has RunAsNode off too', () => {
      const names = Object.keys(fuses.FuseV1Options).filter((k) => Number.isNaN(Number(k)))
      for (const platform of ['linux', 'darwin', 'mas', 'win32']) {
        const config = fuseConfig(platform)
        for (const name of names) expect(typeof config[fuses.FuseV1Options[name]], `${platform} ${name}`).toBe('boolean')
      }
      expect(fuseConfig('win32')[fuses.FuseV1Options.RunAsNode]).toBe(false)
      expect(fuseConfig('win32')[fuses.FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true)
    })

    it('are flipped by the afterPack hook electron-builder.yml names', () => {
      const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { afterPack?: string; electronFuses?: unknown }
      expect(config.afterPack).toBe('./build/fuses.cjs')
      // Not both: electron-builder would flip its own set afterwards, the same for every platform.
      expect(config.electronFuses).toBeUndefined()
    })
  })

  describe('desktop integration', () => {
    it('is in the effective configuration: vnc scheme, .vnc files, desktop entry, mac entitlements', (ctx) => {
      if (!hasScript) ctx.skip('no `script` command: electron-builder writes its effective configuration only to a terminal')
      const config = yaml.load(readFileSync(join(linuxDist, 'builder-effective-config.yaml'), 'utf8')) as EffectiveConfig
      expect(config.appId).toBe('org.tessera.viewer')
      expect(config.productName).toBe('Tessera')
      expect(config.protocols).toEqual([expect.objectContaining({ schemes: ['vnc'] })])
      expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'vnc', mimeType: 'application/x-vnc' })])
      expect(config.linux.category).toBe('Network;RemoteAccess')
      expect(config.linux.desktop.entry.Keywords).toMatch(/^VNC;/)
      expect(config.extraMetadata.desktopName).toBe('tessera.desktop')
      expect(config.mac.hardenedRuntime).toBe(true)
      expect(config.mac.entitlements).toBe('build/entitlements.mac.plist')
      expect(config.mac.entitlementsInherit).toBe('build/entitlements.mac.plist')
      // Signing is optional: an identity comes from CSC_LINK / CSC_NAME, never from the config.
      expect(config.mac).not.toHaveProperty('identity')
      const entitlements = plist.parse(readFileSync(join(root, config.mac.entitlements), 'utf8'))
      expect(entitlements).toEqual({ 'com.apple.security.cs.allow-jit': true, 'com.apple.security.network.client': true })
      expect(existsSync(join(root, config.nsis.include)), config.nsis.include).toBe(true)
    })

    for (const target of ['deb', 'rpm']) {
      it(`${target}: installs a desktop entry that handles vnc:// and .vnc files`, () => {
        const desktopFile = join(fpmKept, target, 'root', 'usr', 'share', 'applications', 'tessera.desktop')
        const entry = desktopEntry(readFileSync(desktopFile, 'utf8'))
        expect(entry.Name).toBe('Tessera')
        expect(entry.Exec).toBe('/opt/Tessera/tessera %U')
        expect(entry.Icon).toBe('tessera')
        expect(entry.MimeType.split(';').filter(Boolean).sort()).toEqual(['application/x-vnc', 'x-scheme-handler/vnc'])
        expect(entry.Categories).toBe('Network;RemoteAccess;')
        expect(entry.Keywords).toMatch(/^VNC;.*;$/)
        // The running window finds this entry through the app_id Electron takes from desktopName.
        expect(`${entry.StartupWMClass}.desktop`).toBe(readJson(join(extracted, 'package.json')).desktopName)
        if (hasDesktopFileValidate) {
          const v = spawnSync('desktop-file-validate', [desktopFile], { encoding: 'utf8' })
          expect(`${v.stdout}${v.stderr}`).toBe('')
        }
        const mime = readFileSync(join(fpmKept, target, 'root', 'usr', 'share', 'mime', 'packages', 'tessera.xml'), 'utf8')
        expect(mime).toMatch(/<mime-type type="application\/x-vnc">\s*<glob pattern="\*\.vnc"\/>/)
        for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
          const icon = join(fpmKept, target, 'root', 'usr', 'share', 'icons', 'hicolor', `${size}x${size}`, 'apps', 'tessera.png')
          expect(existsSync(icon), `${size} px icon`).toBe(true)
        }
        const args = JSON.parse(readFileSync(join(fpmKept, target, 'args.json'), 'utf8')) as string[]
        expect(args).toContain(`${unpacked}/=/opt/Tessera`)
      })

      it(`${target}: its scripts link /usr/bin/tessera to the launcher and remove it again`, () => {
        const install = readFileSync(join(fpmKept, target, 'after-install'), 'utf8')
        const remove = readFileSync(join(fpmKept, target, 'after-remove'), 'utf8')
        for (const script of [install, remove]) {
          expect(script).not.toContain('${')
          expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0)
        }
        expect(install).toContain(`app='/opt/Tessera'`)
        expect(install).toContain(`ln -sf "$app/resources/bin/tessera" '/usr/bin/tessera'`)
        expect(remove).toContain(`[ "$(readlink "$link")" = "$app/resources/bin/tessera" ]`)
        expect(existsSync(join(unpacked, 'resources', 'bin', 'tessera'))).toBe(true)
      })
    }

    it('macOS: Info.plist claims vnc:// and .vnc files and explains local network access', () => {
      const app = join(macDist, 'mac', 'Tessera.app', 'Contents')
      const info = plist.parse(readFileSync(join(app, 'Info.plist'), 'utf8')) as Record<string, unknown>
      expect(info).toMatchObject({
        CFBundleIdentifier: 'org.tessera.viewer',
        CFBundleName: 'Tessera',
        CFBundleExecutable: 'Tessera',
        CFBundleIconFile: 'icon.icns',
        LSApplicationCategoryType: 'public.app-category.utilities',
        CFBundleURLTypes: [expect.objectContaining({ CFBundleURLSchemes: ['vnc'], CFBundleTypeRole: 'Viewer' })],
        CFBundleDocumentTypes: [expect.objectContaining({ CFBundleTypeExtensions: ['vnc'], CFBundleTypeRole: 'Viewer' })],
      })
      expect(info.NSLocalNetworkUsageDescription).toMatch(/VNC servers/)
      expect(readFileSync(join(app, 'Resources', 'icon.icns'))).toEqual(readFileSync(join(root, 'build', 'icon.icns')))
    })
  })
})

interface EffectiveConfig {
  appId: string
  productName: string
  protocols: { name: string; schemes: string[] }[]
  fileAssociations: { ext: string; mimeType: string }[]
  extraMetadata: { desktopName: string }
  linux: { category: string; desktop: { entry: Record<string, string> } }
  mac: { hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string }
  nsis: { include: string }
}

/**
 * Runs electron-builder from the project, offline, and resolves with the seconds it took.
 * Under `script` it sees a terminal, which it needs to write builder-effective-config.yaml.
 */
async function electronBuilder(args: string[], env: Record<string, string>): Promise<number> {
  const bin = join(root, 'node_modules', '.bin', 'electron-builder')
  const command = [bin, ...args, '--publish', 'never']
  const [file, argv] = hasScript ? ['script', ['-qec', command.map(shellQuote).join(' '), '/dev/null']] : [bin, command.slice(1)]
  const started = performance.now()
  const child = spawn(file, argv, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Never sign, never look for certificates.
      CSC_IDENTITY_AUTO_DISCOVERY: 'false',
      // Nothing may be downloaded: any attempt goes to a closed local port and fails.
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      ELECTRON_BUILDER_BINARIES_MIRROR: 'http://127.0.0.1:9/',
      // electron-builder writes its effective configuration only outside CI.
      CI: 'false',
      FORCE_COLOR: '0',
      ...env,
    },
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => {
    output += d
  })
  child.stderr.on('data', (d: Buffer) => {
    output += d
  })
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const seconds = (performance.now() - started) / 1000
  if (status !== 0) throw new Error(`electron-builder ${args.join(' ')} failed (status ${status}, ${seconds.toFixed(1)} s):\n${output}`)
  return seconds
}

/** A Linux Electron dist: the binary (a script saying how it was started) and its version. */
function stubLinuxElectron(dir: string): string {
  mkdirSync(dir)
  // A comment after `exit` carries the fuse wire, which the shell never reads.
  writeExecutable(
    join(dir, 'electron'),
    Buffer.concat([
      Buffer.from(`#!/bin/sh
echo "ELECTRON_RUN_AS_NODE=$ELECTRON_RUN_AS_NODE"
for a in "$@"; do echo "arg=$a"; done
exit 0
# `),
      electronFuseWire(),
      Buffer.from('\n'),
    ]),
  )
  writeFileSync(join(dir, 'version'), electronVersion)
  return dir
}

/** A macOS Electron dist: Electron.app with the Info.plists and executables electron-builder renames. */
function stubMacElectron(dir: string): string {
  const bundle = (contents: string, name: string, id: string): void => {
    mkdirSync(join(contents, 'MacOS'), { recursive: true })
    mkdirSync(join(contents, 'Resources'), { recursive: true })
    writeExecutable(join(contents, 'MacOS', name), '#!/bin/sh\n')
    writeFileSync(
      join(contents, 'Info.plist'),
      `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleExecutable</key><string>${name}</string>
<key>CFBundleIdentifier</key><string>${id}</string>
<key>CFBundleName</key><string>${name}</string>
</dict></plist>
`,
    )
  }
  const contents = join(dir, 'Electron.app', 'Contents')
  bundle(contents, 'Electron', 'com.github.Electron')
  const framework = join(contents, 'Frameworks', 'Electron Framework.framework')
  mkdirSync(framework, { recursive: true })
  writeFileSync(join(framework, 'Electron Framework'), Buffer.concat([Buffer.from('stub framework\n'), electronFuseWire()]))
  for (const helper of ['', ' (Renderer)', ' (GPU)', ' (Plugin)']) {
    bundle(join(contents, 'Frameworks', `Electron Helper${helper}.app`, 'Contents'), `Electron Helper${helper}`, 'com.github.Electron.helper')
  }
  writeFileSync(join(dir, 'version'), electronVersion)
  return dir
}

/** The fuse wire as an unmodified Electron binary carries it: sentinel, version 1, 8 fuses in Electron's default states. */
function electronFuseWire(): Buffer {
  // RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity, only asar, V8 snapshot, file:// privileges.
  return Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001')])
}

/** The fuses of a packed binary (or .app) by name: 'on', 'off' or the raw state. */
async function fuseStates(electron: string): Promise<Record<string, string>> {
  const wire = await fuses.getCurrentFuseWire(electron)
  const out: Record<string, string> = {}
  for (const [i, state] of Object.entries(wire)) {
    if (i === 'version') continue
    out[String(fuses.FuseV1Options[Number(i)])] = state === 0x31 ? 'on' : state === 0x30 ? 'off' : `state ${state}`
  }
  return out
}

/**
 * Stands in for fpm. Keeps its arguments, the after-install/after-remove scripts and every
 * single file mapped into the package (source=destination) under `dir`/<target>/, then writes
 * a placeholder package where electron-builder expects it.
 */
function stubFpm(dir: string): string {
  return `#!/usr/bin/env node
const fs = require('node:fs')
const path = require('node:path')
const args = process.argv.slice(2)
const value = (flag) => args[args.indexOf(flag) + 1]
const out = path.join(${JSON.stringify(dir)}, value('-t'))
const copy = (from, to) => { fs.mkdirSync(path.dirname(to), { recursive: true }); fs.copyFileSync(from, to) }
fs.mkdirSync(out, { recursive: true })
fs.writeFileSync(path.join(out, 'args.json'), JSON.stringify(args))
copy(value('--after-install'), path.join(out, 'after-install'))
copy(value('--after-remove'), path.join(out, 'after-remove'))
for (const arg of args) {
  const m = /^(\\/[^=]*)=(\\/.*)$/.exec(arg)
  if (m && fs.statSync(m[1]).isFile()) copy(m[1], path.join(out, 'root', m[2]))
}
fs.writeFileSync(value('--package'), 'placeholder\\n')
`
}

/**
 * Package folders (e.g. node_modules/des.js) the app needs at run time: package.json
 * "dependencies" and "optionalDependencies" (when installed), followed transitively and
 * resolved as Node resolves them.
 */
function runtimePackages(): Set<string> {
  const found = new Set<string>()
  const visit = (from: string, name: string, optional: boolean): void => {
    const dir = packageDir(from, name)
    if (dir == null) {
      if (optional) return
      throw new Error(`${name}, a dependency of ${relative(root, from) || 'the app'}, is not installed`)
    }
    const key = relative(root, dir)
    if (found.has(key)) return
    found.add(key)
    visitDependencies(dir)
  }
  const visitDependencies = (dir: string): void => {
    const meta = readJson(join(dir, 'package.json'))
    for (const name of Object.keys(meta.dependencies ?? {})) visit(dir, name, false)
    for (const name of Object.keys(meta.optionalDependencies ?? {})) visit(dir, name, true)
  }
  visitDependencies(root)
  return found
}

function packageDir(from: string, name: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dir === root || !dir.startsWith(root)) return null
  }
}

/** A .desktop file's [Desktop Entry] group as key → value. */
function desktopEntry(text: string): Record<string, string> {
  const group = text.split(/^\[/m).find((g) => g.startsWith('Desktop Entry]')) ?? ''
  return Object.fromEntries(
    group
      .split('\n')
      .slice(1)
      .flatMap((line) => {
        const i = line.indexOf('=')
        return i > 0 && !line.startsWith('#') ? [[line.slice(0, i), line.slice(i + 1)]] : []
      }),
  )
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  )
}

interface PackageJson {
  version?: string
  desktopName?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

function readJson(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson
}

function writeExecutable(file: string, text: string | Buffer): void {
  writeFileSync(file, text)
  chmodSync(file, 0o755)
}

function shellQuote(s: string): string {
  return /^[\w./=:,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}
