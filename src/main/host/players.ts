import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { PlayerInfo } from '@shared/recording'
import { RfbError } from '../rfb/errors'
import { Playback } from '../rfb/record/playback'
import type { HostClient } from './endpoint'
import { hostError } from './errors'
import { HostPlayer, type PlayerHost } from './host-player'
import type { RecordingsFolder } from './recordings'

/** Players open at once, over all windows: each holds its recording and keyframes in memory. */
export const MAX_PLAYERS = 8

/** The open players by id; each belongs to the window that opened it, like a session. */
export class Players {
  private readonly byId = new Map<string, HostPlayer>()

  constructor(
    private readonly folder: RecordingsFolder,
    private readonly host: PlayerHost,
  ) {}

  async open(name: string, owner: HostClient | undefined): Promise<PlayerInfo> {
    if (this.byId.size >= MAX_PLAYERS) throw hostError('refused', 'HOST_TOO_MANY_SESSIONS', `at most ${MAX_PLAYERS} recordings can be open at once`)
    const path = this.folder.pathOf(name)
    let playback: Playback
    try {
      playback = await Playback.open(await readFile(path), { decodeImage: this.host.decodeImage })
    } catch (e) {
      if (e instanceof RfbError) throw hostError('protocol', e.code === 'RFB_ERR_TRUNCATED' ? 'RFB_ERR_TRUNCATED' : 'RFB_ERR_FBS', e.message)
      throw hostError('closed', 'HOST_NO_RECORDING', `cannot read the recording: ${(e as Error).message}`)
    }
    const player = new HostPlayer(randomUUID(), owner, name, playback, this.host, () => this.folder.exportsOf(name))
    this.byId.set(player.id, player)
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
    this.byId.delete(id)
  }

  closeOwnedBy(owner: HostClient | undefined): void {
    for (const [id, p] of this.byId) {
      if (p.owner !== owner) continue
      p.close()
      this.byId.delete(id)
    }
  }

  closeAll(): void {
    for (const p of this.byId.values()) p.close()
    this.byId.clear()
  }
}
