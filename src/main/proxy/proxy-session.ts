import { encodingName } from '@shared/encodings'
import { ByteQueue } from '../rfb/byte-queue'
import { RfbError, RfbProtocolError, TimeoutError } from '../rfb/errors'
import { ColourMap, PixelConverter } from '../rfb/pixel-converter'
import { validatePixelFormat } from '../rfb/pixel-format'
import { ServerMessageReader } from '../rfb/server-message-reader'
import type { ServerMessageHandler } from '../rfb/server-message-handler'
import type { DrawSink } from '../rfb/sink'
import type { Transport } from '../rfb/transport/transport'
import { relayHandshake } from './handshake-relay'
import { StreamReader } from './stream-reader'
import { type ViewerMessage, nextViewerMessage } from './viewer-messages'

/** Default bound on server bytes held for a slow viewer: 64 MiB. */
export const DEFAULT_PROXY_BUFFER = 64 * 1024 * 1024

/** A server quiet this long with update requests outstanding counts as idle (it merged them). */
const QUIET_MS = 500

export interface ProxySessionOptions {
  /**
   * Parsed server bytes the viewer has not taken yet at which the proxy stops reading the server
   * (TCP then holds the server back); reading resumes below half of it. Default 64 MiB.
   */
  bufferBytes?: number
  /** Every message both ways, one line each (as `tessera probe --trace`). */
  trace?: (line: string) => void
  /** What the proxy did to the stream (stripped security types and encodings) and why it ended. */
  note: (line: string) => void
  /** The handshake must be through within this time; default 30 s. */
  handshakeTimeoutMs?: number
}

/** What one session measured. */
export interface ProxyStats {
  /** Bytes read from the server after ServerInit, and forwarded to the viewer. */
  serverBytes: number
  viewerBytes: number
  /** Most bytes held for the viewer at once (parsed and unsent, plus unparsed). */
  peakBuffered: number
  /** Times reading from the server was paused because the viewer lagged by the bound. */
  pauses: number
  /** Server bytes read, and milliseconds since ServerInit, when reading first paused (the full-speed phase). */
  firstPause: { bytes: number; ms: number } | null
  updates: number
  /** Why the session ended: null when a side closed normally. */
  error: RfbError | null
}

/** Draws nothing: the proxy parses pixels to find where messages end, never to show them. */
const NULL_SINK: DrawSink = {
  resize: () => undefined,
  fill: () => undefined,
  copy: () => undefined,
  pixels: () => undefined,
  image: () => undefined,
  cursor: () => undefined,
  endUpdate: () => undefined,
}

/**
 * One viewer's session through the proxy: relays the handshake (handshake-relay.ts), then
 * forwards the server's stream as the engine's reader parses it, message by message (never a
 * byte it has not parsed), and the viewer's messages as viewer-messages.ts reads them. The
 * server is read as fast as it sends, into the viewer socket's write queue, until that queue
 * reaches the bound; then reading pauses (backpressure to the server) until half has drained.
 * A viewer's SetPixelFormat waits until no update is on its way, so the parser switches format
 * exactly where the server does. Resolves when either side is gone; both are then closed.
 */
