import type { Translation } from '../../shape'
import type en from './en'

const zhCN: Translation<typeof en> = {
  command: '测量性能…',
  title: '测量性能',
  intro:
    'Tessera 会按照远程屏幕画面的传输路径，把一幅全屏画面从引擎发送到此窗口，并为每一次计时。随后测量一幅画面在 Tessera 内部的各次复制。需要几秒钟；在此期间，打开的连接可能会变慢。',
  start: '开始',
  again: '重新测量',
  running: '正在测量…',
  cancelled: '测量已停止。',
  transport: '通道',
  transportElectron: '桌面应用（Electron IPC）',
  transportWebSocket: '浏览器（WebSocket）',
  frame: '画面：{width} × {height}，{mb} MB，计时 {passes} 次',
  received: '画面到达此窗口',
  painted: '画面到达此窗口并绘制完成',
  copies: 'Tessera 内部的复制（一幅画面）',
  what: '项目',
  median: '典型 (ms)',
  fastest: '最快 (ms)',
  rate: 'MB/s',
  figureLine: '典型 {median} ms，最快 {fastest} ms，{rate} MB/s',
  copy: '复制结果',
  copied: '结果已复制。可以粘贴到错误报告中。',
  copyFailed: '此处无法使用剪贴板。请选中结果并手动复制。',
  step: {
    detach: '复制到新内存',
    reuse: '复制到复用的内存（Tessera 的做法）',
    serialize: '为应用窗口打包（桌面应用）',
    deserialize: '在窗口中解包（桌面应用）',
    clone: '交给页面（桌面应用）',
    wsEncode: '为浏览器打包（浏览器模式）',
    canvasCopy: '复制到屏幕大小的画面',
    portCopied: '发往另一线程并返回（复制）',
    portMoved: '发往另一线程并返回（移交）',
  },
}

export default zhCN
