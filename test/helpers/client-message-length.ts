/**
 * Bytes of the client message at the front of `b` (RFC 6143 §7.5), or null until they are known,
 * for the scripted test servers. Cut text's length is signed: a negative one is an extended
 * clipboard message of |length| bytes. Type 7 is UltraVNC's FileTransfer (12 bytes, the data, and
 * 4 more bytes on a rename). `who` names the server in the error for a type it does not know.
 */
export function clientMessageLength(b: Buffer, who: string): number | null {
  if (b.length === 0) return null
  switch (b[0]) {
    case 0:
      return 20
    case 2:
      return b.length < 4 ? null : 4 + 4 * b.readUInt16BE(2)
    case 3:
      return 10
    case 4:
      return 8
    case 5:
      return 6
    case 6:
      return b.length < 8 ? null : 8 + Math.abs(b.readInt32BE(4))
    case 7:
      return b.length < 12 ? null : 12 + b.readUInt32BE(8) + (b[1] === 8 ? 4 : 0)
    default:
      throw new Error(`${who}: client message type ${b[0]} not handled`)
  }
}
