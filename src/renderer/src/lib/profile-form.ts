import { FINE_QUALITY_MAX, PIXEL_ENCODINGS, type Subsampling } from '@shared/encodings'
import { COLOUR_DEPTHS, type ConnectionProfile, type ScalingMode, type SecurityChoice, type SshAuthMethod, type SshTunnel } from '@shared/profile'
import { profileFields, profileSchema, sshTunnelFields, sshTunnelSchema } from '@shared/schemas'
import { DEFAULT_REPEATER_PORT, DEFAULT_VNC_PORT, type RepeaterHop, isRepeaterId, parseRepeater, parseTarget } from '@shared/target'
import { type Schema, ValidationError } from '@shared/validate'
import { t } from './i18n'

/**
 * The connection dialog's fields as the user edits them (numbers as typed text, "automatic" as
 * its own choice), and the two mappings between them and a saved profile. Which values are
 * valid is the shared schemas' call; this module only puts their verdict into words.
 */

/** The SSH tunnel section of the form. */
export interface SshForm {
  enabled: boolean
  host: string
  port: string
  user: string
  auth: SshAuthMethod
  keyFile: string
}

/** Every field of the connection dialog. */
export interface ProfileForm {
  name: string
  /** A host, `unix:/path` (a Unix socket) or, with a repeater, `ID:1234`. */
  host: string
  port: string
  /** The UltraVNC repeater in front of the server, `host[:port]`; empty: none. */
  repeater: string
  username: string
  group: string
  notes: string
  savePassword: boolean
  viewOnly: boolean
  shared: boolean
  /** Play the server's sound (saved only when off: absent means on). */
  audio: boolean
  encodingsMode: 'auto' | 'custom'
  /** The preferred encodings as typed: names separated by commas or spaces. */
  encodings: string
  /** 'auto' or a level '0'-'9'. */
  quality: string
  /** Empty (the level decides) or a whole number as typed. */
  fineQuality: string
  subsampling: Subsampling | 'default'
  /** 'auto' or a level '0'-'9'. */
  compression: string
  /** 'auto' or a depth in bits. */
  colourDepth: string
  scaling: ScalingMode
  security: SecurityChoice
  caFile: string
  tls: boolean
  /** Let the password go unencrypted to a server that offers only VeNCrypt Plain. */
  allowPlainPassword: boolean
  ssh: SshForm
}

/** Problems to show beside their fields; empty strings where the field is fine. */
export interface FormErrors {
  host: string
  port: string
  repeater: string
  encodings: string
  fineQuality: string
  ssh: string
}

/** Offered when a user switches to an explicit list: the engine's usual order. */
const DEFAULT_ENCODING_TEXT = 'tight, zrle, hextile, raw'
const DEFAULT_SSH_PORT = 22

/** The form showing a saved (or new) profile. */
export function profileToForm(p: ConnectionProfile): ProfileForm {
  return {
    name: p.name,
    host: p.unixPath !== undefined ? `unix:${p.unixPath}` : p.host,
    port: String(p.port || DEFAULT_VNC_PORT),
    repeater: p.repeater ? formatHop(p.repeater) : '',
    username: p.username ?? '',
    group: p.group,
    notes: p.notes,
    savePassword: p.savePassword,
    viewOnly: p.viewOnly,
    shared: p.shared,
    audio: p.audio !== false,
    encodingsMode: p.encodings === 'auto' ? 'auto' : 'custom',
    encodings: p.encodings === 'auto' ? DEFAULT_ENCODING_TEXT : p.encodings.join(', '),
    quality: p.quality === null ? 'auto' : String(p.quality),
    fineQuality: p.fineQuality === undefined ? '' : String(p.fineQuality),
    subsampling: p.subsampling ?? 'default',
    compression: p.compression === null ? 'auto' : String(p.compression),
    colourDepth: String(p.colourDepth),
    scaling: p.scaling,
    security: p.security,
    caFile: p.caFile ?? '',
    tls: !!p.tls,
    allowPlainPassword: !!p.allowPlainPassword,
    ssh: {
      enabled: !!p.ssh,
      host: p.ssh?.host ?? '',
      port: String(p.ssh?.port ?? DEFAULT_SSH_PORT),
      user: p.ssh?.username ?? '',
      auth: p.ssh?.auth ?? 'agent',
      keyFile: p.ssh?.keyFile ?? '',
    },
  }
}

