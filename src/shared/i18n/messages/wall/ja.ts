import type { Translation } from '../../shape'
import type en from './en'

const ja: Translation<typeof en> = {}
export default ja
