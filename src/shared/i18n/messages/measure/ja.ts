import type { Translation } from '../../shape'
import type en from './en'

const ja: Translation<typeof en> = {
  command: 'パフォーマンスを測定…',
  title: 'パフォーマンスを測定',
  intro:
    'Tessera はリモート画面の画像と同じ経路で、全画面の画像をエンジンからこのウィンドウへ送り、1 回ごとに時間を測ります。続いて、画像が Tessera 内部で行うコピーの時間を測ります。数秒かかります。その間、開いている接続が遅くなることがあります。',
  start: '開始',
  again: 'もう一度測定',
  running: '測定中…',
  cancelled: '測定を中止しました。',
  transport: '経路',
  transportElectron: 'デスクトップアプリ（Electron IPC）',
  transportWebSocket: 'ブラウザー（WebSocket）',
  frame: '画像: {width} × {height}、{mb} MB、{passes} 回測定',
  received: '画像がこのウィンドウに届くまで',
  painted: '画像がこのウィンドウに届いて描画されるまで',
  copies: 'Tessera 内部のコピー（画像 1 枚）',
  what: '項目',
  median: '標準 (ms)',
  fastest: '最速 (ms)',
  rate: 'MB/s',
  figureLine: '標準 {median} ms、最速 {fastest} ms、{rate} MB/s',
  copy: '結果をコピー',
  copied: '結果をコピーしました。バグ報告に貼り付けられます。',
  copyFailed: 'ここではクリップボードを使えません。結果を選択して手動でコピーしてください。',
  step: {
    detach: '新しいメモリへのコピー',
    reuse: '再利用するメモリへのコピー（Tessera の方式）',
    serialize: 'アプリのウィンドウ向けの梱包（デスクトップアプリ）',
    deserialize: 'ウィンドウでの開梱（デスクトップアプリ）',
    clone: 'ページへの受け渡し（デスクトップアプリ）',
    wsEncode: 'ブラウザー向けの梱包（ブラウザーモード）',
    canvasCopy: '画面サイズの画像へのコピー',
    portCopied: '別スレッドへの往復（コピー）',
    portMoved: '別スレッドへの往復（受け渡し）',
  },
}

export default ja
