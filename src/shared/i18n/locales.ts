/**
 * The languages Tessera's interface is translated into, and how a user's preferred languages
 * (the OS's, or the browser's in browser mode) pick one. Shared by the renderer and the shell.
 */

/** Every language with a full translation; English is the source and the fallback. */
export const SUPPORTED_LOCALES = ['en', 'de', 'fr', 'es', 'ja', 'zh-CN'] as const

export type Locale = (typeof SUPPORTED_LOCALES)[number]

/** What the language setting stores: a language, or "follow the system". */
export type LanguageSetting = Locale | 'system'

/** Each language's name in itself, as a language menu shows it (not translated on purpose). */
export const LANGUAGE_NAMES: Record<Locale, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  ja: '日本語',
  'zh-CN': '简体中文',
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(v)
}

export function isLanguageSetting(v: unknown): v is LanguageSetting {
  return v === 'system' || isLocale(v)
}

/**
 * The best supported language for a list of BCP 47 tags in order of preference ("de-AT",
 * "zh-Hans-CN", "fr"): an exact match first, then the same language; any Chinese but
 * Traditional-script tags takes Simplified Chinese. English when nothing matches.
 */
export function matchLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const lower = tag.toLowerCase()
    const exact = SUPPORTED_LOCALES.find((l) => l.toLowerCase() === lower)
    if (exact) return exact
    const language = lower.split(/[-_]/)[0]
    if (language === 'zh') {
      if (/hant|-tw|-hk|-mo/.test(lower)) continue
      return 'zh-CN'
    }
    const same = SUPPORTED_LOCALES.find((l) => l === language)
    if (same) return same
  }
  return 'en'
}

/** The language a setting means, given the system's preferred languages. */
export function resolveLanguage(setting: LanguageSetting, systemPreferred: readonly string[]): Locale {
  return setting === 'system' ? matchLocale(systemPreferred) : setting
}
