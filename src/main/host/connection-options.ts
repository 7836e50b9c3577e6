import { Encoding, PIXEL_ENCODINGS } from '@shared/encodings'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { type ConnectionProfile, DEFAULT_SECURITY, type SshTunnel } from '@shared/profile'
import { utils as sshUtils } from 'ssh2'
import { DEFAULT_ENCODINGS, createDecoders } from '../rfb/decoders'
import { UnsupportedError } from '../rfb/errors'
import type { SecurityOptions, SecurityPolicy } from '../rfb/security/policy'
import type { SshAuth, SshOptions } from '../rfb/transport/ssh'
import type { HostKeyOptions } from '../rfb/trust/host-key'
import { type KnownHostEntry, parseKnownHosts } from '../rfb/trust/known-hosts'
import type { CertificateStore } from '../rfb/trust/store'

/** The secret an SSH login asks the user for. */
export type SshSecretKind = 'ssh-password' | 'ssh-passphrase'

/**
 * The profile's security policy, the protection it reached before, whether it lets a password
 * travel in clear, the trust store, and the profile's extra CA file, read afresh
 * for every attempt. Throws UnsupportedError (`HOST_CA_FILE`) for a CA file that cannot be read
 * or holds no certificate, without echoing its contents.
 */
export async function securityOptions(p: ConnectionProfile | null, store: CertificateStore): Promise<SecurityOptions> {
  const policy: SecurityPolicy = p?.security ?? DEFAULT_SECURITY
  const security: SecurityOptions = { policy, trust: { store } }
  // What this server reached before, and the user's consent to a password in clear (security/policy.ts).
  if (p?.protection !== undefined) security.expected = p.protection
  if (p?.allowPlainPassword) security.allowPlainPassword = true
  if (p?.caFile) {
    let pem: string
    try {
      pem = await readFile(p.caFile, 'utf8')
    } catch (e) {
      throw new UnsupportedError(`cannot read the CA file ${p.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'HOST_CA_FILE')
    }
    // Never echo the contents: the path could name any file.
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UnsupportedError(`the CA file ${p.caFile} holds no PEM certificate`, 'HOST_CA_FILE')
    security.trust!.ca = pem
  }
  return security
}

/**
 * The SSH login a tunnel describes, before any secret: the agent socket or the key file read
 * from disk, and which secret the user must still supply (null: none). Throws UnsupportedError
 * when the agent is missing (`HOST_SSH_AGENT`) or the key file is unusable (`HOST_SSH_KEY_FILE`).
 */
export async function sshLogin(t: SshTunnel, agent: string | undefined): Promise<{ auth: SshAuth; needs: SshSecretKind | null }> {
  const auth: SshAuth = {}
  if (t.auth === 'agent') {
    if (!agent)
      throw new UnsupportedError('no ssh-agent is running (SSH_AUTH_SOCK is not set); choose a key file or a password for the SSH login', 'HOST_SSH_AGENT')
    auth.agent = agent
    return { auth, needs: null }
  }
  if (t.auth !== 'key') return { auth, needs: 'ssh-password' }
  let key: Buffer
  try {
    // "~/.ssh/id_ed25519" as people write it.
    key = await readFile((t.keyFile ?? '').replace(/^~(?=[/\\])/, homedir()))
  } catch (e) {
    throw new UnsupportedError(`cannot read the SSH key file ${t.keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'HOST_SSH_KEY_FILE')
  }
  auth.privateKey = key
  const parsed = sshUtils.parseKey(key)
  if (!(parsed instanceof Error)) return { auth, needs: null }
  // Never echo the contents: the path could name any file.
  if (!/passphrase|encrypted/i.test(parsed.message))
    throw new UnsupportedError(`the SSH key file ${t.keyFile} holds no usable private key`, 'HOST_SSH_KEY_FILE')
  return { auth, needs: 'ssh-passphrase' }
}

/**
 * A tunnel's options: the login (see {@link sshLogin}) with its secret from `secretFor` when the
 * method needs one, and the host key check `hostKey` (made once the secret is in, so the
 * known_hosts file is read as late as possible). Null when the user cancelled the secret's prompt.
 */
export async function sshTunnelOptions(
  t: SshTunnel,
  agent: string | undefined,
  secretFor: (kind: SshSecretKind) => Promise<string | null>,
  hostKey: () => HostKeyOptions,
): Promise<{ ssh: SshOptions; kind: SshSecretKind | null } | null> {
  const { auth, needs: kind } = await sshLogin(t, agent)
  if (kind) {
    const secret = await secretFor(kind)
    if (secret === null) return null
    if (kind === 'ssh-password') auth.password = secret
    else auth.passphrase = secret
  }
  return { ssh: { sshHost: t.host, sshPort: t.port, username: t.username, auth, hostKey: hostKey() }, kind }
}

/**
 * The profile's encoding choice as SetEncodings numbers, keeping only what this build decodes.
 * Open H.264 goes first for 'auto' when the renderer decodes it (`h264`): it is the one that keeps
 * full-screen motion usable on a slow link, and a server without it skips it. A custom list keeps
 * it where the user put it, and only then: a renderer without H.264 (or a wall tile, decoded by
 * the host) never gets it announced.
 */
export function encodingsOf(p: ConnectionProfile | null, h264 = false): readonly number[] {
  if (!p || p.encodings === 'auto') return h264 ? [Encoding.OpenH264, ...DEFAULT_ENCODINGS] : DEFAULT_ENCODINGS
  const have = createDecoders()
  const usable = (e: number | undefined): e is number => e !== undefined && have.has(e) && (h264 || e !== Encoding.OpenH264)
  const chosen = p.encodings.map((n) => PIXEL_ENCODINGS[n.toLowerCase()]).filter(usable)
  // CopyRect is nearly free and always worth having; Raw keeps a server with none of the rest usable.
  for (const e of [Encoding.CopyRect, Encoding.Raw]) if (!chosen.includes(e)) chosen.push(e)
  return chosen
}

/** The entries of an OpenSSH known_hosts file (read afresh each time); none when there is no file or it cannot be read (logged). */
export function readKnownHosts(file: string | undefined, log: (message: string) => void): KnownHostEntry[] {
  if (!file) return []
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`cannot read ${file}: ${(e as Error).message}`)
    return []
  }
  return parseKnownHosts(text)
}
