import { encodingName } from '@shared/encodings'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { encodePng } from '../rfb/png'
import { replayRecording } from '../rfb/record/replay'
import { numberOption, stringOption, UsageError } from './args'
import { parseCommandArgs } from './command-specs'
import { checkWritable, readLocalFile, writeLocalFile } from './files'

/** Rects of undecodable encodings listed by name before "and N more". */
const LISTED_RECTS = 10

/**
 * The replay's framebuffer, keeping a list of the Open H.264 rects it cannot draw: only the app's
 * renderer decodes H.264 (WebCodecs), and no WebAssembly decoder is bundled, so those areas keep
 * whatever was there before and the user is told which they are.
 */
class ReplaySink extends FramebufferSink {
  readonly h264: string[] = []
  h264Rects = 0

  video(x: number, y: number, w: number, h: number, context: number, flags: number, data: Uint8Array): void {
    // A reset with no picture draws nothing either way.
    if (data.length === 0) return
    if (++this.h264Rects <= LISTED_RECTS) this.h264.push(`update ${this.updates + 1}: ${w}x${h}+${x}+${y} (context ${context}, ${data.length} bytes)`)
  }
}

/** `tessera replay IN.fbs [--png OUT.png] [--updates N]`: decodes a recording offline. */
export async function replayCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('replay', argv)
  const file = args.positional[0]
  if (!file) throw new UsageError('missing IN.fbs')
  const png = stringOption(args, 'png')
  const maxUpdates = numberOption(args, 'updates', 1, 2 ** 31)
  const quality = numberOption(args, 'quality', 0, 9)
  if (png) checkWritable(png, 'picture')
  const fb = new ReplaySink(decodeImageNode)
  const r = await replayRecording(readLocalFile(file, 'recording'), fb, { maxUpdates, quality, allowCutEnd: true })
  out(
    `${file}: "${r.info.init.name}" ${fb.width}x${fb.height}, ${r.updates} updates, ${r.bytes} bytes, ` +
      `encodings ${[...r.encodings].map(encodingName).join(', ') || 'none'}`,
  )
  // A recorder stopped mid-update (ours, rfbproxy) leaves a cut last message: say so, keep the rest.
  if (r.cut) out(`${file}: the recording ends inside a message (cut while recording); it was left out`)
  if (fb.h264Rects > 0) {
    out(`${fb.h264Rects} Open H.264 rects not decoded (only the app's renderer decodes H.264); their areas keep the picture from before:`)
    for (const line of fb.h264) out(`  ${line}`)
    if (fb.h264Rects > fb.h264.length) out(`  and ${fb.h264Rects - fb.h264.length} more`)
  }
  if (png) {
    writeLocalFile(png, encodePng(fb.width, fb.height, fb.data), 'picture')
    out(`${png}: written`)
  }
  return 0
}
