/** The wall area's words in English, the source every translation follows. */
export default {
  windowTitle: '{title} — live wall — Tessera',
  openSessions: 'Open sessions',
  allConnections: 'All connections',
  summary: '{live} of {total} live · pictures update about once a second · click one to open it',
  failed: 'The wall could not be shown.',
  noSessions: 'No sessions are open.',
  emptyFolder: 'This folder has no connections.',
  switchTo: 'Switch to the window showing {name} to use it.',
  openFailed: 'Could not open {name}.',
  openNamed: 'Open {name}',
  tile: {
    connecting: 'Connecting…',
    live: 'Live',
    closed: 'Closed',
    unreachable: 'Not reachable — retrying',
    notAnswering: 'Not answering — retrying',
    lost: 'Connection lost — retrying',
    tooMany: 'Not watched: too many tiles',
    failed: '{title} — open it to see why',
  },
}
