import type { Translation } from '../../shape'
import type en from './en'

const ja: Translation<typeof en> = {
  mute: '音声をミュート',
  unmute: '音声をオンにする',
  volume: '音量',
  menuMute: '音声ミュート',
  blocked: '音声を聞くには画面をクリックしてください。それまでブラウザーが音声を止めています。',
  stats: '音声',
  statsValue: '{format}、途切れ {underruns} 回、破棄 {dropped} ms',
  stereo: 'ステレオ',
  mono: 'モノラル',
  profileLabel: 'サーバーの音声を再生する',
  profileHint: 'QEMU 仮想マシンは音声をビューアーに送れます。その他のサーバーには送る音声がありません。',
}
export default ja
