import type { Translation } from '../../shape'
import type en from './en'

const zhCN: Translation<typeof en> = {
  windowTitle: '{title} — 实时墙 — Tessera',
  openSessions: '打开的会话',
  allConnections: '所有连接',
  summary: '{live}/{total} 个实时 · 画面约每秒更新一次 · 点击即可打开',
  failed: '无法显示实时墙。',
  noSessions: '没有打开的会话。',
  emptyFolder: '此文件夹中没有连接。',
  switchTo: '请切换到显示 {name} 的窗口后再使用。',
  openFailed: '无法打开 {name}。',
  openNamed: '打开 {name}',
  tile: {
    connecting: '正在连接…',
    live: '实时',
    closed: '已关闭',
    unreachable: '无法访问 — 正在重试',
    notAnswering: '无响应 — 正在重试',
    lost: '连接已断开 — 正在重试',
    tooMany: '未监看：磁贴过多',
    failed: '{title} — 打开以查看原因',
  },
}
export default zhCN
