// A loopback RFB server that streams real Open H.264 (encoding 50): frames made from real screen
// content (snapshots of Xvnc), encoded by Debian's ffmpeg with libx264, played from a script with
// the resets, quirks and corruption a test asks for. No Debian server sends H.264 (docs/servers.md).
import { spawnSync } from 'node:child_process'
import { type Socket, createServer } from 'node:net'
import { type PixelFormat, RGBX8888, readPixelFormat } from '../../src/main/rfb/pixel-format'
import { serverInit } from './server-script'
import { clientMessageLength } from './client-message-length'

/** Whether ffmpeg with libx264 is installed (apt-get install ffmpeg). */
export function ffmpegAvailable(): boolean {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.includes('libx264')
}

export interface EncodeOptions {
  profile: 'baseline' | 'main' | 'high'
  /** A key frame (IDR with SPS and PPS in front) every this many frames. */
  keyint: number
  /** x264's constant rate factor; lower is better (default 6: the weave of an X root window is a 1-pixel checkerboard, the hardest picture there is for 4:2:0). */
  crf?: number
}

/**
 * Encodes RGBA frames (width*height*4 bytes each; even sizes) with libx264 into one Annex B
 * access unit per frame. Low-latency settings as a VNC server uses them: no B-frames, no
 * lookahead, parameter sets before every key frame. BT.709 limited range, said in the VUI, so a
 * decoder converts back with the matrix the encoder used.
 */
export function encodeH264(frames: Uint8Array[], width: number, height: number, o: EncodeOptions): Uint8Array[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-r', '10', '-i', 'pipe:0']
  args.push('-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p')
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', o.profile, '-crf', String(o.crf ?? 6))
  args.push('-g', String(o.keyint), '-keyint_min', String(o.keyint), '-sc_threshold', '0', '-bf', '0')
  args.push('-x264-params', 'aud=1:repeat-headers=1', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv')
  args.push('-f', 'h264', 'pipe:1')
  const r = spawnSync('ffmpeg', args, { input: Buffer.concat(frames), maxBuffer: 256 << 20 })
  if (r.status !== 0) throw new Error(`ffmpeg failed (${r.status}): ${r.stderr}`)
  const units = splitAccessUnits(new Uint8Array(r.stdout))
  if (units.length !== frames.length) throw new Error(`ffmpeg made ${units.length} access units from ${frames.length} frames`)
  return units
}

/** Splits an Annex B stream at its access unit delimiters (NAL type 9). */
export function splitAccessUnits(stream: Uint8Array): Uint8Array[] {
  const starts: number[] = []
  for (let i = 0; i + 3 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1 && (stream[i + 3] & 0x1f) === 9) starts.push(i > 0 && stream[i - 1] === 0 ? i - 1 : i)
  }
  return starts.map((s, k) => stream.subarray(s, k + 1 < starts.length ? starts[k + 1] : stream.length))
}

/** The w x h area at (x, y) of an RGBA picture `stride` pixels wide, as packed RGBA. */
export function crop(rgba: Uint8Array, stride: number, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4)
  for (let r = 0; r < h; r++) out.set(rgba.subarray(((y + r) * stride + x) * 4, ((y + r) * stride + x + w) * 4), r * w * 4)
  return out
}

/**
 * Peak signal-to-noise ratio of picture `b` against `a` over R, G and B (alpha ignored), in dB;
 * Infinity when they are equal.
 */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`pictures of ${a.length} and ${b.length} bytes`)
  let se = 0
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a[i + c] - b[i + c]
      se += d * d
    }
  }
  const mse = se / ((a.length / 4) * 3)
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

/** One rect the script sends: Open H.264 bytes with their flags, or a solid Raw rect. */
export type ScriptRect =
  | { kind: 'h264'; x: number; y: number; w: number; h: number; flags: number; data: Uint8Array }
  | { kind: 'fill'; x: number; y: number; w: number; h: number; rgb: [number, number, number] }

/** A connection's script: one FramebufferUpdate per update request, in order; then silence. */
export type Script = ScriptRect[][]

/** What one connection's client did. */
export interface ConnectionLog {
  encodings: number[]
  /** Every FramebufferUpdateRequest's incremental flag, in order. */
  requests: boolean[]
  /** Updates of the script sent so far. */
  sent: number
}

