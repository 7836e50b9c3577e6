import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createHost, defaultDataDir } from '../host/create-host'
import type { Host } from '../host/host'
import { LAUNCH_CODE_TTL_MS } from '../web/launch-codes'
import { type WebServer, startWebServer } from '../web/server'
import { type ParsedArgs, UsageError, numberOption, stringOption } from './args'
import { parseCommandArgs } from './command-specs'
import { CliError, EXIT } from './exit-codes'
import { type LaunchFile, openInBrowser } from './open-browser'

export interface WebOptions {
  port?: number
  dataDir?: string
  rendererDir?: string
  bindAddress?: string
}

/** A running browser-mode viewer: the server, its host, and one call to stop both. */
export interface WebRun {
  server: WebServer
  host: Host
  /** Closes every socket and session, stops listening, waits for pending writes. */
  stop(): Promise<void>
  /** Problems found in the data directory, one presentable line each. */
  problems: string[]
}

/** The built renderer beside this bundle (out/main/cli.js → out/renderer). */
export function defaultRendererDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd()
  const beside = resolve(here, '..', 'renderer')
  return existsSync(join(beside, 'index.html')) ? beside : resolve(process.cwd(), 'out', 'renderer')
}

/** Starts the host on the data folder and the browser-mode server over it. */
export async function startWeb(options: WebOptions = {}): Promise<WebRun> {
  const rendererDir = options.rendererDir ?? defaultRendererDir()
  if (!existsSync(join(rendererDir, 'index.html'))) throw new CliError(EXIT.INTERNAL, `no built renderer in ${rendererDir}; run \`npm run build\` first`)
  const { host, store } = await createHost({ dataDir: options.dataDir ?? defaultDataDir() })
  let server: WebServer
  try {
    server = await startWebServer({ host, rendererDir, port: options.port, bindAddress: options.bindAddress })
  } catch (e) {
    // A port in use, say: let go of the data folder before saying so.
    await host.shutdown()
    throw e
  }
  return {
    server,
    host,
    problems: store.problems.map((p) => p.message),
    async stop() {
      await server.close()
      await host.shutdown()
    },
  }
}

/** What `tessera web` talks to besides the server, so tests can drive it. */
export interface WebCommandDeps {
  /** Opens the browser (default: the system opener, given a launch file's path). */
  open: (secretUrl: string) => Promise<LaunchFile>
  /** Lines typed in the terminal: each asks for a new launch address (default: stdin, if a terminal). */
  input: NodeJS.ReadableStream | null
  /** Resolves when the command should stop (default: SIGINT or SIGTERM). */
  stopped: Promise<void>
  /** Called once the server is up (tests). */
  started?: (run: WebRun) => void
  /** The built renderer (default: defaultRendererDir()). */
  rendererDir?: string
}

/** `tessera web`: serves the viewer to a local browser until interrupted. */
export async function webCommand(argv: readonly string[], out: (line: string) => void, deps: Partial<WebCommandDeps> = {}): Promise<number> {
  const args: ParsedArgs = parseCommandArgs('web', argv)
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`)
  const dataDir = stringOption(args, 'data-dir')
  const run = await startWeb({
    port: numberOption(args, 'port', 0, 65535),
    dataDir: dataDir === undefined ? undefined : resolve(dataDir),
    rendererDir: deps.rendererDir,
  })
  const launchFiles: LaunchFile[] = []
  const input = deps.input !== undefined ? deps.input : process.stdin.isTTY ? process.stdin : null
  const onLine = (): void => out(`New one-time address: ${run.server.launchUrl()}`)
  try {
    for (const p of run.problems) out(`warning: ${p}`)
    out(`Tessera is at ${run.server.url}`)
    // A person pastes this one; the browser opened below gets its own code.
    out(`Open it with this address (it works once, within a minute): ${run.server.launchUrl()}`)
    out(input ? 'Press Enter for a new address, Ctrl+C to stop.' : 'Restart tessera web for a new address; press Ctrl+C to stop.')
    input?.on('data', onLine)
    if (!args.options.has('no-open')) {
      const file = await (deps.open ?? openInBrowser)(run.server.launchUrl()).catch(() => null)
      if (file) {
        launchFiles.push(file)
        // Its code is spent or expired by then: the file is only clutter.
        setTimeout(() => void file.remove(), 2 * LAUNCH_CODE_TTL_MS).unref()
      }
    }
    deps.started?.(run)
    await (deps.stopped ?? signalled())
  } finally {
    input?.off('data', onLine)
    if (input === process.stdin) process.stdin.pause()
    await Promise.all(launchFiles.map((f) => f.remove()))
    await run.stop()
  }
  return 0
}

function signalled(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      done()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
