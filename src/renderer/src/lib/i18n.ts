import { createI18n } from 'vue-i18n'
import { allMessages, type MessageSchema } from '@shared/i18n/catalog'
import { type LanguageSetting, type Locale, resolveLanguage } from '@shared/i18n/locales'

/*
 * The renderer's translations (vue-i18n, Composition API). Components use `$t` with an "area.key" in
 * templates or `useI18n().t` in scripts; plain modules (stores, lib) use `t` from here. Plurals
 * use vue-i18n's "one | many" form with Intl's plural rules; dates and "minutes ago" go through
 * `Intl` with the current locale (see formatRelative).
 */

declare module 'vue-i18n' {
  // Typed keys for $t and useI18n().t: a key missing from the English catalog fails vue-tsc.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefineLocaleMessage extends MessageSchema {}
}

/** The browser's (in Electron: the OS's) preferred languages. */
function systemLanguages(): readonly string[] {
  return globalThis.navigator?.languages?.length ? globalThis.navigator.languages : [globalThis.navigator?.language ?? 'en']
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: resolveLanguage('system', systemLanguages()),
  fallbackLocale: 'en',
  messages: allMessages(),
  missingWarn: false,
  fallbackWarn: false,
})

/** Translates a key outside components (stores, plain modules); the same lookup as `$t`. */
export const t = i18n.global.t

/** The language the interface is in now. */
export function currentLocale(): Locale {
  return i18n.global.locale.value
}

/** Switches the interface language (a setting, or "system"); the page's lang attribute follows for screen readers. */
export function applyLanguage(setting: LanguageSetting): Locale {
  const locale = resolveLanguage(setting, systemLanguages())
  i18n.global.locale.value = locale
  if (globalThis.document) globalThis.document.documentElement.lang = locale
  return locale
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
]

/** "3 minutes ago", "yesterday", in the interface language, for a time before (or after) `now`. */
export function formatRelative(when: Date | number, now: number = Date.now()): string {
  const ms = (typeof when === 'number' ? when : when.getTime()) - now
  const rtf = new Intl.RelativeTimeFormat(currentLocale(), { numeric: 'auto' })
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size || unit === 'second') return rtf.format(Math.round(ms / size), unit)
  }
  return rtf.format(0, 'second')
}

/** A date and time in the interface language's usual form. */
export function formatDateTime(when: Date | number, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return new Intl.DateTimeFormat(currentLocale(), options).format(when)
}
