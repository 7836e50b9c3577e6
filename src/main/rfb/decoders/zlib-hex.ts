import type { ByteQueue } from '../byte-queue'
import { createInflateStream } from '../zlib/create-inflate-stream'
import type { InflateStream } from '../zlib/inflate-stream'
import type { DecodeContext } from './decoder'
import { HextileDecoder, HextileFlag, hextileBodyLength } from './hextile'
import { inflateChecked } from './zlib-payload'

const TILE_BITS = 0x7f

/**
 * ZlibHex (rfbproto "zlibhex Encoding", 8): Hextile whose mask may add ZlibRaw (32) or Zlib
 * (64); either is followed by a u16 length and that much zlib data, sync-flushed per tile.
 * ZlibRaw cancels every other bit and inflates, on the first of two per-connection streams, to
 * the tile's raw pixels. Zlib inflates, on the second stream, to the body a plain Hextile tile
 * with the mask's low five bits would have (background, foreground, count, subrects). This is the
 * layout of the Tridia/UltraVNC encoder; libvncserver defines the bits but implements neither
 * side. Zlib together with Raw is refused: whether the pixels are then compressed is unclear.
 */
export class ZlibHexDecoder extends HextileDecoder {
  protected override readonly name = 'ZlibHex'
  protected override readonly code = 'RFB_ERR_ZLIBHEX'
  private readonly rawStream: InflateStream = createInflateStream()
  private readonly hexStream: InflateStream = createInflateStream()

  protected override tileUnit(q: ByteQueue, ctx: DecodeContext, tw: number, th: number): boolean {
    if (!q.has(1)) return false
    const flags = q.peekU8()
    if (!(flags & (HextileFlag.ZlibRaw | HextileFlag.Zlib))) return super.tileUnit(q, ctx, tw, th)
    if (!(flags & HextileFlag.ZlibRaw)) {
      if (flags & ~TILE_BITS) throw this.error(`tile mask 0x${flags.toString(16)} has undefined bits`, ctx.position)
      if (flags & HextileFlag.Raw) throw this.error(`tile mask 0x${flags.toString(16)} sets both Raw and Zlib`, ctx.position)
    }
    if (!q.has(3)) return false
    const len = q.peekU16(1)
    if (!q.has(3 + len)) return false
    q.skip(3)
    const at = q.position
    this.ensure(len)
    q.copyTo(this.zbuf, 0, len)
    const input = this.zbuf.subarray(0, len)
    const bpp = this.px!.bytesPerPixel
    if (flags & HextileFlag.ZlibRaw) {
      const size = tw * th * bpp
      const data = inflateChecked(this.rawStream, input, size, this.name, this.code, at)
      if (data.length !== size) throw this.error(`ZlibRaw tile inflates to ${data.length} bytes, not ${size}`, at)
      this.drawTile(data, 0, HextileFlag.Raw, tw, th, ctx, at)
      return true
    }
    const tileFlags = flags & 0x1f
    const data = inflateChecked(this.hexStream, input, hextileBodyLength(tileFlags, 255, tw, th, bpp), this.name, this.code, at)
    let count = 0
    if (tileFlags & HextileFlag.AnySubrects) {
      const c = (tileFlags & HextileFlag.BackgroundSpecified ? bpp : 0) + (tileFlags & HextileFlag.ForegroundSpecified ? bpp : 0)
      if (c < data.length) count = data[c]
    }
    const need = hextileBodyLength(tileFlags, count, tw, th, bpp)
    if (data.length !== need) throw this.error(`Zlib tile inflates to ${data.length} bytes where its mask and count need ${need}`, at)
    this.drawTile(data, 0, tileFlags, tw, th, ctx, at)
    return true
  }

  reset(): void {
    this.rawStream.reset()
    this.hexStream.reset()
  }

  private zbuf = new Uint8Array(4096)

  private ensure(n: number): void {
    if (this.zbuf.length < n) this.zbuf = new Uint8Array(Math.max(n, this.zbuf.length * 2))
  }
}
