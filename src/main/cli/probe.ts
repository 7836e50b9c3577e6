import { formatTarget } from '@shared/target'
import { encodingName } from '@shared/encodings'
import { connectRfb } from '../rfb/connect'
import { FramebufferSink } from '../rfb/framebuffer'
import { decodeImageNode } from '../rfb/images/node-image-decoder'
import { describePixelFormat } from '../rfb/pixel-format'
import { securityTypeName } from '../rfb/security/security-handler'
import type { UpdateStats } from '../rfb/session'
import { parseCommandArgs } from './command-specs'
import { credentialsFrom, encodingsArg, tuningArgs, securityArg, sshArg, targetArg, timeoutArg } from './session-options'
import { quotable } from '../rfb/text'

/** `tessera probe TARGET [--trace]`: what the server is, and with --trace every message both ways. */
export async function probeCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs('probe', argv)
  const target = targetArg(args.positional[0], args)
  const traceOn = args.options.has('trace')
  const started = performance.now()
  const trace = traceOn
    ? (dir: 'in' | 'out', line: string) => out(`${((performance.now() - started) / 1000).toFixed(3)} ${dir === 'in' ? 'S>C' : 'C>S'} ${line}`)
    : undefined
  const timeoutMs = timeoutArg(args, 15)
  // The first update (or the end) may come in the same chunk as ServerInit, before the connect resolves.
  let firstUpdate: UpdateStats | null | undefined
  let seen: () => void = () => {}
  const { client, info } = await connectRfb(target, {
    sink: new FramebufferSink(decodeImageNode),
    encodings: encodingsArg(args),
    ...tuningArgs(args),
    autoUpdate: false,
    credentials: credentialsFrom(args, target),
    trace,
    connectTimeoutMs: timeoutMs,
    handshakeTimeoutMs: timeoutMs,
    security: securityArg(args),
    ssh: sshArg(args),
    onClient: (c) => {
      c.once('update', (u) => ((firstUpdate ??= u), seen()))
      c.once('close', () => ((firstUpdate ??= null), seen()))
    },
  })
  out(`server:     ${target.unixPath !== undefined || target.repeater ? formatTarget(target) : `${target.host}:${target.port}`}`)
  out(`version:    ${info.serverVersion} (speaking 3.${info.minor})`)
  out(`security:   offered ${info.offeredSecurity.map(securityTypeName).join(', ')}; used ${info.securityName ?? securityTypeName(info.securityType)}`)
  out(
    `encryption: ${
      info.tls
        ? `${info.tls.protocol} ${info.tls.cipher}`
        : info.ssh
          ? `SSH tunnel through ${info.ssh.server}`
          : info.serverKey && info.encrypted
            ? `${info.securityName} (AES-EAX)`
            : 'none (the session can be read and altered on the way)'
    }`,
  )
  const key = info.serverKey
  if (key)
    out(
      `server key: ${key.algorithm} SHA-256 ${key.fingerprintSha256} (short ${key.shortFingerprint}; ${key.how === 'unverified' ? 'NOT verified' : key.how === 'once' ? 'accepted for this connection only' : `verified (${key.how})`})`,
    )
  if (info.ssh) out(`ssh host:   ${info.ssh.hostKey.algorithm} ${info.ssh.hostKey.fingerprintSha256} (verified by ${info.ssh.hostKey.how})`)
  const cert = info.certificate
  if (cert) {
    const how = { ca: 'by a certificate authority', pinned: 'by the trust store', accepted: 'by you', once: '', unverified: '' }
    const v = info.serverVerification ?? 'unverified'
    // A certificate accepted for one connection only is not verified, whatever the handshake allowed.
    out(`server id:  ${v === 'once' ? 'NOT verified (accepted for this connection only)' : info.serverVerified ? `verified ${how[v]}` : 'NOT verified'}`)
    out(`cert:       SHA-256 ${cert.sha256}`)
    out(`            ${cert.subject}, issued by ${cert.issuer}${cert.selfSigned ? ' (self-signed)' : ''}`)
    out(`            valid ${cert.validFrom} to ${cert.validTo}${cert.hostnameMatches ? '' : `; does not name ${target.host}`}`)
  } else if (info.tls) {
    out('server id:  NOT verified (anonymous TLS: no certificate)')
  }
  out(`desktop:    "${quotable(info.init.name)}" ${info.init.width}x${info.init.height}`)
  out(`server pf:  ${describePixelFormat(info.init.pixelFormat)}`)
  if (traceOn) {
    // Show the first update too, so the trace covers the normal phase.
    if (firstUpdate === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs)
        seen = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    const u = firstUpdate as UpdateStats | null | undefined
    if (u) out(`first update: ${u.rects} rects, ${u.bytes} bytes, ${u.encodings.map(encodingName).join(', ')}`)
  }
  client.close()
  return 0
}
