import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { recordingStream } from '../../src/main/rfb/record/replay'
import type { FuzzCase } from './generate'

export const CORPUS_DIR = new URL('./corpus/', import.meta.url)

/** Real recordings (FBS) as cases: the canonical handshake, then what the server sent. */
export function loadCorpus(dir: URL | string = CORPUS_DIR): FuzzCase[] {
  const path = typeof dir === 'string' ? dir : dir.pathname
  let files: string[]
  try {
    files = readdirSync(path)
      .filter((f) => f.endsWith('.fbs'))
      .sort()
  } catch {
    return []
  }
  return files.map((f) => {
    const stream = recordingStream(readFileSync(join(path, f)))
    // "RFB 003.003\n", u32 None, then ServerInit: 20 bytes, u32 name length, the name.
    const nameLength = new DataView(stream.buffer, stream.byteOffset).getUint32(36)
    return { label: `recording ${f}`, stream, fields: [], handshakeEnd: 40 + nameLength }
  })
}
