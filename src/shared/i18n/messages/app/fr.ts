import type { Translation } from '../../shape'
import type en from './en'

const fr: Translation<typeof en> = {
  launch: {
    nextStep:
      'Pour obtenir une nouvelle adresse, appuyez sur Entrée dans le terminal où tourne tessera web, ou relancez tessera web. Chaque adresse ouvre Tessera une seule fois, dans la minute.',
  },
  announce: {
    connected: 'Connecté à {name}',
    lost: 'Connexion à {name} perdue, reconnexion en cours',
    lostAsk: 'Connexion à {name} perdue',
    disconnected: 'Déconnecté de {name}',
  },
  monitor: {
    plain: 'Écran {n}, {size}',
    primary: 'Écran {n} (principal), {size}',
    all: 'Tous les écrans',
  },
}
export default fr
