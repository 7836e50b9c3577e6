import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createHost, defaultDataDir } from '../host/create-host'
import type { Host } from '../host/host'
import { type WebServer, startWebServer } from '../web/server'
import { type ParsedArgs, UsageError, numberOption, parseArgs, stringOption } from './args'

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

export async function startWeb(options: WebOptions = {}): Promise<WebRun> {
  const rendererDir = options.rendererDir ?? defaultRendererDir()
  if (!existsSync(join(rendererDir, 'index.html'))) throw new UsageError(`no built renderer in ${rendererDir}; run \`npm run build\` first`)
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

/** `tessera web`: serves the viewer to a local browser until interrupted. */
export async function webCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args: ParsedArgs = parseArgs(argv, ['port', 'data-dir'], ['no-open'])
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`)
  const dataDir = stringOption(args, 'data-dir')
  const run = await startWeb({ port: numberOption(args, 'port', 0, 65535), dataDir: dataDir === undefined ? undefined : resolve(dataDir) })
  for (const p of run.problems) out(`warning: ${p}`)
  out(`Tessera is at ${run.server.url}`)
  out('Press Ctrl+C to stop.')
  if (!args.options.has('no-open')) openBrowser(run.server.url)
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      done()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await run.stop()
  return 0
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]]
      : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true })
    child.on('error', () => undefined) // No opener: the printed address is enough.
    child.unref()
  } catch {
    // As above.
  }
}