/** A repeater as the form shows it: the port only when it is not UltraVNC's 5901. */
function formatHop(r: RepeaterHop): string {
  const host = r.host.includes(':') ? `[${r.host}]` : r.host
  return r.port === DEFAULT_REPEATER_PORT ? host : `${host}:${r.port}`
}

/** True when the profile uses any option under the dialog's "Advanced" section (it then starts open). */
export function usesAdvancedOptions(p: ConnectionProfile): boolean {
  return (
    p.encodings !== 'auto' ||
    p.quality !== null ||
    p.compression !== null ||
    p.colourDepth !== 'auto' ||
    p.fineQuality !== undefined ||
    p.subsampling !== undefined
  )
}

/**
 * What a host field holding "host:1", "host::5901", "user@host", a vnc:// URL or
 * "repeater/ID:1234" also says: the fields to update (host, port, the repeater, and the username
 * and TLS when the form has none yet). Empty when the text is a plain host name, a Unix socket,
 * a repeater ID, or cannot be read (the host error then explains).
 */
export function splitHostField(form: Pick<ProfileForm, 'host' | 'username'>): Partial<Pick<ProfileForm, 'host' | 'port' | 'username' | 'tls' | 'repeater'>> {
  const text = form.host.trim()
  if (!text || (!text.includes(':') && !text.includes('@') && !text.includes('/')) || isRepeaterId(text)) return {}
  let t
  try {
    t = parseTarget(text)
  } catch {
    return {}
  }
  if (t.unixPath !== undefined) return {}
  const fields: Partial<Pick<ProfileForm, 'host' | 'port' | 'username' | 'tls' | 'repeater'>> = { host: t.host, port: String(t.port || DEFAULT_VNC_PORT) }
  if (t.repeater) fields.repeater = formatHop(t.repeater)
  if (t.username && !form.username) fields.username = t.username
  if (t.tls) fields.tls = true
  return fields
}

/** The explicit encodings as typed: lower case, in order, without repeats. */
export function encodingList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ]
}

/** The problem `schema` finds in `value`, or '' (for checks whose words depend on the kind of problem). */
function problemOf(schema: Schema<unknown>, value: unknown): string {
  try {
    schema.parse(value)
    return ''
  } catch (e) {
    if (e instanceof ValidationError) return e.problem
    throw e
  }
}

const accepts = (schema: Schema<unknown>, value: unknown): boolean => problemOf(schema, value) === ''

/** Text typed as a whole number, or NaN (which every number schema refuses). */
const wholeNumber = (text: string): number => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN)

function hostError(text: string, repeater: string): string {
  const unix = /^unix:/i.test(text.trim()) || text.trim().startsWith('/')
  if (unix || isRepeaterId(text.trim())) {
    try {
      parseTarget(text, repeater.trim() && !unix ? { repeater: parseRepeater(repeater) } : {})
    } catch (e) {
      return isRepeaterId(text.trim()) ? t('book.form.repeaterIdNeedsRepeater') : `${(e as Error).message}.`
    }
    return unix && repeater.trim() ? t('book.form.unixNoRepeater') : ''
  }
  const problem = problemOf(profileFields.host, text.trim())
  if (!problem) return ''
  if (problem === 'must not be empty') return t('book.form.hostEmpty')
  if (problem === 'has an invalid format') return t('book.form.hostFormat')
  return t('book.form.hostOther', { problem })
}

function repeaterError(text: string): string {
  if (!text.trim()) return ''
  try {
    parseRepeater(text)
    return ''
  } catch {
    return t('book.form.repeaterFormat')
  }
}

function encodingsError(form: ProfileForm): string {
  if (form.encodingsMode === 'auto') return ''
  const names = encodingList(form.encodings)
  if (!names.length) return t('book.form.encodingsEmpty')
  const unknown = names.filter((n) => !Object.hasOwn(PIXEL_ENCODINGS, n))
  if (unknown.length) return t('book.form.encodingsUnknown', { names: unknown.join(', ') })
  const problem = problemOf(profileFields.encodings, names)
  return problem ? t('book.form.encodingsOther', { problem }) : ''
}

function sshError(ssh: SshForm): string {
  if (!ssh.enabled) return ''
  if (!accepts(sshTunnelFields.host, ssh.host.trim())) return t('book.form.sshHost')
  if (!accepts(sshTunnelFields.port, wholeNumber(ssh.port))) return t('book.form.sshPort')
  if (!accepts(sshTunnelFields.username, ssh.user.trim())) return t('book.form.sshUser')
  if (ssh.auth === 'key' && !ssh.keyFile.trim()) return t('book.form.sshKey')
  const problem = problemOf(sshTunnelSchema, sshTunnel(ssh))
  return problem ? t('book.form.sshKeyOther', { problem }) : ''
}

