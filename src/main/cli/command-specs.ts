import { type ParsedArgs, parseArgs } from './args'

/**
 * Every option any command takes, with what `--help` says about it. A command's option lists
 * below may name only these (the type says so), so an option cannot be accepted yet missing
 * from the help.
 */
export const OPTION_HELP = {
  'password-file': { value: 'FILE', text: 'the VNC password: the first line of FILE (otherwise the TESSERA_PASSWORD environment variable)' },
  timeout: { value: 'S', text: 'seconds to wait for the connection and the handshake' },
  encodings: { value: 'LIST', text: 'encodings to ask for, in order: tight,copyrect,zrle,hextile,zlibhex,zlib,rre,corre,raw,...' },
  'pixel-format': { value: 'F', text: 'rgb888, rgb888be, rgb565 or bgr233 (or --depth)' },
  depth: { value: '24|16|8', text: 'colour depth (picks the pixel format)' },
  quality: { value: '0-9|auto', text: 'JPEG quality level; auto picks quality and depth from the measured link' },
  'fine-quality': { value: '0-100', text: "JPEG quality in fine steps; turns JPEG on and overrides --quality's level" },
  subsampling: { value: 'none|2x|4x|8x|16x|gray', text: 'JPEG chroma subsampling (with --quality or --fine-quality)' },
  compress: { value: '0-9', text: 'compression level' },
  security: {
    value: 'POLICY',
    text: 'allow-unencrypted (default), require-encryption or require-server-auth (a certificate or key verified by a CA, the trust store or --accept-fingerprint)',
  },
  'trust-store': { value: 'DIR', text: 'remember accepted certificates, server keys and SSH host keys in DIR; a changed one is refused' },
  'accept-fingerprint': {
    value: 'SHA256[,...]',
    text: 'trust the certificate or RSA-AES server key with this SHA-256 fingerprint (kept with --trust-store); without it a password is not sent where it could be read by an unverified server (exit 8)',
  },
  'ca-file': { value: 'PEM', text: 'extra certificate authorities' },
  ssh: { value: 'USER@HOST[:PORT]', text: 'go through an SSH tunnel; unix:/path TARGETs are then on the SSH server' },
  'ssh-key': { value: 'FILE', text: 'private key for --ssh (its passphrase from TESSERA_SSH_PASSPHRASE); the agent (SSH_AUTH_SOCK) is used too' },
  'ssh-password-file': { value: 'FILE', text: 'the SSH password: the first line of FILE' },
  'ssh-known-hosts': { value: 'FILE', text: 'known SSH host keys (default ~/.ssh/known_hosts); an unknown key is refused' },
  'ssh-accept-fingerprint': { value: 'SHA256:...[,...]', text: 'trust the SSH host key with this fingerprint (as ssh-keygen -l prints it)' },
  repeater: { value: 'HOST[:PORT]', text: 'reach TARGET (ID:n or host:display) through this UltraVNC repeater (port 5901 unless given)' },
  'allow-plain-password': {
    text: 'let VeNCrypt Plain send the password without TLS (anyone on the network can read it), over anonymous TLS (TLSPlain) or to an unverified certificate (X509Plain), and Apple Remote Desktop or MSLogonII logins, where a man in the middle can read it',
  },
  seconds: { value: 'N', text: 'how long to record (default 10; Ctrl+C stops earlier)' },
  png: { value: 'OUT.png', text: 'write the last picture as PNG' },
  updates: { value: 'N', text: 'stop after N updates' },
  runs: { value: 'N', text: 'decode each recording at least N times (default 5) and report the median' },
  json: { text: 'print the results as JSON' },
  frames: { text: 'time the copies of one full frame on its way to a window' },
  size: { value: 'WxH', text: 'the frame size for --frames (default 1920x1080)' },
  trace: { text: 'print every message both ways, with a timestamp' },
  port: { value: 'N', text: 'the port to listen on' },
  host: { value: 'H', text: 'the address to listen on (default every interface, 0.0.0.0)' },
  'data-dir': { value: 'DIR', text: "the data folder (default the app's, in its browser-mode/ subfolder)" },
  'no-open': { text: 'do not open a browser; only print the address' },
  overwrite: { text: 'replace files that exist already (otherwise the command stops before touching them)' },
  buffer: { value: 'MB', text: 'hold at most MB megabytes for a slow viewer (default 64), then pause reading the server' },
  file: { value: 'FILE', text: 'type the text in FILE (UTF-8) instead of the TEXT argument' },
  layout: { value: 'us|uk|de|fr', text: 'press the keys of this remote keyboard layout where the server takes scancodes (QEMU); without it, keysyms' },
  'delay-ms': { value: 'N', text: 'pause after each character, 0-1000 ms (default 10; slow consoles want 40)' },
} as const satisfies Record<string, { value?: string; text: string }>

