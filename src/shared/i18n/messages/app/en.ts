/** Page-wide texts: the launch-problem page, screen-reader announcements, monitor names. English is the source every translation follows. */
export default {
  launch: {
    nextStep:
      'For a new address, press Enter in the terminal where tessera web is running, or start tessera web again. Each address opens Tessera once, within a minute.',
  },
  announce: {
    connected: 'Connected to {name}',
    lost: 'Connection to {name} lost, reconnecting',
    lostAsk: 'Connection to {name} lost',
    disconnected: 'Disconnected from {name}',
  },
  monitor: {
    plain: 'Monitor {n}, {size}',
    primary: 'Monitor {n} (primary), {size}',
    all: 'All monitors',
  },
}
