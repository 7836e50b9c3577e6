// What the Open H.264 suites share: their skip reason, and a real desktop to cut their frames
// from (Xtigervnc's, snapshotted) beside the Chromium that decodes them.
import type { Browser } from 'playwright-core'
import { takeSnapshot } from '../../src/main/cli/snapshot'
import { ffmpegAvailable } from '../helpers/h264-server'
import { type RunningServer, serverAvailable, startServer } from '../helpers/vnc-servers'
import { e2eUnavailable, ensureRendererBuilt, launchChromium } from './harness'

/** Why the H.264 suites cannot run here (no Chromium, no Xtigervnc, no libx264), or null. */
export function h264Unavailable(): string | null {
  return (
    e2eUnavailable() ?? (serverAvailable('tigervnc') ? null : 'Xtigervnc not installed') ?? (ffmpegAvailable() ? null : 'ffmpeg with libx264 not installed')
  )
}

/** The snapshotted desktop's width: the stride to crop its frames with. */
export const DESKTOP_WIDTH = 800

/**
 * Builds the renderer if needed, starts Chromium and an 800x600 Xtigervnc together, and
 * snapshots the desktop (RGBA). The suite stops both when it is done.
 */
export async function chromiumAndDesktop(): Promise<{ browser: Browser; xvnc: RunningServer; desktop: Uint8Array }> {
  ensureRendererBuilt()
  const [browser, xvnc] = await Promise.all([launchChromium(), startServer('tigervnc', { content: 'static', width: DESKTOP_WIDTH, height: 600 })])
  const desktop = (await takeSnapshot({ host: '127.0.0.1', port: xvnc.port }, { encodings: [0] })).framebuffer.data
  return { browser, xvnc, desktop }
}
