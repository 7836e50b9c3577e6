import type { Translation } from '../../shape'
import type en from './en'

const ja: Translation<typeof en> = {
  remoteDesktop: 'リモートデスクトップ',
  screenLabel: '{title} のリモート画面です。F8 でセッションメニューを開きます。',
  screenLabelViewOnly: '{title} のリモート画面です（表示のみ）。F8 でセッションメニューを開きます。',
  state: {
    connecting: '接続しています…',
    authenticating: '認証しています…',
    connected: '接続済み',
    reconnecting: '再接続しています…',
    closed: '切断されました',
  },
  security: {
    verified: '暗号化・検証済み（{security}）',
    unverified: '暗号化済み、サーバーの身元は未検証（{security}）',
    plain: '暗号化されていません（{security}）',
  },
  toolbar: {
    label: 'セッション',
    viewOnly: '表示のみ',
    viewOnlyHint: '表示のみ: キーボードとポインターの操作は送信されません',
    menu: 'メニュー',
    menuHint: 'セッションメニュー（F8）',
    fullscreen: '全画面表示',
    leaveFullscreen: '全画面表示を終了',
    reconnect: '再接続',
    reconnectNow: '今すぐ再接続',
  },
  notice: {
    noFullscreen: '全画面表示を利用できません: {reason}',
    noResize: 'リモートデスクトップをウィンドウに合わせられません: {reason}',
    noMonitorMatch: 'リモートデスクトップをお使いのモニターに合わせられません: {reason}',
    screenshotFailed: 'スクリーンショットを保存できませんでした: {reason}',
    profileGone: 'その接続はアドレス帳にもうありません。',
    adoptFailed: 'セッションをここに移動できませんでした: {reason}',
    popupBlocked: 'このウィンドウから別のウィンドウを開けません。ブラウザーがポップアップをブロックしていませんか？',
    moveFailed: 'セッションを移動できませんでした。{reason}。',
    moveTimedOut: '新しいウィンドウがセッションを引き継がなかったため、ここに残ります。',
  },
  link: {
    lost: 'Tessera との接続が切れました。',
    closed: 'Tessera との接続は閉じられています。',
    timeout: 'Tessera から {seconds} 秒以内に応答がありませんでした。',
    ended:
      'Tessera が再起動されたため、このページは使えなくなりました。Tessera が表示した新しいアドレスから開き直してください（ターミナルで Enter キーを押すと新しいアドレスが表示されます）。',
  },
}
export default ja
