import { RfbProtocolError } from '../errors'
import { Outcome, RemoteFileRefusedError } from './outcome'
import type { RemoteEntry } from './remote-files'
import { FIND_DATA_FIXED_BYTES, decodeDrives, decodeFindData, echoes } from './ultra-entries'
import type { Operation, OperationIo } from './ultra-queue'
import { type CommandAnswer, Command, Content, DirAnswer, DirRequest, ERROR_SIZE, FILE_TRANSFER_VERSION, type UltraMessage, ultraMessage } from './ultra-wire'

/** Most entries a listing may hold; a longer one fails (and the rest is read and dropped). */
export const MAX_LIST_ENTRIES = 100_000

/**
 * The permission request (RC19 and later): rfbAbortFileTransfer with our protocol version while
 * nothing is transferring. The server answers rfbFileTransferAccess with size 1 (allowed) or -1;
 * an UltraVNC server of RC18 or older answers rfbAbortFileTransfer, whose old protocol we lack.
 */
export class PermissionOperation implements Operation {
  readonly what = 'the request for file-transfer permission'
  readonly out = new Outcome<boolean>()

  start(io: OperationIo): void {
    io.send(ultraMessage(Content.AbortFileTransfer, FILE_TRANSFER_VERSION, 0), 'FileTransfer permission request')
    io.waiting(true)
  }

  receive(m: UltraMessage, io: OperationIo): boolean {
    if (m.contentType !== Content.FileTransferAccess && m.contentType !== Content.AbortFileTransfer) return false
    this.out.resolve(m.contentType === Content.FileTransferAccess && m.size === 1)
    io.finish()
    return true
  }

  fail(error: Error): void {
    this.out.reject(error)
  }
}

/** rfbRDrivesList: the server's roots (x11vnc fakes one drive, `C:`, for `/`). */
export class DrivesOperation implements Operation {
  readonly what = 'the request for its drives'
  readonly out = new Outcome<string[]>()

  start(io: OperationIo): void {
    io.send(ultraMessage(Content.DirContentRequest, DirRequest.DrivesList, 0), 'FileTransfer DirContentRequest drives')
    io.waiting(true)
  }

  receive(m: UltraMessage, io: OperationIo): boolean {
    if (m.contentType !== Content.DirPacket || m.contentParam !== DirAnswer.DrivesList) return false
    this.out.resolve(decodeDrives(m.body))
    io.finish()
    return true
  }

  fail(error: Error): void {
    this.out.reject(error)
  }
}

/**
 * rfbRDirContent: the server echoes the folder's path (or sends an empty packet when it cannot
 * open it), then one packet per entry, then an empty packet with param 0.
 */
export class ListOperation implements Operation {
  readonly what: string
  readonly out = new Outcome<RemoteEntry[]>()
  private state: 'echo' | 'entries' | 'dropping' = 'echo'
  private readonly entries: RemoteEntry[] = []
  /** Entries left out: `.`/`..`, and names or sizes that cannot be taken. */
  skipped = 0

  constructor(
    private readonly folder: string,
    private readonly path: Uint8Array,
    private readonly maxEntries = MAX_LIST_ENTRIES,
  ) {
    this.what = `the listing of ${folder}`
  }

  start(io: OperationIo): void {
    io.send(ultraMessage(Content.DirContentRequest, DirRequest.Content, 0, this.path), `FileTransfer DirContentRequest ${this.folder}`)
    io.waiting(true)
  }

  receive(m: UltraMessage, io: OperationIo): boolean {
    if (m.contentType !== Content.DirPacket) return false
    if (this.state === 'echo') {
      if (m.contentParam !== DirAnswer.Directory) return false
      if (m.body.length === 0) {
        this.out.reject(new RemoteFileRefusedError(`the server cannot open the folder ${this.folder}`))
        io.finish()
        return true
      }
      if (!echoes(m.body, this.path, [0])) return false
      this.state = 'entries'
      return true
    }
    if (m.contentParam === DirAnswer.End) {
      this.out.resolve(this.entries)
      io.finish()
      return true
    }
    if (m.contentParam !== DirAnswer.Directory && m.contentParam !== DirAnswer.File) return false
    if (this.state === 'dropping') return true
    if (m.body.length < FIND_DATA_FIXED_BYTES) {
      return this.drop(
        new RfbProtocolError(`a directory entry of ${m.body.length} bytes in ${this.what}, shorter than its fixed ${FIND_DATA_FIXED_BYTES}`, m.at),
      )
    }
    if (this.entries.length >= this.maxEntries) {
      return this.drop(
        new RfbProtocolError(`the folder ${this.folder} lists more than ${this.maxEntries} entries, more than Tessera shows`, m.at, 'RFB_ERR_LIMIT'),
      )
    }
    const entry = decodeFindData(m.body)
    if (entry) this.entries.push(entry)
    else this.skipped++
    return true
  }

  /** Fails the listing but reads on to its end, so what follows is not taken for another answer. */
  private drop(error: Error): boolean {
    this.out.reject(error)
    this.state = 'dropping'
    this.entries.length = 0
    return true
  }

  fail(error: Error): void {
    // Stays on the wire: the rest of the listing is read and dropped (the timeout ends a silent one).
    this.out.reject(error)
  }
}

/** What each command is called in errors, and the param of its answer. */
const COMMANDS: Record<number, { answer: CommandAnswer; verb: string }> = {
  [Command.DirCreate]: { answer: 4, verb: 'create the folder' },
  [Command.FileDelete]: { answer: 7, verb: 'delete' },
  [Command.FileRename]: { answer: 8, verb: 'rename' },
}

/** rfbCommand: the server answers rfbCommandReturn echoing our text, size 0 for done and -1 for failed. */
export class CommandOperation implements Operation {
  readonly what: string
  readonly out = new Outcome<void>()

  constructor(
    private readonly command: Command,
    private readonly text: Uint8Array,
    private readonly subject: string,
  ) {
    this.what = `the request to ${COMMANDS[command].verb} ${subject}`
  }

  start(io: OperationIo): void {
    io.send(ultraMessage(Content.Command, this.command, 0, this.text), `FileTransfer Command ${this.command} ${this.subject}`)
    io.waiting(true)
  }

  receive(m: UltraMessage, io: OperationIo): boolean {
    if (m.contentType !== Content.CommandReturn || m.contentParam !== COMMANDS[this.command].answer) return false
    // UltraVNC echoes a deleted folder wrapped in "[ ]": that answer is taken by its kind alone.
    if (this.command !== Command.FileDelete && !echoes(m.body, this.text, [0])) return false
    if (m.size === ERROR_SIZE) this.out.reject(new RemoteFileRefusedError(`the server could not ${COMMANDS[this.command].verb} ${this.subject}`))
    else this.out.resolve()
    io.finish()
    return true
  }

  fail(error: Error): void {
    this.out.reject(error)
  }
}
