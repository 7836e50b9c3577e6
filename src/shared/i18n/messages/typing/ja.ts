import type { Translation } from '../../shape'
import type en from './en'

const ja: Translation<typeof en> = {
  menuItem: 'テキストを入力…',
  typeClipboard: 'クリップボードを入力',
  title: 'テキストを入力',
  intro: 'テキストをキー入力として送ります。クリップボードのない BIOS 画面、インストーラー、コンソール向けです。',
  textLabel: '入力するテキスト',
  pasteLocal: 'クリップボードから貼り付け',
  pasteRefused: 'ここではクリップボードを読み取れません。ボックスに貼り付けてください。',
  layoutLabel: 'リモートのキーボード配列',
  layoutHint: 'このサーバーは物理キーを受け取ります。リモートのコンピューターが使う配列を選んでください。',
  layouts: {
    us: '英語 (US)',
    uk: '英語 (UK)',
    de: 'ドイツ語',
    fr: 'フランス語 (AZERTY)',
  },
  speedLabel: 'キーごとの間隔',
  speeds: {
    fast: '短い (5 ms)',
    normal: '標準 (10 ms)',
    slow: '長い、遅いコンソール向け (40 ms)',
  },
  count: '文字数: {count}',
  tooLong: '一度に入力できるのは最大 {max} 文字です。',
  untypableLayout: '{layout} 配列には次の文字のキーがありません: {chars}',
  untypable: '次の文字は入力できません: {chars}',
  type: '入力',
  confirmTitle: '長いテキストを入力しますか?',
  confirmMessage: '{count} 文字の入力には約 {seconds} 秒かかります。いつでも停止できます。',
  confirm: '入力する',
  progress: '{total} 文字中 {typed} 文字を入力済み',
  stop: '停止',
  done: '{total} 文字を入力しました。',
  cancelled: '{total} 文字中 {typed} 文字で停止しました。',
  failed: '{total} 文字中 {typed} 文字で停止しました。セッションが接続されていません。',
  notConnected: 'セッションが接続されていません。',
}

export default ja
