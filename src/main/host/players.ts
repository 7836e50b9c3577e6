import { randomUUID } from 'node:crypto'
import { statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { PlayerInfo } from '@shared/recording'
import { RfbError } from '../rfb/errors'
import { Playback } from '../rfb/record/playback'
import type { HostClient } from './endpoint'
import { HostError, hostError } from './errors'
import { HostPlayer, type PlayerHost } from './host-player'
import { RecordingsFolder } from './recordings'

/** Players open at once, over all windows: each holds its recording and keyframes in memory. */
export const MAX_PLAYERS = 8

/**
 * Recording bytes all players together may hold (each holds its file's stream, besides keyframes).
 * Without it eight windows' worth of 1 GiB uploads would take 8 GiB and more.
 */
export const MAX_OPEN_RECORDING_BYTES = 2 * 1024 ** 3

/** The open players by id; each belongs to the window that opened it, like a session. */
export class Players {
  private readonly byId = new Map<string, HostPlayer>()
  /** Bytes each open player's recording takes (released on close). */
  private readonly bytesById = new Map<string, number>()
  /** Opens still reading their file: they count against both limits from the start, so many at once cannot pass them together. */
  private opening = 0
  /** Owners of the opens still reading, marked when their window leaves meanwhile. */
  private readonly pending = new Set<{ owner: HostClient | undefined; gone: boolean }>()
  private held = 0

  constructor(
    private readonly folder: RecordingsFolder,
    private readonly host: PlayerHost,
    private readonly maxBytes = MAX_OPEN_RECORDING_BYTES,
  ) {}

  /** Opens recording `name` of the Recordings folder. */
  open(name: string, owner: HostClient | undefined): Promise<PlayerInfo> {
    return this.openAt(() => this.folder.pathOf(name), name, owner)
  }

  /**
   * Opens the recording file at `path`, wherever it is: only for a path the user picked in the
   * desktop app's open dialog. Its exports go to the Recordings folder's, under its file name.
   */
  openFile(path: string, owner: HostClient | undefined): Promise<PlayerInfo> {
    return this.openAt(() => RecordingsFolder.playableFile(path), basename(path), owner)
  }

  private async openAt(resolve: () => string, name: string, owner: HostClient | undefined): Promise<PlayerInfo> {
    if (this.byId.size + this.opening >= MAX_PLAYERS)
      throw hostError('refused', 'HOST_TOO_MANY_SESSIONS', `at most ${MAX_PLAYERS} recordings can be open at once`)
    const path = resolve()
    let bytes = statSync(path).size
    if (this.held + bytes > this.maxBytes) {
      throw hostError('refused', 'HOST_RECORDING_TOO_LARGE', `the recordings open at once may take ${this.maxBytes} bytes together; close one first`)
    }
    this.opening++
    this.held += bytes
    const pending = { owner, gone: false }
    this.pending.add(pending)
    let playback: Playback
    try {
      const file = await readFile(path)
      // A recording still being written may have grown since: what was read is what is held.
      if (file.length > bytes && this.held - bytes + file.length > this.maxBytes) {
        throw hostError('refused', 'HOST_RECORDING_TOO_LARGE', `the recordings open at once may take ${this.maxBytes} bytes together; close one first`)
      }
      this.held += file.length - bytes
      bytes = file.length
      playback = await Playback.open(file, { decodeImage: this.host.decodeImage })
    } catch (e) {
      this.held -= bytes
      if (e instanceof RfbError) throw hostError('protocol', e.code === 'RFB_ERR_TRUNCATED' ? 'RFB_ERR_TRUNCATED' : 'RFB_ERR_FBS', e.message)
      if (e instanceof HostError) throw e
      throw hostError('closed', 'HOST_NO_RECORDING', `cannot read the recording: ${(e as Error).message}`)
    } finally {
      this.opening--
      this.pending.delete(pending)
    }
    if (pending.gone) {
      // Its window left while it was read: nobody could ever close it.
      playback.close()
      this.held -= bytes
      throw hostError('closed', 'HOST_NO_PLAYER', 'the window that opened the recording has closed')
    }
    const player = new HostPlayer(randomUUID(), owner, name, playback, this.host, () => this.folder.exportsOf(name))
    this.byId.set(player.id, player)
    this.bytesById.set(player.id, bytes)
    // After the response is on its way, so the window knows the id before the first picture.
    setImmediate(() => player.begin())
    return player.info()
  }

  /** The player `id` if `owner` opened it; anyone else is told it does not exist. */
  owned(id: string, owner: HostClient | undefined): HostPlayer {
    const p = this.byId.get(id)
    if (!p || p.owner !== owner) throw hostError('closed', 'HOST_NO_PLAYER', 'that recording is not open')
    return p
  }

  ownerOf(id: string): HostClient | undefined {
    return this.byId.get(id)?.owner
  }

  close(id: string, owner: HostClient | undefined): void {
    this.owned(id, owner).close()
    this.forget(id)
  }

  closeOwnedBy(owner: HostClient | undefined): void {
    for (const p of this.pending) if (p.owner === owner) p.gone = true
    for (const [id, p] of this.byId) {
      if (p.owner !== owner) continue
      p.close()
      this.forget(id)
    }
  }

  closeAll(): void {
    for (const id of [...this.byId.keys()]) {
      this.byId.get(id)?.close()
      this.forget(id)
    }
  }

  private forget(id: string): void {
    this.byId.delete(id)
    this.held -= this.bytesById.get(id) ?? 0
    this.bytesById.delete(id)
  }
}
