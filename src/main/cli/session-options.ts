import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { Encoding, FINE_QUALITY_MAX, PIXEL_ENCODINGS, SUBSAMPLINGS, type Subsampling, encodingName } from '@shared/encodings'
import { type Target, parseRepeater, parseTarget } from '@shared/target'
import { createDecoders } from '../rfb/decoders'
import { PIXEL_FORMATS, type PixelFormatName } from '../rfb/pixel-format'
import { SECURITY_POLICIES, type SecurityOptions, type SecurityPolicy } from '../rfb/security/policy'
import type { Credentials } from '../rfb/security/security-handler'
import { normaliseFingerprint } from '../rfb/trust/certificate'
import { type KnownHostEntry, normaliseSshFingerprint, parseKnownHosts } from '../rfb/trust/known-hosts'
import { SERVER_KEYS_FILE_NAME } from '../rfb/trust/server-key'
import { FileTrustStore, SSH_HOSTS_FILE_NAME } from '../rfb/trust/store'
import type { SshAuth, SshOptions } from '../rfb/transport/ssh'
import { type ParsedArgs, UsageError, numberOption, stringOption } from './args'
import { readLocalFile } from './files'

export { CONNECT_FLAGS, CONNECT_OPTIONS } from './command-specs'

/**
 * `--security POLICY`, `--trust-store DIR`, `--accept-fingerprint SHA256[,SHA256...]`, `--ca-file PEM`.
 * The CLI cannot ask anyone: a certificate or RSA-AES key nobody vouches for is used unverified
 * unless the policy requires server authentication, but never given a password it would read as
 * typed (X509Plain, RSA-AES; `nobodyToAsk`); an accepted fingerprint is remembered in the trust store.
 * `--allow-plain-password` lets VeNCrypt Plain send the password without TLS, over anonymous TLS
 * or to an unverified certificate, and Apple Remote Desktop or MSLogonII log in (refused otherwise).
 */
export function securityArg(args: ParsedArgs): SecurityOptions {
  const policy = stringOption(args, 'security')
  if (policy !== undefined && !SECURITY_POLICIES.includes(policy as SecurityPolicy)) {
    throw new UsageError(`unknown security policy "${policy}" (known: ${SECURITY_POLICIES.join(', ')})`)
  }
  const dir = stringOption(args, 'trust-store')
  const fingerprints = stringOption(args, 'accept-fingerprint')
    ?.split(',')
    .map((f) => {
      const n = normaliseFingerprint(f)
      if (!n) throw new UsageError(`--accept-fingerprint: "${f}" is not a SHA-256 fingerprint (64 hex digits, colons optional)`)
      return n
    })
  const caFile = stringOption(args, 'ca-file')
  const ca = caFile !== undefined ? readLocalFile(caFile, 'CA file').toString('utf8') : undefined
  return {
    policy: policy as SecurityPolicy | undefined,
    trust: { store: dir !== undefined ? new FileTrustStore(dir) : undefined, acceptFingerprints: fingerprints, ca },
    // An accepted fingerprint may name a certificate or an RSA-AES server key (both SHA-256, colon hex).
    serverKeys: { store: dir !== undefined ? new FileTrustStore(dir, SERVER_KEYS_FILE_NAME) : undefined, acceptFingerprints: fingerprints },
    ...(args.options.has('allow-plain-password') ? { allowPlainPassword: true } : {}),
    nobodyToAsk: true,
  }
}

/**
 * TARGET as parseTarget reads it; with `--repeater HOST[:PORT]` (UltraVNC's `-proxy`), TARGET is
 * the server behind that repeater: `ID:1234` (mode II) or `host[:display]` (mode I).
 */
export function targetArg(value: string | undefined, args?: ParsedArgs): Target {
  if (!value) throw new UsageError('missing TARGET (host, host:display, host::port, vnc://host[:port], unix:/path or REPEATER/ID:n)')
  const repeater = args ? stringOption(args, 'repeater') : undefined
  try {
    return parseTarget(value, repeater !== undefined ? { repeater: parseRepeater(repeater) } : {})
  } catch (e) {
    throw new UsageError(`${repeater !== undefined ? '--repeater: ' : ''}${(e as Error).message}`)
  }
}

