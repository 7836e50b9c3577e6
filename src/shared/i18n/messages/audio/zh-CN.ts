import type { Translation } from '../../shape'
import type en from './en'

const zhCN: Translation<typeof en> = {
  mute: '静音',
  unmute: '打开声音',
  volume: '音量',
  menuMute: '静音',
  blocked: '点击屏幕即可听到声音：在此之前浏览器会暂停声音。',
  stats: '声音',
  statsValue: '{format}，中断 {underruns} 次，丢弃 {dropped} 毫秒',
  stereo: '立体声',
  mono: '单声道',
  profileLabel: '播放服务器的声音',
  profileHint: 'QEMU 虚拟机可以把声音发送到查看器；其他服务器没有声音可发送。',
}
export default zhCN
