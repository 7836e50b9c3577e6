import type { Translation } from '../../shape'
import type en from './en'

const fr: Translation<typeof en> = {}
export default fr
