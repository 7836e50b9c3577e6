import type { Translation } from '../../shape'
import type en from './en'

const ja: Translation<typeof en> = {
  cancel: 'キャンセル',
  close: '閉じる',
  ok: 'OK',
  save: '保存',
  connect: '接続',
  disconnect: '切断',
  retry: '再試行',
  details: '詳細',
  yes: 'はい',
  no: 'いいえ',
}
export default ja