/** The name of an option (without its dashes). */
export type OptionName = keyof typeof OPTION_HELP

/** What a command takes and what its help says. */
export interface CommandSpec {
  /** The command line after `tessera`. */
  usage: string
  /** One line for the command list. */
  summary: string
  /** Further lines of `tessera help COMMAND`. */
  about: readonly string[]
  /** Options that take a value. */
  valued: readonly OptionName[]
  /** Options that take none. */
  flags: readonly OptionName[]
  /** Wording of an option that differs from OPTION_HELP for this command (defaults, meaning). */
  overrides?: Partial<Record<OptionName, string>>
}

/** Options every command that connects to a server takes. */
export const CONNECT_OPTIONS = [
  'password-file',
  'timeout',
  'encodings',
  'pixel-format',
  'depth',
  'quality',
  'fine-quality',
  'subsampling',
  'compress',
  'security',
  'trust-store',
  'accept-fingerprint',
  'ca-file',
  'ssh',
  'ssh-key',
  'ssh-password-file',
  'ssh-known-hosts',
  'ssh-accept-fingerprint',
  'repeater',
] as const satisfies readonly OptionName[]

/** Flags (no value) every connecting command shares. */
export const CONNECT_FLAGS = ['allow-plain-password'] as const satisfies readonly OptionName[]

/** What a TARGET may be, for the help texts. */
export const TARGET_LINES = [
  'TARGET is host, host:display (port 5900+display), host::port, vnc://[user@]host[:port],',
  'vncs://... (TLS from the first byte), unix:/path (a Unix socket), or a server behind an',
  'UltraVNC repeater: REPEATER[:PORT]/ID:n or REPEATER[:PORT]/host:display.',
]

