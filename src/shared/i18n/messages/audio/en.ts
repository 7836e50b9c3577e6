/** The sound area's words in English (the server's audio), the source every translation follows. */
export default {
  mute: 'Mute the sound',
  unmute: 'Turn the sound on',
  volume: 'Volume',
  menuMute: 'Mute sound',
  blocked: 'Click the screen to hear the sound: the browser holds it until you do.',
  stats: 'Sound',
  statsValue: '{format}, {underruns} gaps, {dropped} ms dropped',
  stereo: 'stereo',
  mono: 'mono',
  profileLabel: "Play the server's sound",
  profileHint: 'QEMU virtual machines can send their sound to the viewer; others have none to send.',
}
