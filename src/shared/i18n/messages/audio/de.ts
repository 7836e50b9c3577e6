import type { Translation } from '../../shape'
import type en from './en'

const de: Translation<typeof en> = {
  mute: 'Ton stummschalten',
  unmute: 'Ton einschalten',
  volume: 'Lautstärke',
  menuMute: 'Ton stumm',
  blocked: 'Klicken Sie auf den Bildschirm, um den Ton zu hören: Der Browser hält ihn bis dahin zurück.',
  stats: 'Ton',
  statsValue: '{format}, {underruns} Lücken, {dropped} ms verworfen',
  stereo: 'Stereo',
  mono: 'Mono',
  profileLabel: 'Ton des Servers abspielen',
  profileHint: 'Virtuelle QEMU-Maschinen können ihren Ton an den Viewer senden; andere Server haben keinen.',
}
export default de