/** The commands, in the order `tessera help` lists them. */
export const COMMAND_SPECS = {
  snapshot: {
    usage: 'snapshot TARGET OUT.png [options]',
    summary: 'wait until the whole screen has arrived and write it as PNG',
    about: TARGET_LINES,
    valued: CONNECT_OPTIONS,
    flags: CONNECT_FLAGS,
    overrides: { timeout: 'seconds to wait for the connection, the handshake and the whole screen (default 30)' },
  },
  record: {
    usage: 'record TARGET OUT.fbs [options]',
    summary: "record the server's stream as FBS 001.000 (the rfbproxy format)",
    about: TARGET_LINES,
    valued: [...CONNECT_OPTIONS, 'seconds'],
    flags: CONNECT_FLAGS,
    overrides: { timeout: 'seconds to wait for the connection and the handshake (default 30)' },
  },
  replay: {
    usage: 'replay IN.fbs [options]',
    summary: "decode a recording offline (ours, rfbproxy's, or a dump starting at ServerInit)",
    about: [],
    valued: ['png', 'updates', 'quality'],
    flags: [],
    overrides: { quality: "the JPEG quality level (0-9) the recording client asked for: ZYWRLE's wavelet depth follows it" },
  },
  probe: {
    usage: 'probe TARGET [options]',
    summary: 'show what the server is: version, security, encryption, certificate, desktop',
    about: TARGET_LINES,
    valued: CONNECT_OPTIONS,
    flags: ['trace', ...CONNECT_FLAGS],
    overrides: { timeout: 'seconds to wait for the connection and the handshake (default 15)' },
  },
  audio: {
    usage: 'audio TARGET OUT.wav [options]',
    summary: "write the server's sound (QEMU audio) as a WAV file: 16-bit stereo, 48 kHz",
    about: ['Only QEMU sends sound, when its -vnc has audiodev=; any other server exits 7.', ...TARGET_LINES],
    valued: [
      ...CONNECT_OPTIONS.filter((o) => o !== 'encodings' && !['pixel-format', 'depth', 'quality', 'fine-quality', 'subsampling', 'compress'].includes(o)),
      'seconds',
    ],
    flags: CONNECT_FLAGS,
    overrides: {
      seconds: 'how long to record the sound (default 10; Ctrl+C stops earlier)',
      timeout: 'seconds to wait for the connection and the handshake (default 15)',
    },
  },
  type: {
    usage: 'type TARGET [TEXT | --file FILE | -] [options]',
    summary: 'type a text as key presses (paste as keystrokes), for consoles without a clipboard',
    about: [
      'TEXT is typed as given; - reads standard input. Newline is Enter, tab is Tab. Keysyms go out,',
      'which type any character; with --layout and a server that takes scancodes (QEMU), the keys of',
      'that layout are pressed. What cannot be typed is listed and nothing is sent (exit 7).',
      ...TARGET_LINES,
    ],
    valued: [...CONNECT_OPTIONS.filter((o) => o !== 'encodings'), 'file', 'layout', 'delay-ms'],
    flags: CONNECT_FLAGS,
    overrides: { timeout: 'seconds to wait for the connection and the handshake (default 15)' },
  },
  files: {
    usage: 'files TARGET ls [PATH] | get REMOTE [LOCALDIR] | put LOCAL [REMOTEDIR] [options]',
    summary: "list, download or upload the server's files (UltraVNC or TightVNC file transfer)",
    about: [
      'get copies a file or a whole folder into LOCALDIR (default the current folder), put copies a',
      "local file or folder into REMOTEDIR (default the first root). Paths are the server's own:",
      'C:\\dir\\file for UltraVNC servers (x11vnc shows / as C:). Names from the server are checked',
      'before anything is written; nothing is overwritten without --overwrite.',
      ...TARGET_LINES,
    ],
    valued: CONNECT_OPTIONS,
    flags: ['overwrite', ...CONNECT_FLAGS],
    overrides: { timeout: 'seconds to wait for the connection and the handshake (default 30)' },
  },
  bench: {
    usage: 'bench [IN.fbs...] [options]',
    summary: 'decode throughput per recording: wire MB/s, Mpixel/s, updates/s',
    about: [
      'With --frames, also what handing one full frame to a window costs here, copy by copy',
      '(docs/performance.md, "Electron path", lists the figures to compare with).',
    ],
    valued: ['runs', 'size'],
    flags: ['json', 'frames'],
  },
  web: {
    usage: 'web [options]',
    summary: 'serve the viewer to a local browser (browser mode) until Ctrl+C',
    about: [
      'Listens on 127.0.0.1 and prints a one-time address (it works once, within a minute);',
      'press Enter in the terminal for a new one. The browser is opened through a private file,',
      'so the secret never appears on a command line.',
    ],
    valued: ['port', 'data-dir'],
    flags: ['no-open'],
    overrides: { port: 'the port to listen on (default a free one)' },
  },
  listen: {
    usage: 'listen OUT.png [options]',
    summary: 'wait for a server to connect to us (reverse connection) and write its screen as PNG',
    about: ['For x11vnc -connect HOST:5500 or TigerVNC vncconfig -connect HOST:5500.'],
    valued: [...CONNECT_OPTIONS.filter((o) => o !== 'repeater' && !o.startsWith('ssh')), 'port', 'host'],
    flags: CONNECT_FLAGS,
    overrides: {
      port: 'the port to listen on (default 5500)',
      timeout: 'seconds to wait for the server to connect, and again for its screen (default 120)',
    },
  },
  proxy: {
    usage: 'proxy LISTEN TARGET [options]',
    summary: 'a buffering proxy between any viewer and a server, until Ctrl+C',
    about: [
      'LISTEN is [host:]port (127.0.0.1 unless a host is given) or unix:/path. It reads the server at',
      'full speed into what it holds for the viewer, passes on only None and VNC authentication and',
      'the encodings it can parse, and says what it stripped.',
      ...TARGET_LINES,
    ],
    valued: ['buffer', 'timeout', 'repeater', 'ssh', 'ssh-key', 'ssh-password-file', 'ssh-known-hosts', 'ssh-accept-fingerprint', 'trust-store'],
    flags: ['trace'],
    overrides: {
      timeout: 'seconds to wait for the server connection (default 15; the handshake gets twice as long)',
      'trust-store': 'remember accepted SSH host keys in DIR',
    },
  },
} as const satisfies Record<string, CommandSpec>

/** A command's name. */
export type CommandName = keyof typeof COMMAND_SPECS

/** Parses `argv` with the options `command` takes; anything else is a usage error. */
export function parseCommandArgs(command: CommandName, argv: readonly string[]): ParsedArgs {
  const spec: CommandSpec = COMMAND_SPECS[command]
  return parseArgs(argv, spec.valued, spec.flags)
}