/** `--encodings tight,zrle,raw` to numbers, refusing names this build cannot decode. */
export function encodingsArg(args: ParsedArgs, opts: { h264?: boolean } = {}): number[] | undefined {
  const v = stringOption(args, 'encodings')
  if (v === undefined) return undefined
  const known = createDecoders()
  return v.split(',').map((name) => {
    if (name.trim().toLowerCase() === 'h264') {
      // Only the app's renderer decodes H.264 (WebCodecs): a command that draws the picture itself cannot.
      if (!opts.h264) throw new UsageError('h264 is decoded only by the app (its renderer); `tessera record` can record it, this command cannot show it')
      return Encoding.OpenH264
    }
    const n = PIXEL_ENCODINGS[name.trim().toLowerCase()]
    if (n === undefined) throw new UsageError(`unknown encoding "${name}" (known: ${Object.keys(PIXEL_ENCODINGS).join(', ')})`)
    if (!known.has(n)) throw new UsageError(`encoding ${encodingName(n)} is not supported by this build`)
    return n
  })
}

/** Pixel formats by colour depth, as `--depth` names them. */
const DEPTHS: Record<string, PixelFormatName> = { '24': 'rgb888', '16': 'rgb565', '8': 'bgr233' }

/** `--depth 24|16|8` or `--pixel-format NAME` (not both) as a pixel format name. */
export function pixelFormatArg(args: ParsedArgs): PixelFormatName | undefined {
  const v = stringOption(args, 'pixel-format')
  const depth = stringOption(args, 'depth')
  if (depth !== undefined) {
    if (v !== undefined) throw new UsageError('--depth and --pixel-format both choose the pixel format: give one')
    if (!(depth in DEPTHS)) throw new UsageError('--depth must be 8, 16 or 24')
    return DEPTHS[depth]
  }
  if (v === undefined) return undefined
  if (!(v in PIXEL_FORMATS)) throw new UsageError(`unknown pixel format "${v}" (known: ${Object.keys(PIXEL_FORMATS).join(', ')})`)
  return v as PixelFormatName
}

/**
 * What tunes picture and link: `--depth`/`--pixel-format`, `--quality 0-9|auto`,
 * `--fine-quality 0-100`, `--subsampling none|2x|4x|8x|16x|gray`, `--compress 0-9`.
 */
export interface TuningArgs {
  pixelFormat?: PixelFormatName
  quality?: number
  /** Switches JPEG on like --quality, and overrides the level (an automatic one too). */
  fineQuality?: number
  subsampling?: Subsampling
  compression?: number
  autoSelect?: boolean
}

/** The picture and link options of {@link TuningArgs}, checked against each other. */
export function tuningArgs(args: ParsedArgs): TuningArgs {
  const t: TuningArgs = { pixelFormat: pixelFormatArg(args) }
  if (stringOption(args, 'quality') === 'auto') t.autoSelect = true
  else t.quality = numberOption(args, 'quality', 0, 9)
  t.fineQuality = numberOption(args, 'fine-quality', 0, FINE_QUALITY_MAX)
  if (t.fineQuality !== undefined && !Number.isInteger(t.fineQuality)) {
    throw new UsageError(`--fine-quality must be a whole number from 0 to ${FINE_QUALITY_MAX}`)
  }
  const subsampling = stringOption(args, 'subsampling')
  if (subsampling !== undefined) {
    if (!(SUBSAMPLINGS as readonly string[]).includes(subsampling)) {
      throw new UsageError(`unknown subsampling "${subsampling}" (known: ${SUBSAMPLINGS.join(', ')})`)
    }
    // Subsampling only shapes JPEG; on its own it would be silently dropped (the engine keeps lossless lossless).
    if (t.quality === undefined && t.fineQuality === undefined && !t.autoSelect) {
      throw new UsageError('--subsampling applies to JPEG: give --quality or --fine-quality too')
    }
    t.subsampling = subsampling as Subsampling
  }
  t.compression = numberOption(args, 'compress', 0, 9)
  return t
}

