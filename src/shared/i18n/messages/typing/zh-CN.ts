import type { Translation } from '../../shape'
import type en from './en'

const zhCN: Translation<typeof en> = {
  menuItem: '键入文本…',
  typeClipboard: '键入剪贴板内容',
  title: '键入文本',
  intro: '将文本作为按键发送，适用于没有剪贴板的 BIOS 界面、安装程序和控制台。',
  textLabel: '要键入的文本',
  pasteLocal: '从剪贴板粘贴',
  pasteRefused: '此处无法读取剪贴板：请将文本粘贴到框中。',
  layoutLabel: '远程键盘布局',
  layoutHint: '此服务器接收物理按键：请选择远程计算机使用的布局。',
  layouts: {
    us: '英语（美国）',
    uk: '英语（英国）',
    de: '德语',
    fr: '法语（AZERTY）',
  },
  speedLabel: '每个按键后的间隔',
  speeds: {
    fast: '短（5 毫秒）',
    normal: '普通（10 毫秒）',
    slow: '长，适用于慢速控制台（40 毫秒）',
  },
  count: '字符数：{count}',
  tooLong: '一次最多可键入 {max} 个字符。',
  untypableLayout: '{layout} 布局没有以下字符的按键：{chars}',
  untypable: '以下字符无法键入：{chars}',
  type: '键入',
  confirmTitle: '要键入较长的文本吗？',
  confirmMessage: '键入 {count} 个字符大约需要 {seconds} 秒。您可以随时停止。',
  confirm: '键入',
  progress: '已键入 {typed} / {total}',
  stop: '停止',
  done: '已键入 {total} 个字符。',
  cancelled: '在 {typed} / {total} 个字符后停止。',
  failed: '在 {typed} / {total} 个字符后停止：会话已断开连接。',
  notConnected: '会话未连接。',
}

export default zhCN
