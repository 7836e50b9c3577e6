import type { Translation } from '../../shape'
import type en from './en'

const de: Translation<typeof en> = {}
export default de
