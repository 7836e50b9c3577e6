import type { Translation } from '../../shape'
import type en from './en'

const fr: Translation<typeof en> = {
  windowTitle: '{title} — mur en direct — Tessera',
  openSessions: 'Sessions ouvertes',
  allConnections: 'Toutes les connexions',
  summary: '{live} sur {total} en direct · les images se mettent à jour environ une fois par seconde · cliquez sur l’une pour l’ouvrir',
  failed: 'Impossible d’afficher le mur.',
  noSessions: 'Aucune session n’est ouverte.',
  emptyFolder: 'Ce dossier ne contient aucune connexion.',
  switchTo: 'Passez à la fenêtre qui affiche {name} pour l’utiliser.',
  openFailed: 'Impossible d’ouvrir {name}.',
  openNamed: 'Ouvrir {name}',
  tile: {
    connecting: 'Connexion…',
    live: 'En direct',
    closed: 'Fermée',
    unreachable: 'Injoignable — nouvelle tentative',
    notAnswering: 'Ne répond pas — nouvelle tentative',
    lost: 'Connexion perdue — nouvelle tentative',
    tooMany: 'Non surveillée : trop de vignettes',
    failed: '{title} — ouvrez-la pour en savoir plus',
  },
}
export default fr
