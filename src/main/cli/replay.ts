import { encodingName } from '@shared/encodings'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { encodePng } from '../rfb/png'
import { replayRecording } from '../rfb/record/replay'
import { numberOption, stringOption, UsageError } from './args'
import { parseCommandArgs } from './command-specs'
import { checkWritable, readLocalFile, writeLocalFile } from './files'

/** `tessera replay IN.fbs [--png OUT.png] [--updates N]`: decodes a recording offline. */
export async function replayCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('replay', argv)
  const file = args.positional[0]
  if (!file) throw new UsageError('missing IN.fbs')
  const png = stringOption(args, 'png')
  const maxUpdates = numberOption(args, 'updates', 1, 2 ** 31)
  const quality = numberOption(args, 'quality', 0, 9)
  if (png) checkWritable(png, 'picture')
  const fb = new FramebufferSink(decodeImageNode)
  const r = await replayRecording(readLocalFile(file, 'recording'), fb, { maxUpdates, quality })
  out(
    `${file}: "${r.info.init.name}" ${fb.width}x${fb.height}, ${r.updates} updates, ${r.bytes} bytes, ` +
      `encodings ${[...r.encodings].map(encodingName).join(', ') || 'none'}`,
  )
  if (png) {
    writeLocalFile(png, encodePng(fb.width, fb.height, fb.data), 'picture')
    out(`${png}: written`)
  }
  return 0
}
