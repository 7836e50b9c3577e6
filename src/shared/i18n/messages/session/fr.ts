import type { Translation } from '../../shape'
import type en from './en'

const fr: Translation<typeof en> = {
  remoteDesktop: 'Bureau distant',
  screenLabel: 'Écran distant de {title}. Appuyez sur F8 pour le menu de session.',
  screenLabelViewOnly: 'Écran distant de {title} (lecture seule). Appuyez sur F8 pour le menu de session.',
  state: {
    connecting: 'Connexion…',
    authenticating: 'Authentification…',
    connected: 'Connecté',
    reconnecting: 'Reconnexion…',
    closed: 'Déconnecté',
  },
  security: {
    verified: 'Chiffré et vérifié ({security})',
    unverified: 'Chiffré, identité du serveur non vérifiée ({security})',
    plain: 'Non chiffré ({security})',
  },
  toolbar: {
    label: 'Session',
    viewOnly: 'Lecture seule',
    viewOnlyHint: 'Lecture seule : le clavier et la souris ne sont pas transmis',
    menu: 'Menu',
    menuHint: 'Menu de session (F8)',
    fullscreen: 'Plein écran',
    leaveFullscreen: 'Quitter le plein écran',
    reconnect: 'Se reconnecter',
    reconnectNow: 'Se reconnecter maintenant',
  },
  notice: {
    noFullscreen: 'Le plein écran n’est pas disponible : {reason}',
    noResize: 'Le bureau distant ne peut pas suivre la taille de la fenêtre : {reason}',
    noMonitorMatch: 'Le bureau distant ne peut pas reprendre la disposition de vos écrans : {reason}',
    screenshotFailed: 'Impossible d’enregistrer la capture d’écran : {reason}',
    profileGone: 'Cette connexion ne figure plus dans le carnet d’adresses.',
    adoptFailed: 'Impossible de déplacer la session ici : {reason}',
    popupBlocked: 'Cette fenêtre ne peut pas en ouvrir une autre. Le navigateur bloque-t-il les fenêtres pop-up ?',
    moveFailed: 'Impossible de déplacer la session. {reason}.',
    moveTimedOut: 'La nouvelle fenêtre n’a pas repris la session ; elle reste ici.',
  },
  link: {
    lost: 'La connexion à Tessera a été perdue.',
    closed: 'La connexion à Tessera est fermée.',
    timeout: 'Tessera n’a pas répondu dans les {seconds} s.',
    ended:
      'Tessera a été redémarré : cette page ne fonctionne plus. Rouvrez Tessera à la nouvelle adresse qu’il a affichée (appuyez sur Entrée dans son terminal pour en obtenir une).',
  },
}
export default fr
