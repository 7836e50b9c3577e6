import type { Translation } from '../../shape'
import type en from './en'

const es: Translation<typeof en> = {
  launch: {
    nextStep:
      'Para obtener una dirección nueva, pulse Intro en el terminal donde se ejecuta tessera web, o vuelva a iniciar tessera web. Cada dirección abre Tessera una sola vez, en el plazo de un minuto.',
  },
  announce: {
    connected: 'Conectado a {name}',
    lost: 'Se perdió la conexión con {name}; reconectando',
    lostAsk: 'Se perdió la conexión con {name}',
    disconnected: 'Desconectado de {name}',
  },
  monitor: {
    plain: 'Monitor {n}, {size}',
    primary: 'Monitor {n} (principal), {size}',
    all: 'Todos los monitores',
  },
}
export default es
