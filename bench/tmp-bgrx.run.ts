import { readFileSync } from 'node:fs'
import { it } from 'vitest'
import { FramebufferSink } from '../src/main/rfb/framebuffer'
import { recordingStream, replayStream } from '../src/main/rfb/record/replay'
import { bgrxRecording } from './bgrx'

it('bgrx vs rgbx replay', async () => {
  const name = process.env.F ?? 'qemu-raw'
  const fbs = readFileSync(`bench/recordings/${name}.fbs`)
  const a = recordingStream(fbs)
  const b = recordingStream(bgrxRecording(fbs)!)
  for (let i = 0; i < 5; i++) {
    for (const [n, s] of [['rgbx', a], ['bgrx', b]] as const) {
      const t = performance.now()
      await replayStream(s, new FramebufferSink(), { chunkSize: 65536 })
      console.log(n, (performance.now() - t).toFixed(1))
    }
  }
})
