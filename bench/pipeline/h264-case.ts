/**
 * The pipeline bench's H.264 row. No Debian server sends Open H.264 (docs/servers.md), so the
 * frames are the bench's own screen: full-screen snapshots of the Xtigervnc running content.mjs,
 * taken one after the other while the plasma moves, encoded by test/helpers/h264-server.ts's
 * libx264 encoder (high profile, one key frame per loop, x264's default quality, CRF 23) and
 * served by its test server, one 1920x1080 H.264 rect per update request, looping. The server
 * answers each request at once, so this row shows how fast the viewer can go, not a content rate.
 */
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { type H264Server, type Script, encodeH264, ffmpegAvailable, startH264Server } from '../../test/helpers/h264-server'

/** Updates the looping script holds: more than any measuring window needs. */
const SCRIPT_UPDATES = 20_000

/** Whether the H.264 row can run here (ffmpeg with libx264). */
export const h264CaseAvailable = ffmpegAvailable

/**
 * Snapshots `count` frames of the VNC server at `port` (Raw, whole screen each), encodes them and
 * starts a server that loops them. Frames must be even-sized, as 4:2:0 needs.
 */
export async function startH264Loop(port: number, width: number, height: number, count: number): Promise<{ server: H264Server; bytesPerFrame: number }> {
  const frames: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const snap = await takeSnapshot({ host: '127.0.0.1', port }, { encodings: [0] })
    frames.push(snap.framebuffer.data.slice(0, width * height * 4))
  }
  // One key frame, at the loop's start: the stream restarts cleanly each time round.
  const units = encodeH264(frames, width, height, { profile: 'high', keyint: count, crf: 23 })
  const script: Script = []
  for (let i = 0; i < SCRIPT_UPDATES; i++) script.push([{ kind: 'h264', x: 0, y: 0, w: width, h: height, flags: 0, data: units[i % units.length] }])
  const server = await startH264Server(width, height, [script])
  return { server, bytesPerFrame: units.reduce((s, u) => s + u.length, 0) / units.length }
}
