import type { Locale } from '../../locales'
import type { Translation } from '../../shape'
import de from './de'
import en from './en'
import es from './es'
import fr from './fr'
import ja from './ja'
import zhCN from './zh-CN'

/** The measure area in every supported language. */
export const measure: Record<Locale, Translation<typeof en>> & { en: typeof en } = { en, de, fr, es, ja, 'zh-CN': zhCN }
