import {
  compile,
  createCoreContext,
  fallbackWithLocaleChain,
  registerLocaleFallbacker,
  registerMessageCompiler,
  registerMessageResolver,
  resolveValue,
  translate,
} from '@intlify/core-base'
import { allMessages } from '@shared/i18n/catalog'
import { type LanguageSetting, type Locale, resolveLanguage } from '@shared/i18n/locales'
import type { shell } from '@shared/i18n/messages/shell'

/*
 * The shell's own words (menus, message boxes) from the same catalog as the renderer (area
 * shell/), through vue-i18n's core (@intlify/core-base, which vue-i18n installs) without Vue:
 * plural rules and {placeholders} work as they do in the windows, and the main bundle carries no
 * Vue runtime.
 */

type Leaves<T, P extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`> }[keyof T & string]

/** A key of the shell area, e.g. "shell.menu.newConnection" (full keys, as the catalog check finds them). */
export type ShellKey = `shell.${Leaves<(typeof shell)['en']>}`

/** Translates a shell key in one language; `count` picks the plural form. */
export type ShellText = (key: ShellKey, named?: Record<string, unknown>, count?: number) => string

// What vue-i18n registers for itself: the message compiler (in Node, no CSP forbids it), dotted key paths, English as the fallback.
registerMessageCompiler(compile)
registerMessageResolver(resolveValue)
registerLocaleFallbacker(fallbackWithLocaleChain)

const context = createCoreContext({ locale: 'en', fallbackLocale: 'en', messages: allMessages(), missingWarn: false, fallbackWarn: false })

/** The shell's words in `locale` (English where a translation lacks a key). */
export function shellText(locale: Locale): ShellText {
  return (key, named = {}, count) => {
    const out = translate(context, key, named, count === undefined ? { locale } : { locale, plural: count })
    return typeof out === 'string' ? out : key
  }
}

/** English: what tests and code paths without a language setting use. */
export const englishText: ShellText = shellText('en')

/** The shell's language for a setting: the chosen one, or the first of the OS's preferred languages Tessera speaks. */
export function shellLocale(setting: LanguageSetting, systemPreferred: readonly string[]): Locale {
  return resolveLanguage(setting, systemPreferred)
}

/**
 * A menu label for `platform`: macOS menus have no access keys, so their `&` marker goes (with
 * the "(&W)" suffix Japanese and Chinese labels carry), and a literal `&&` becomes `&`.
 */
export function menuLabel(label: string, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? label.replace(/\(&[A-Za-z]\)$/, '').replace(/&(&?)/g, '$1') : label
}
