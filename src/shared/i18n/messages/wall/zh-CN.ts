import type { Translation } from '../../shape'
import type en from './en'

const zhCN: Translation<typeof en> = {}
export default zhCN
