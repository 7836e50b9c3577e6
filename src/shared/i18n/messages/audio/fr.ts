import type { Translation } from '../../shape'
import type en from './en'

const fr: Translation<typeof en> = {
  mute: 'Couper le son',
  unmute: 'Activer le son',
  volume: 'Volume',
  menuMute: 'Son coupé',
  blocked: "Cliquez sur l'écran pour entendre le son : le navigateur le retient jusque-là.",
  stats: 'Son',
  statsValue: '{format}, {underruns} coupures, {dropped} ms abandonnées',
  stereo: 'stéréo',
  mono: 'mono',
  profileLabel: 'Jouer le son du serveur',
  profileHint: "Les machines virtuelles QEMU peuvent envoyer leur son à la visionneuse ; les autres serveurs n'en ont pas.",
}
export default fr
