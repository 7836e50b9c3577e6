import net from 'node:net'
import { Bytes } from './bytes'
import { findData, ft, utf8 } from './ultra-file-transfer'
import { serverInit } from './server-script'
import { clientMessageLength } from './client-message-length'

/**
 * A scripted UltraVNC file-transfer server on 127.0.0.1 for hostile-name tests through the whole
 * app: RFB 3.6 (answered as 3.3), no authentication, file transfer granted, and listings from
 * `listing(path)` (entries as raw name bytes, files or folders). It never sends a picture and
 * answers no download.
 */
export async function startHostileUltraServer(
  listing: (path: string) => { name: Uint8Array | string; folder?: boolean; size?: number }[],
): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let buf = Buffer.alloc(0)
    let stage: 'version' | 'init' | 'normal' = 'version'
    socket.write('RFB 003.006\n')
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        if (stage === 'version') {
          if (buf.length < 12) return
          buf = buf.subarray(12)
          socket.write(new Bytes().u32(1).build())
          stage = 'init'
        } else if (stage === 'init') {
          if (buf.length < 1) return
          buf = buf.subarray(1)
          socket.write(serverInit(64, 48, 'hostile'))
          stage = 'normal'
        } else {
          const n = clientMessageLength(buf, 'the hostile server')
          if (n === null || buf.length < n) return
          const m = buf.subarray(0, n)
          buf = buf.subarray(n)
          if (m[0] === 7) answer(socket, m)
        }
      }
    })
  })
  const answer = (socket: net.Socket, m: Buffer): void => {
    const [contentType, param] = [m[1], m[2]]
    const body = m.subarray(12, 12 + m.readUInt32BE(8))
    // The permission request is an AbortFileTransfer (7) carrying the protocol version; access is granted.
    if (contentType === 7) socket.write(ft(14, 0, 1))
    else if (contentType === 1 && param === 2) socket.write(ft(2, 3, 0, utf8('C:l\0\0')))
    else if (contentType === 1) {
      const path = body.toString('utf8').replace(/\0.*$/s, '')
      // The folder's path echoed as asked, then its entries, then the end.
      const packets = [ft(2, 1, 0, body)]
      for (const e of listing(path))
        packets.push(ft(2, 1, 0, findData(typeof e.name === 'string' ? utf8(e.name) : e.name, { folder: e.folder, size: e.size ?? 0 })))
      packets.push(ft(2, 0, 0))
      socket.write(Buffer.concat(packets))
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
