// A small UltraVNC repeater for the tests (no repeater is packaged in Debian): mode I and mode II.
import net from 'node:net'

/** The greeting a repeater sends a viewer, and the fixed size of the block naming the server. */
const GREETING = 'RFB 000.000\n'
const BLOCK = 250

export interface TestRepeater {
  /** Where viewers connect (UltraVNC's default is 5901). */
  viewerPort: number
  /** Where servers connect in mode II (`x11vnc -connect repeater=ID:n+127.0.0.1:serverPort`). */
  serverPort: number
  /** What happened, in order: "viewer ID:1", "server ID:1", "paired ID:1", "mode I 127.0.0.1:5901", "dropped viewer: ...". */
  log: string[]
  /** Resolves once `line` has been logged (or rejects after `ms`). */
  waitFor(line: string, ms?: number): Promise<void>
  close(): Promise<void>
}

export interface TestRepeaterOptions {
  /** Each side must send its whole 250-byte block within this time; default 2000 ms. */
  blockTimeoutMs?: number
  /** Send this instead of the greeting (to test viewers against a peer that is no repeater); '' sends none, as some repeaters do. */
  greeting?: string
  /** Greet viewers only after this many ms, and only then read their block (a slow repeater). */
  greetingDelayMs?: number
}

/**
 * Reads exactly the 250-byte block within `ms`: the name is the text before the first NUL,
 * which must come inside the block. Resolves with the name and whatever followed the block;
 * rejects (and the caller drops the socket) on a timeout, an early close or a block without NUL.
 */
function readBlock(sock: net.Socket, ms: number): Promise<{ name: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0)
    const done = (err: Error | null, value?: { name: string; rest: Buffer }): void => {
      clearTimeout(timer)
      sock.off('data', onData)
      sock.off('close', onClose)
      if (err) reject(err)
      else resolve(value!)
    }
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk])
      if (got.length < BLOCK) return
      sock.pause()
      const nul = got.subarray(0, BLOCK).indexOf(0)
      if (nul < 0) done(new Error('block without a NUL'))
      else done(null, { name: got.subarray(0, nul).toString('latin1'), rest: got.subarray(BLOCK) })
    }
    const onClose = (): void => done(new Error(`closed after ${got.length} of ${BLOCK} bytes`))
    const timer = setTimeout(() => done(new Error(`only ${got.length} of ${BLOCK} bytes within ${ms} ms`)), ms)
    sock.on('data', onData)
    sock.on('close', onClose)
  })
}

/** Relays two sockets both ways, `aRest`/`bRest` (bytes already read from a/b) first. */
function relay(a: net.Socket, aRest: Buffer, b: net.Socket, bRest: Buffer): void {
  if (aRest.length) b.write(aRest)
  if (bRest.length) a.write(bRest)
  a.pipe(b)
  b.pipe(a)
  const end = (): void => {
    a.destroy()
    b.destroy()
  }
  a.on('close', end)
  b.on('close', end)
  a.on('error', end)
  b.on('error', end)
  a.resume()
  b.resume()
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)))
}

/** Starts a repeater on two free ports of 127.0.0.1. */
export async function startTestRepeater(opts: TestRepeaterOptions = {}): Promise<TestRepeater> {
  const ms = opts.blockTimeoutMs ?? 2000
  const log: string[] = []
  const waiters: { line: string; resolve: () => void }[] = []
  const note = (line: string): void => {
    log.push(line)
    for (const w of waiters.filter((x) => x.line === line)) w.resolve()
  }
  const sockets = new Set<net.Socket>()
  const track = (s: net.Socket): net.Socket => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => undefined)
    return s
  }
  /** Mode II: one side waiting for the other, by ID. */
  const waitingViewers = new Map<string, { sock: net.Socket; rest: Buffer }>()
  const waitingServers = new Map<string, { sock: net.Socket; rest: Buffer }>()

  const pair = (id: string, side: 'viewer' | 'server', sock: net.Socket, rest: Buffer): void => {
    note(`${side} ${id}`)
    const others = side === 'viewer' ? waitingServers : waitingViewers
    const mine = side === 'viewer' ? waitingViewers : waitingServers
    const other = others.get(id)
    if (!other) {
      mine.get(id)?.sock.destroy()
      mine.set(id, { sock, rest })
      sock.on('close', () => mine.get(id)?.sock === sock && mine.delete(id))
      return
    }
    others.delete(id)
    note(`paired ${id}`)
    relay(sock, rest, other.sock, other.rest)
  }

  const viewers = net.createServer((raw) => {
    const sock = track(raw)
    if (opts.greetingDelayMs) setTimeout(() => greet(sock), opts.greetingDelayMs)
    else greet(sock)
  })
  const greet = (sock: net.Socket): void => {
    if (sock.destroyed) return
    sock.write(opts.greeting ?? GREETING)
    readBlock(sock, ms).then(
      ({ name, rest }) => {
        const id = /^ID:(\d+)$/i.exec(name)
        if (id) return pair(`ID:${id[1]}`, 'viewer', sock, rest)
        const hp = /^([^:]+):(\d{1,5})$/.exec(name)
        if (!hp) {
          note(`dropped viewer: cannot read "${name}"`)
          return void sock.destroy()
        }
        note(`mode I ${name}`)
        const server = track(net.connect({ host: hp[1], port: Number(hp[2]) }))
        server.once('connect', () => relay(sock, rest, server, Buffer.alloc(0)))
        server.once('error', () => sock.destroy())
      },
      (err: Error) => {
        note(`dropped viewer: ${err.message}`)
        sock.destroy()
      },
    )
  }
  const servers = net.createServer((raw) => {
    const sock = track(raw)
    readBlock(sock, ms).then(
      ({ name, rest }) => {
        const id = /^ID:(\d+)$/i.exec(name)
        if (!id) {
          note(`dropped server: cannot read "${name}"`)
          return void sock.destroy()
        }
        pair(`ID:${id[1]}`, 'server', sock, rest)
      },
      (err: Error) => {
        note(`dropped server: ${err.message}`)
        sock.destroy()
      },
    )
  })
  const viewerPort = await listen(viewers)
  const serverPort = await listen(servers)
  return {
    viewerPort,
    serverPort,
    log,
    waitFor(line, timeoutMs = 15_000) {
      if (log.includes(line)) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`repeater never logged "${line}"; it logged ${JSON.stringify(log)}`)), timeoutMs)
        waiters.push({
          line,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    async close() {
      for (const s of sockets) s.destroy()
      await Promise.all([new Promise((r) => viewers.close(r)), new Promise((r) => servers.close(r))])
    },
  }
}
