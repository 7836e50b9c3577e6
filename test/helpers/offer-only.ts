import net from 'node:net'

/**
 * A relay on 127.0.0.1 that passes everything through except the server's list of security
 * types, which it cuts to `type`: wayvnc offers RA2_256 first, and the policy rightly takes it.
 */
export async function offerOnly(serverPort: number, type: number): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>()
  const relay = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: serverPort })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => undefined)
      s.on('close', () => (client.destroy(), upstream.destroy()))
    }
    let head = Buffer.alloc(0)
    let versionSent = false
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      // The version (12 bytes) goes on at once: the list follows only once the client answered it.
      if (!versionSent && head.length >= 12) {
        client.write(head.subarray(0, 12))
        head = head.subarray(12)
        versionSent = true
      }
      if (!versionSent || head.length < 1 || head.length < 1 + head[0]) return
      upstream.off('data', onData)
      client.write(Buffer.concat([Buffer.of(1, type), head.subarray(1 + head[0])]))
      upstream.pipe(client)
    }
    upstream.on('data', onData)
    client.pipe(upstream)
  })
  await new Promise<void>((ok) => relay.listen(0, '127.0.0.1', ok))
  return {
    port: (relay.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy()
      relay.close()
    },
  }
}
