import { describe, expect, it } from 'vitest'
import { FramebufferSink } from '../../../src/main/rfb/framebuffer'
import { FBS_MAGIC, encodeFbsBlock } from '../../../src/main/rfb/record/fbs'
import { replayRecording } from '../../../src/main/rfb/record/replay'
import { MAX_TIGHT_IMAGE_BYTES, UpdateEncoder, opStreamHandshake } from '../../../src/main/rfb/record/update-encoder'

/** A recording of `ops` run against an encoder, one block per update. */
function record(ops: (enc: UpdateEncoder) => void): { file: Buffer; enc: UpdateEncoder; messages: Buffer[] } {
  const messages: Buffer[] = []
  const enc = new UpdateEncoder((m) => messages.push(m))
  ops(enc)
  const blocks = [encodeFbsBlock(opStreamHandshake(4, 4, 'x'), 0), ...messages.map((m, i) => encodeFbsBlock(m, 10 * (i + 1)))]
  return { file: Buffer.concat([Buffer.from(FBS_MAGIC, 'latin1'), ...blocks]), enc, messages }
}

describe('UpdateEncoder limits', () => {
  it('leaves out an image longer than a TightPNG rect can say, so the rest of the recording still replays', async () => {
    // A JPEG rect (encoding 21) may carry up to 64 MiB; Tight's compact length stops at 4 MiB - 1.
    const { file, enc } = record((e) => {
      e.image(0, 0, 4, 4, 'jpeg', new Uint8Array(MAX_TIGHT_IMAGE_BYTES + 1))
      e.endUpdate()
      e.fill(0, 0, 4, 4, 0xff0000ff)
      e.endUpdate()
    })
    expect(enc.skippedImages).toBe(1)
    const fb = new FramebufferSink(null)
    await replayRecording(file, fb)
    expect([...fb.words]).toEqual(new Array(16).fill(0xff0000ff))
  })

  it('writes the longest image Tight allows with its 3-byte length intact', () => {
    const { messages, enc } = record((e) => {
      e.image(0, 0, 4, 4, 'png', new Uint8Array(MAX_TIGHT_IMAGE_BYTES))
      e.endUpdate()
    })
    expect(enc.skippedImages).toBe(0)
    // 4 (update header) + 12 (rect header) + control byte, then the compact length.
    expect([...messages[0].subarray(17, 20)]).toEqual([0xff, 0xff, 0xff])
    expect(messages[0].length).toBe(20 + MAX_TIGHT_IMAGE_BYTES)
  })
})
