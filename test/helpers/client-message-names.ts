/**
 * The client messages in `b` as short names ("Request incremental 4x3", "SetPixelFormat 16bpp"),
 * so update-flow tests read as message sequences. Throws on a message type it does not know.
 */
export function clientMessageNames(b: Buffer): string[] {
  const out: string[] = []
  let o = 0
  while (o < b.length) {
    switch (b[o]) {
      case 0:
        out.push(`SetPixelFormat ${b[o + 4]}bpp`)
        o += 20
        break
      case 2:
        out.push('SetEncodings')
        o += 4 + 4 * b.readUInt16BE(o + 2)
        break
      case 3:
        out.push(`Request ${b[o + 1] ? 'incremental' : 'full'} ${b.readUInt16BE(o + 6)}x${b.readUInt16BE(o + 8)}`)
        o += 10
        break
      case 150:
        out.push(`EnableCU ${b[o + 1] ? `on ${b.readUInt16BE(o + 6)}x${b.readUInt16BE(o + 8)}` : 'off'}`)
        o += 10
        break
      case 248:
        out.push(b.readUInt32BE(o + 4) & 0x80000000 ? 'Fence request' : 'Fence reply')
        o += 9 + b[o + 8]
        break
      default:
        throw new Error(`unexpected client message ${b[o]} at ${o}`)
    }
  }
  return out
}
