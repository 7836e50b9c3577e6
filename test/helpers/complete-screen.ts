import { CoverageSink } from '../../src/main/cli/coverage'
import { connectRfb } from '../../src/main/rfb/connect'
import type { FramebufferSink } from '../../src/main/rfb/framebuffer'
import type { RfbClientOptions } from '../../src/main/rfb/session'

/**
 * Connects to 127.0.0.1:`port` without auto-updates and collects updates into `fb` until every
 * pixel has arrived; resolves with the wire bytes of those updates, closes the connection either
 * way. After the first request it asks incrementally: TigerVNC answers a full request that
 * follows ExtendedDesktopSize with a size-only update and would answer each new full one anew.
 */
export async function completeScreen(port: number, fb: FramebufferSink, options: Omit<RfbClientOptions, 'sink'>, timeoutMs = 20_000): Promise<number> {
  const coverage = new CoverageSink(fb)
  const { client } = await connectRfb(
    { host: '127.0.0.1', port },
    {
      ...options,
      sink: coverage,
      autoUpdate: false,
      connectTimeoutMs: 10_000,
      handshakeTimeoutMs: 10_000,
    },
  )
  let bytes = 0
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no complete screen within ${timeoutMs / 1000} s`)), timeoutMs)
      client.on('update', (u) => {
        bytes += u.bytes
        if (coverage.complete) {
          clearTimeout(timer)
          resolve()
        } else client.requestUpdate(true)
      })
      client.on('close', (err) => {
        clearTimeout(timer)
        reject(err ?? new Error('closed'))
      })
    })
  } finally {
    client.close()
  }
  return bytes
}
