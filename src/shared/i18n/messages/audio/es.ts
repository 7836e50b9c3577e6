import type { Translation } from '../../shape'
import type en from './en'

const es: Translation<typeof en> = {
  mute: 'Silenciar el sonido',
  unmute: 'Activar el sonido',
  volume: 'Volumen',
  menuMute: 'Sonido silenciado',
  blocked: 'Haga clic en la pantalla para oír el sonido: el navegador lo retiene hasta entonces.',
  stats: 'Sonido',
  statsValue: '{format}, {underruns} cortes, {dropped} ms descartados',
  stereo: 'estéreo',
  mono: 'mono',
  profileLabel: 'Reproducir el sonido del servidor',
  profileHint: 'Las máquinas virtuales QEMU pueden enviar su sonido al visor; los demás servidores no tienen.',
}
export default es
