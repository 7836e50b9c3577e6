import type { Translation } from '../../shape'
import type en from './en'

const es: Translation<typeof en> = {}
export default es
