import { RfbProtocolError, UnsupportedError } from '../errors'
import { writePixelFormat, type PixelFormat } from '../pixel-format'
import type { ServerInit } from '../handshake'

/**
 * The canonical start of a Tessera recording: RFB 3.3 with security None, then ServerInit with
 * the pixel format the client really used, so any replayer decodes the stream without knowing
 * which SetPixelFormat the client sent, and no challenge or password trace is stored.
 */
export function canonicalHandshake(init: ServerInit, pf: PixelFormat): Buffer {
  const name = Buffer.from(init.name, 'utf8')
  const out = Buffer.alloc(12 + 4 + 24 + name.length)
  out.write('RFB 003.003\n', 0, 'latin1')
  out.writeUInt32BE(1, 12)
  out.writeUInt16BE(init.width, 16)
  out.writeUInt16BE(init.height, 18)
  writePixelFormat(pf, out, 20)
  out.writeUInt32BE(name.length, 36)
  out.set(name, 40)
  return out
}

function u32(b: Uint8Array, o: number): number {
  if (o + 4 > b.length) throw new RfbProtocolError('recording ends inside the handshake', o, 'RFB_ERR_FBS')
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0
}

/**
 * Where ServerInit starts in a recorded server stream. Handles recordings that begin with the
 * version (rfbproxy, ours) through None or VNC Authentication, and those that begin at
 * ServerInit (TigerVNC's perf captures). The client's choice is not in the stream, so among
 * several offered types the one whose bytes fit what follows is taken.
 */
export function findServerInit(stream: Uint8Array): number {
  const head = String.fromCharCode(...stream.subarray(0, 4))
  if (head !== 'RFB ') return 0
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(String.fromCharCode(...stream.subarray(0, 12)))
  if (!m) throw new RfbProtocolError('recording starts with a malformed version', 0, 'RFB_ERR_FBS')
  const minor = Number(m[1]) > 3 || Number(m[2]) >= 8 ? 8 : Number(m[2]) === 7 ? 7 : 3
  let o = 12
  let types: number[]
  if (minor === 3) {
    types = [u32(stream, o)]
    o += 4
  } else {
    const n = stream[o++] ?? 0
    if (n === 0) throw new RfbProtocolError('the recorded server refused the connection', o, 'RFB_ERR_FBS')
    types = Array.from(stream.subarray(o, o + n))
    o += n
  }
  // None with 3.8 is followed by a zero SecurityResult; a VNC auth challenge rarely starts with four zeros.
  const noneFits = types.includes(1) && (minor !== 8 || u32(stream, o) === 0)
  if (noneFits) return minor === 8 ? o + 4 : o
  if (types.includes(2)) {
    if (u32(stream, o + 16) !== 0) throw new RfbProtocolError('the recorded authentication failed', o + 16, 'RFB_ERR_FBS')
    return o + 20
  }
  throw new UnsupportedError(`recording uses security types ${types.join(', ')}, which cannot be replayed`)
}