export interface H264Server {
  port: number
  connections: ConnectionLog[]
  close(): Promise<void>
}

/**
 * Serves `scripts` (one per connection, in order; the last is replayed for later connections) at
 * width x height over RFB 3.8 with security None. Refuses nothing: a client that did not announce
 * encoding 50 still gets it (the log shows what it announced).
 */
export async function startH264Server(width: number, height: number, scripts: Script[]): Promise<H264Server> {
  const connections: ConnectionLog[] = []
  const sockets = new Set<Socket>()
  const server = createServer((sock) => {
    sockets.add(sock)
    sock.on('close', () => sockets.delete(sock))
    sock.on('error', () => {})
    const script = scripts[Math.min(connections.length, scripts.length - 1)]
    const log: ConnectionLog = { encodings: [], requests: [], sent: 0 }
    connections.push(log)
    let pf: PixelFormat | null = null
    let buf = Buffer.alloc(0)
    let stage: 'version' | 'security' | 'init' | 'messages' = 'version'
    sock.write('RFB 003.008\n')
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      for (;;) {
        if (stage === 'version') {
          if (buf.length < 12) return
          buf = buf.subarray(12)
          sock.write(Uint8Array.of(1, 1))
          stage = 'security'
        } else if (stage === 'security') {
          if (buf.length < 1) return
          buf = buf.subarray(1)
          sock.write(Uint8Array.of(0, 0, 0, 0))
          stage = 'init'
        } else if (stage === 'init') {
          if (buf.length < 1) return
          buf = buf.subarray(1)
          sock.write(serverInit(width, height, 'h264 test server'))
          stage = 'messages'
        } else {
          const n = clientMessageLength(buf, 'h264 test server')
          if (n === null || buf.length < n) return
          const m = buf.subarray(0, n)
          buf = buf.subarray(n)
          if (m[0] === 0) pf = readPixelFormat(m.subarray(4, 20))
          else if (m[0] === 2) for (let i = 0; i < m.readUInt16BE(2); i++) log.encodings.push(m.readInt32BE(4 + i * 4))
          else if (m[0] === 3) {
            log.requests.push(m[1] !== 0)
            if (log.sent < script.length) sock.write(updateBytes(script[log.sent++], pf))
          }
        }
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as { port: number }).port,
    connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

function updateBytes(rects: ScriptRect[], pf: PixelFormat | null): Buffer {
  const parts: Buffer[] = []
  const head = Buffer.alloc(4)
  head.writeUInt16BE(rects.length, 2)
  parts.push(head)
  for (const r of rects) {
    const rh = Buffer.alloc(12)
    rh.writeUInt16BE(r.x, 0)
    rh.writeUInt16BE(r.y, 2)
    rh.writeUInt16BE(r.w, 4)
    rh.writeUInt16BE(r.h, 6)
    rh.writeInt32BE(r.kind === 'h264' ? 50 : 0, 8)
    parts.push(rh)
    if (r.kind === 'h264') {
      const lf = Buffer.alloc(8)
      lf.writeUInt32BE(r.data.length, 0)
      lf.writeUInt32BE(r.flags, 4)
      parts.push(lf, Buffer.from(r.data))
    } else {
      parts.push(rawPixels(r.w * r.h, r.rgb, pf))
    }
  }
  return Buffer.concat(parts)
}

/** `n` pixels of one colour in the client's 32-bit true-colour format. */
function rawPixels(n: number, [r, g, b]: [number, number, number], pf: PixelFormat | null): Buffer {
  if (pf && (pf.bitsPerPixel !== 32 || !pf.trueColour)) throw new Error('h264 test server: only 32-bit true colour')
  const shift = pf ?? RGBX8888
  const word =
    (((r * shift.redMax) / 255) << shift.redShift) | (((g * shift.greenMax) / 255) << shift.greenShift) | (((b * shift.blueMax) / 255) << shift.blueShift)
  const out = Buffer.alloc(n * 4)
  for (let i = 0; i < n; i++) {
    if (shift.bigEndian) out.writeUInt32BE(word >>> 0, i * 4)
    else out.writeUInt32LE(word >>> 0, i * 4)
  }
  return out
}
