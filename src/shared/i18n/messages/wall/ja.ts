import type { Translation } from '../../shape'
import type en from './en'

const ja: Translation<typeof en> = {
  windowTitle: '{title} — ライブウォール — Tessera',
  openSessions: '開いているセッション',
  allConnections: 'すべての接続',
  summary: '{total} 件中 {live} 件がライブ · 画像は約 1 秒ごとに更新されます · クリックすると開きます',
  failed: 'ウォールを表示できません。',
  noSessions: '開いているセッションはありません。',
  emptyFolder: 'このフォルダーには接続がありません。',
  switchTo: '{name} を表示しているウィンドウに切り替えてから操作してください。',
  openFailed: '{name} を開けませんでした。',
  openNamed: '{name} を開く',
  tile: {
    connecting: '接続しています…',
    live: 'ライブ',
    closed: '終了',
    unreachable: '接続できません — 再試行します',
    notAnswering: '応答がありません — 再試行します',
    lost: '接続が切れました — 再試行します',
    tooMany: '監視対象外: タイルが多すぎます',
    failed: '{title} — 開いて理由を確認してください',
  },
}
export default ja