/** Each field's problem in words, checked by the same schemas the host applies. */
export function formErrors(form: ProfileForm): FormErrors {
  const fine = form.fineQuality.trim()
  return {
    host: hostError(form.host, form.repeater),
    port: accepts(profileFields.port, wholeNumber(form.port)) ? '' : t('book.form.port'),
    repeater: repeaterError(form.repeater),
    encodings: encodingsError(form),
    fineQuality: !fine || accepts(profileFields.fineQuality, wholeNumber(fine)) ? '' : t('book.form.fineQuality', { max: FINE_QUALITY_MAX }),
    ssh: sshError(form.ssh),
  }
}

function sshTunnel(ssh: SshForm): SshTunnel {
  const tunnel: SshTunnel = { host: ssh.host.trim(), port: Number(ssh.port), username: ssh.user.trim(), auth: ssh.auth }
  if (ssh.auth === 'key') tunnel.keyFile = ssh.keyFile.trim()
  return tunnel
}

const levelOf = (text: string): number | null => (text === 'auto' ? null : Number(text))

/** How the rest of a profile's fields are named in a sentence, for problems no field shows (looked up when used). */
const FIELD_NAMES: Partial<Record<keyof ConnectionProfile, () => string>> = {
  name: () => t('book.form.field.name'),
  username: () => t('book.form.field.username'),
  group: () => t('book.form.field.group'),
  notes: () => t('book.form.field.notes'),
  caFile: () => t('book.form.field.caFile'),
  unixPath: () => t('book.form.field.unixPath'),
}

/**
 * The profile the form describes: `base` with every field the form edits replaced (optional
 * ones left out when empty), or a sentence saying what the shared profile schema refuses. Call
 * only when `formErrors` found nothing. The password is only kept when it can be stored safely.
 */
export function formToProfile(
  base: ConnectionProfile,
  form: ProfileForm,
  opts: { canStorePasswords: boolean },
): { profile: ConnectionProfile } | { error: string } {
  const typed = form.host.trim()
  const unix = /^unix:/i.test(typed) ? typed.slice(5) : typed.startsWith('/') ? typed : undefined
  // A socket has no host name; "localhost" keeps the profile readable by older Tessera.
  const host = unix !== undefined ? 'localhost' : typed
  const {
    username: _u,
    fineQuality: _f,
    subsampling: _s,
    caFile: _c,
    tls: _t,
    allowPlainPassword: _a,
    ssh: _h,
    repeater: _r,
    unixPath: _p,
    audio: _au,
    ...kept
  } = base
  const profile: ConnectionProfile = {
    ...kept,
    name: form.name.trim() || typed,
    host,
    port: Number(form.port),
    group: form.group.trim(),
    notes: form.notes,
    savePassword: opts.canStorePasswords && form.savePassword,
    viewOnly: form.viewOnly,
    shared: form.shared,
    encodings: form.encodingsMode === 'auto' ? 'auto' : encodingList(form.encodings),
    quality: levelOf(form.quality),
    compression: levelOf(form.compression),
    colourDepth: COLOUR_DEPTHS.find((d) => String(d) === form.colourDepth) ?? 'auto',
    scaling: form.scaling,
    security: form.security,
  }
  const fine = form.fineQuality.trim()
  if (fine) profile.fineQuality = Number(fine)
  if (form.subsampling !== 'default') profile.subsampling = form.subsampling
  const caFile = form.caFile.trim()
  if (caFile) profile.caFile = caFile
  if (form.tls) profile.tls = true
  if (!form.audio) profile.audio = false
  if (form.allowPlainPassword) profile.allowPlainPassword = true
  if (form.ssh.enabled) profile.ssh = sshTunnel(form.ssh)
  if (unix !== undefined) profile.unixPath = unix
  else if (form.repeater.trim()) profile.repeater = parseRepeater(form.repeater)
  const user = form.username.trim()
  if (user) profile.username = user
  try {
    profileSchema.parse(profile, 'profile')
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e
    const field = e.path.split('.')[1] as keyof ConnectionProfile
    return { error: t('book.form.fieldProblem', { field: FIELD_NAMES[field]?.() ?? e.path, problem: e.problem }) }
  }
  return { profile }
}
