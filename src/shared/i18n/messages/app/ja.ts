import type { Translation } from '../../shape'
import type en from './en'

const ja: Translation<typeof en> = {
  launch: {
    nextStep:
      '新しいアドレスを取得するには、tessera web を実行しているターミナルで Enter キーを押すか、tessera web をもう一度起動してください。各アドレスで Tessera を開けるのは 1 分以内に 1 回だけです。',
  },
  announce: {
    connected: '{name} に接続しました',
    lost: '{name} との接続が切れました。再接続しています',
    lostAsk: '{name} との接続が切れました',
    disconnected: '{name} から切断しました',
  },
  monitor: {
    plain: 'モニター {n}、{size}',
    primary: 'モニター {n} (メイン)、{size}',
    all: 'すべてのモニター',
  },
}
export default ja