/** `--timeout S` in milliseconds, or the command's own default. */
export function timeoutArg(args: ParsedArgs, fallbackSeconds: number): number {
  return (numberOption(args, 'timeout', 0.1, 86400) ?? fallbackSeconds) * 1000
}

/**
 * The password comes from --password-file (first line) or TESSERA_PASSWORD, never from the
 * command line, where other users could read it in the process list. The file is read now,
 * before any connection: a missing file is the user's to fix (exit 9), not the server's.
 */
export function credentialsFrom(args: ParsedArgs, target: Target): () => Promise<Credentials | null> {
  const file = stringOption(args, 'password-file')
  const password = file !== undefined ? readLocalFile(file, 'password file').toString('utf8').split(/\r?\n/)[0] : process.env.TESSERA_PASSWORD
  return async () => (password === undefined ? null : { username: target.username, password })
}

function readOptionFile(args: ParsedArgs, name: string, what: string): Buffer | undefined {
  const file = stringOption(args, name)
  return file === undefined ? undefined : readLocalFile(file, `${what} (--${name})`)
}

/**
 * `--ssh user@host[:port]` with `--ssh-key FILE` (passphrase from TESSERA_SSH_PASSPHRASE),
 * `--ssh-password-file FILE`, and the agent whenever SSH_AUTH_SOCK is set. Host keys are checked
 * against `--ssh-known-hosts FILE` (default ~/.ssh/known_hosts), the trust store's SSH file and
 * `--ssh-accept-fingerprint`; the CLI cannot ask, so an unknown key is refused.
 */
export function sshArg(args: ParsedArgs): SshOptions | undefined {
  const spec = stringOption(args, 'ssh')
  if (spec === undefined) {
    const stray = ['ssh-key', 'ssh-password-file', 'ssh-known-hosts', 'ssh-accept-fingerprint'].find((o) => args.options.has(o))
    if (stray) throw new UsageError(`--${stray} needs --ssh user@host`)
    return undefined
  }
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(spec)
  if (!m) throw new UsageError(`--ssh: cannot read "${spec}" as user@host[:port]`)
  const username = m[1] ?? process.env.USER ?? process.env.LOGNAME
  if (!username) throw new UsageError('--ssh: give the user name as user@host')
  const sshPort = m[3] !== undefined ? Number(m[3]) : 22
  if (sshPort < 1 || sshPort > 65535) throw new UsageError(`--ssh: port ${m[3]} is out of range`)
  const auth: SshAuth = {
    agent: process.env.SSH_AUTH_SOCK || undefined,
    privateKey: readOptionFile(args, 'ssh-key', 'SSH key'),
    passphrase: process.env.TESSERA_SSH_PASSPHRASE,
    password: readOptionFile(args, 'ssh-password-file', 'SSH password file')?.toString('utf8').split(/\r?\n/)[0],
  }
  if (!auth.agent && !auth.privateKey && auth.password === undefined) {
    throw new UsageError('--ssh needs credentials: --ssh-key FILE, --ssh-password-file FILE, or an ssh-agent (SSH_AUTH_SOCK)')
  }
  const knownHostsFile = stringOption(args, 'ssh-known-hosts') ?? join(homedir(), '.ssh', 'known_hosts')
  let knownHosts: KnownHostEntry[] = []
  if (args.options.has('ssh-known-hosts') || existsSync(knownHostsFile)) {
    knownHosts = parseKnownHosts(readLocalFile(knownHostsFile, 'known hosts file').toString('utf8'))
  }
  const acceptFingerprints = stringOption(args, 'ssh-accept-fingerprint')
    ?.split(',')
    .map((f) => {
      const n = normaliseSshFingerprint(f)
      if (!n) throw new UsageError(`--ssh-accept-fingerprint: "${f}" is not a SHA-256 fingerprint (SHA256:base64 as ssh-keygen -l prints it, or 64 hex digits)`)
      return n
    })
  const dir = stringOption(args, 'trust-store')
  return {
    sshHost: m[2].replace(/^\[|\]$/g, ''),
    sshPort,
    username,
    auth,
    hostKey: { knownHosts, acceptFingerprints, store: dir !== undefined ? new FileTrustStore(dir, SSH_HOSTS_FILE_NAME) : undefined },
  }
}
