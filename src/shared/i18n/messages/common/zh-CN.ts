import type { Translation } from '../../shape'
import type en from './en'

const zhCN: Translation<typeof en> = {
  cancel: '取消',
  close: '关闭',
  ok: '确定',
  save: '保存',
  connect: '连接',
  disconnect: '断开连接',
  retry: '重试',
  details: '详细信息',
  yes: '是',
  no: '否',
}
export default zhCN
