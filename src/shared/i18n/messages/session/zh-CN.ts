import type { Translation } from '../../shape'
import type en from './en'

const zhCN: Translation<typeof en> = {
  remoteDesktop: '远程桌面',
  screenLabel: '{title} 的远程屏幕。按 F8 打开会话菜单。',
  screenLabelViewOnly: '{title} 的远程屏幕（仅查看）。按 F8 打开会话菜单。',
  state: {
    connecting: '正在连接…',
    authenticating: '正在验证身份…',
    connected: '已连接',
    reconnecting: '正在重新连接…',
    closed: '已断开',
  },
  security: {
    verified: '已加密并验证（{security}）',
    unverified: '已加密，服务器身份未验证（{security}）',
    plain: '未加密（{security}）',
  },
  toolbar: {
    label: '会话',
    viewOnly: '仅查看',
    viewOnlyHint: '仅查看：不发送键盘和指针操作',
    menu: '菜单',
    menuHint: '会话菜单（F8）',
    fullscreen: '全屏',
    leaveFullscreen: '退出全屏',
    reconnect: '重新连接',
    reconnectNow: '立即重新连接',
  },
  notice: {
    noFullscreen: '无法使用全屏：{reason}',
    noResize: '远程桌面无法跟随窗口大小：{reason}',
    noMonitorMatch: '远程桌面无法匹配您的显示器：{reason}',
    screenshotFailed: '无法保存屏幕截图：{reason}',
    profileGone: '该连接已不在地址簿中。',
    adoptFailed: '无法将会话移到此处：{reason}',
    popupBlocked: '此窗口无法打开新窗口。浏览器是否阻止了弹出窗口？',
    moveFailed: '无法移动会话。{reason}。',
    moveTimedOut: '新窗口未接管会话，会话留在此处。',
  },
  link: {
    lost: '与 Tessera 的连接已断开。',
    closed: '与 Tessera 的连接已关闭。',
    timeout: 'Tessera 未在 {seconds} 秒内响应。',
    ended: 'Tessera 已重新启动，此页面已无法使用。请通过 Tessera 显示的新地址重新打开（在其终端中按 Enter 可获得新地址）。',
  },
}
export default zhCN
