/** The session area's words in English, the source every translation follows. */
export default {
  remoteDesktop: 'Remote desktop',
  screenLabel: 'Remote screen of {title}. Press F8 for the session menu.',
  screenLabelViewOnly: 'Remote screen of {title} (view only). Press F8 for the session menu.',
  state: {
    connecting: 'Connecting…',
    authenticating: 'Authenticating…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    closed: 'Disconnected',
  },
  security: {
    verified: 'Encrypted and verified ({security})',
    unverified: 'Encrypted, server identity not verified ({security})',
    plain: 'Not encrypted ({security})',
  },
  toolbar: {
    label: 'Session',
    viewOnly: 'View only',
    viewOnlyHint: 'View only: keys and pointer are not sent',
    menu: 'Menu',
    menuHint: 'Session menu (F8)',
    fullscreen: 'Full screen',
    leaveFullscreen: 'Leave full screen',
    reconnect: 'Reconnect',
    reconnectNow: 'Reconnect now',
  },
  notice: {
    noFullscreen: 'Full screen is not available: {reason}',
    noResize: 'The remote desktop cannot follow the window: {reason}',
    noMonitorMatch: 'The remote desktop cannot match your monitors: {reason}',
    screenshotFailed: 'Could not save the screenshot: {reason}',
    profileGone: 'That connection is no longer in the address book.',
    adoptFailed: 'Could not move the session here: {reason}',
    popupBlocked: 'This window cannot open another window. Is the browser blocking pop-ups?',
    moveFailed: 'Could not move the session. {reason}.',
    moveTimedOut: 'The new window did not take the session; it stays here.',
  },
  link: {
    lost: 'The connection to Tessera was lost.',
    closed: 'The connection to Tessera is closed.',
    timeout: 'Tessera did not answer within {seconds} s.',
    ended:
      'Tessera was restarted, so this page no longer works. Open Tessera again from the new address it printed (press Enter in its terminal for a new one).',
  },
}
