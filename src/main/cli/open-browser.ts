import { spawn as nodeSpawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** What opening a browser needs from the system, so tests can capture what would run. */
export interface OpenerDeps {
  spawn: (command: string, args: string[]) => void
  platform: NodeJS.Platform
  tempDir: string
}

const defaultDeps = (): OpenerDeps => ({
  spawn: (command, args) => {
    try {
      const child = nodeSpawn(command, args, { stdio: 'ignore', detached: true })
      child.on('error', () => undefined) // No opener: the printed address is enough.
      child.unref()
    } catch {
      // As above.
    }
  },
  platform: process.platform,
  tempDir: tmpdir(),
})

/** A launch file handed to the browser; `remove` deletes it (its code is spent or expired by then). */
export interface LaunchFile {
  path: string
  remove(): Promise<void>
}

/**
 * Opens `secretUrl` in the default browser without putting it on any command line: every local
 * user can read a process's arguments (`ps`), and a browser started by the opener keeps them for
 * its whole life. The URL goes into a page only this user can read (0600, in a fresh 0700
 * folder) that forwards the browser to it; the opener is given that file's path.
 */
export async function openInBrowser(secretUrl: string, deps: OpenerDeps = defaultDeps()): Promise<LaunchFile> {
  const dir = await fs.mkdtemp(join(deps.tempDir, 'tessera-launch-'))
  await fs.chmod(dir, 0o700)
  const path = join(dir, 'open-tessera.html')
  await fs.writeFile(path, launchPage(secretUrl), { mode: 0o600, flag: 'wx' })
  const [command, args] = deps.platform === 'darwin' ? ['open', [path]] : deps.platform === 'win32' ? ['cmd', ['/c', 'start', '', path]] : ['xdg-open', [path]]
  deps.spawn(command, args)
  return { path, remove: () => fs.rm(dir, { recursive: true, force: true }) }
}

/** A page that sends the browser on to `url` at once, with a link in case it does not. */
export function launchPage(url: string): string {
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${href}">
<title>Opening Tessera</title></head>
<body><p><a href="${href}">Open Tessera</a></p></body></html>
`
}
