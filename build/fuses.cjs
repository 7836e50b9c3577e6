// electron-builder's afterPack hook (electron-builder.yml): flips Electron's fuses in the packed
// app, before it is signed. Fuses are bits compiled into the Electron binary; once flipped, no
// environment variable or command-line flag can turn the feature back on.
const { createRequire } = require('node:module')

// @electron/fuses comes with electron-builder (app-builder-lib), which applies it with this version.
const fuses = createRequire(require.resolve('app-builder-lib'))('@electron/fuses')

/**
 * The fuses for one platform (electron-builder's platform name: linux, darwin, mas, win32).
 * RunAsNode stays on for Linux only: the deb and rpm put a `tessera` command on the PATH
 * (build/linux/tessera) that runs the command line (snapshot, record, probe, web...) with the
 * app's own Electron as Node, so it needs no separate Node install and works on machines
 * without a display, where Electron's browser process cannot start at all. That grants nothing
 * new on Linux (whoever can set the variable can already run code as that user) and the
 * binary has no code signature or OS permission to borrow. On macOS and Windows nothing needs
 * it, and there a signed app acting as Node would lend its signature and its granted
 * permissions (local network, keychain) to any script: off.
 */
function fuseConfig(platform) {
  const { FuseV1Options: F, FuseVersion } = fuses
  return {
    version: FuseVersion.V1,
    [F.RunAsNode]: platform === 'linux',
    [F.EnableCookieEncryption]: true,
    [F.EnableNodeOptionsEnvironmentVariable]: false,
    [F.EnableNodeCliInspectArguments]: false,
    // electron-builder records app.asar's hash (Info.plist on macOS, a resource on Windows); Linux has no check.
    [F.EnableEmbeddedAsarIntegrityValidation]: true,
    [F.OnlyLoadAppFromAsar]: true,
    [F.LoadBrowserProcessSpecificV8Snapshot]: false,
    // The renderer comes from app://tessera (src/main/shell/app-protocol.ts), never file://.
    [F.GrantFileProtocolExtraPrivileges]: false,
  }
}

async function afterPack(context) {
  await context.packager.addElectronFuses(context, fuseConfig(context.electronPlatformName))
}

module.exports = { afterPack, fuseConfig }
