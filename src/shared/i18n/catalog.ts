import type { Locale } from './locales'
import { SUPPORTED_LOCALES } from './locales'
import { app } from './messages/app'
import { audio } from './messages/audio'
import { book } from './messages/book'
import { common } from './messages/common'
import { dialogs } from './messages/dialogs'
import { errors } from './messages/errors'
import { measure } from './messages/measure'
import { prefs } from './messages/prefs'
import { recording } from './messages/recording'
import { session } from './messages/session'
import { shell } from './messages/shell'
import { typing } from './messages/typing'
import { files } from './messages/files'
import { wall } from './messages/wall'

/*
 * Every user-facing string, by area (one folder per area under messages/, one file per
 * language), so translators and developers each touch one small file. Keys are looked up as
 * "area.key"; English is the fallback for anything a translation has not reached yet.
 */
const AREAS = { common, app, book, session, dialogs, errors, prefs, shell, wall, typing, recording, audio, files, measure }

/** The English catalog's shape: what every key is, for typed lookups. */
export type MessageSchema = { [A in keyof typeof AREAS]: (typeof AREAS)[A]['en'] }

/** All messages of one language, keyed by area. */
export function messagesFor(locale: Locale): MessageSchema {
  const out: Record<string, unknown> = {}
  for (const [name, area] of Object.entries(AREAS)) out[name] = area[locale]
  return out as MessageSchema
}

/** The whole catalog, for i18n libraries that take every language at once. */
export function allMessages(): Record<Locale, MessageSchema> {
  return Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, messagesFor(l)])) as Record<Locale, MessageSchema>
}
