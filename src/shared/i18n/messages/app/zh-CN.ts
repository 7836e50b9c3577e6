import type { Translation } from '../../shape'
import type en from './en'

const zhCN: Translation<typeof en> = {
  launch: {
    nextStep: '如需新地址，请在运行 tessera web 的终端中按回车键，或重新启动 tessera web。每个地址只能在一分钟内打开 Tessera 一次。',
  },
  announce: {
    connected: '已连接到 {name}',
    lost: '与 {name} 的连接已断开，正在重新连接',
    lostAsk: '与 {name} 的连接已断开',
    disconnected: '已断开与 {name} 的连接',
  },
  monitor: {
    plain: '显示器 {n}，{size}',
    primary: '显示器 {n}（主显示器），{size}',
    all: '所有显示器',
  },
}
export default zhCN