export function runProxySession(viewerTransport: Transport, serverTransport: Transport, opts: ProxySessionOptions): Promise<ProxyStats> {
  const bound = opts.bufferBytes ?? DEFAULT_PROXY_BUFFER
  const started = performance.now()
  const trace = opts.trace ? (dir: string, line: string) => opts.trace!(`${((performance.now() - started) / 1000).toFixed(3)} ${dir} ${line}`) : undefined
  const stats: ProxyStats = { serverBytes: 0, viewerBytes: 0, peakBuffered: 0, pauses: 0, firstPause: null, updates: 0, error: null }
  const server = new StreamReader(serverTransport, 'server')
  const viewer = new StreamReader(viewerTransport, 'viewer')

  return new Promise((resolve) => {
    let done = false
    const finish = (error?: Error): void => {
      if (done) return
      done = true
      clearTimeout(deadline)
      clearTimeout(quietTimer)
      if (error) stats.error = error instanceof RfbError ? error : new RfbProtocolError(error.message, 0, 'RFB_ERR_INTERNAL')
      serverTransport.close()
      viewerTransport.close()
      resolve(stats)
    }
    const deadline = setTimeout(() => finish(new TimeoutError('the handshake did not finish in time')), opts.handshakeTimeoutMs ?? 30_000)
    let quietTimer: NodeJS.Timeout | undefined

    relayHandshake(server, viewer, (dir, line) => (dir === 'proxy' ? opts.note(line) : trace?.(dir, line))).then(
      (hs) => {
        clearTimeout(deadline)
        if (done) return
        const initAt = performance.now()
        const q = new ByteQueue()
        const raw: Uint8Array[] = []
        let forwarded = 0
        let outstanding = 0
        let lastServerData = performance.now()
        let extendedClipboard = false
        let paused = false
        const strippedSeen = new Set<number>()
        const colourMap = new ColourMap()
        const handler: ServerMessageHandler = {
          framebufferUpdateStart: () => {
            outstanding = Math.max(0, outstanding - 1)
            stats.updates++
          },
          framebufferUpdateEnd: () => true,
          setDesktopSize: (w, h) => reader.setFramebuffer(w, h),
          screenLayout: () => undefined,
          desktopSizeResult: () => undefined,
          setDesktopName: () => undefined,
          pointerPosition: () => undefined,
          supportsQemuKeyEvents: () => undefined,
          supportsExtendedMouseButtons: () => undefined,
          supportsQemuAudio: () => undefined,
          ledState: () => undefined,
          setColourMapEntries: (first, rgb) => colourMap.set(first, rgb),
          bell: () => undefined,
          serverCutText: () => undefined,
          extendedClipboardActive: () => extendedClipboard,
          extendedCutText: () => undefined,
          endOfContinuousUpdates: () => undefined,
          fence: () => undefined,
          xvp: () => undefined,
        }
        const reader = new ServerMessageReader(q, NULL_SINK, handler, trace ? (_d, line) => trace('S>C', line) : undefined)
        reader.setFramebuffer(hs.width, hs.height)
        reader.converter = new PixelConverter(hs.pixelFormat, colourMap)

        const buffered = (): number => (viewerTransport.writeBacklog ?? 0) + q.length
        const measure = (): void => {
          stats.peakBuffered = Math.max(stats.peakBuffered, buffered())
          if (!paused && (viewerTransport.writeBacklog ?? 0) >= bound) {
            paused = true
            stats.pauses++
            stats.firstPause ??= { bytes: stats.serverBytes, ms: performance.now() - initAt }
            serverTransport.pause()
          }
        }
        viewer.onDrain = () => {
          if (paused && (viewerTransport.writeBacklog ?? 0) < bound / 2) {
            paused = false
            serverTransport.resume()
          }
        }

        /** Sends the viewer everything the reader has parsed so far. */
        const forward = (): void => {
          let n = q.position - forwarded
          forwarded = q.position
          stats.viewerBytes += n
          while (n > 0) {
            const head = raw[0]
            if (head.length <= n) {
              raw.shift()
              viewerTransport.write(head)
              n -= head.length
            } else {
              viewerTransport.write(head.subarray(0, n))
              raw[0] = head.subarray(n)
              n = 0
            }
          }
          q.compact()
        }

        const serverIdle = (): boolean => reader.betweenMessages && q.length === 0 && (outstanding === 0 || performance.now() - lastServerData >= QUIET_MS)
        const held: ViewerMessage[] = []
        const flushHeld = (): void => {
          clearTimeout(quietTimer)
          while (held.length > 0) {
            const m = held[0]
            if (m.pixelFormat && !serverIdle()) {
              quietTimer = setTimeout(flushHeld, QUIET_MS)
              return
            }
            held.shift()
            toServer(m)
          }
        }
        const toServer = (m: ViewerMessage): void => {
          trace?.('C>S', m.text)
          if (m.pixelFormat) {
            validatePixelFormat(m.pixelFormat)
            reader.converter = new PixelConverter(m.pixelFormat, colourMap)
          }
          if (m.encodings) {
            const fresh = m.encodings.stripped.filter((e) => !strippedSeen.has(e))
            for (const e of fresh) strippedSeen.add(e)
            if (fresh.length) opts.note(`stripped encodings the proxy cannot parse: ${fresh.map(encodingName).join(', ')}`)
            extendedClipboard = m.encodings.kept.includes(0xc0a1e5ce | 0)
            reader.encodingsAnnounced(m.encodings.kept, outstanding)
            reader.encodingsSent(m.encodings.kept, outstanding)
          }
          if (m.request) outstanding++
          serverTransport.write(m.bytes)
        }

        server.handOver({
          data: (chunk) => {
            if (done) return
            lastServerData = performance.now()
            stats.serverBytes += chunk.length
            raw.push(chunk)
            q.push(chunk)
            try {
              while (reader.step()) {
                /* parse everything that is complete */
              }
            } catch (e) {
              forward()
              opts.note(`the server sent what the proxy cannot parse: ${(e as Error).message}`)
              return finish(e as Error)
            }
            forward()
            measure()
            if (held.length) flushHeld()
          },
          close: (error) => finish(error),
        })
        const vq = new ByteQueue()
        viewer.handOver({
          data: (chunk) => {
            if (done) return
            vq.push(chunk)
            try {
              for (let m = nextViewerMessage(vq); m; m = nextViewerMessage(vq)) held.push(m)
              vq.compact()
              flushHeld()
            } catch (e) {
              opts.note(`the viewer sent what the proxy cannot parse: ${(e as Error).message}`)
              return finish(e as Error)
            }
          },
          close: (error) => finish(error),
        })
      },
      (e: Error) => {
        opts.note(`handshake: ${e.message}`)
        finish(e)
      },
    )
  })
}
