import type { Translation } from '../../shape'
import type en from './en'

const fr: Translation<typeof en> = {
  command: 'Mesurer les performances…',
  title: 'Mesurer les performances',
  intro:
    'Tessera envoie une image plein écran de son moteur à cette fenêtre, comme voyagent les images d’un écran distant, et chronomètre chaque trajet. Il chronomètre ensuite les copies qu’une image fait dans Tessera. Cela prend quelques secondes ; les connexions ouvertes peuvent ralentir pendant ce temps.',
  start: 'Démarrer',
  again: 'Mesurer à nouveau',
  running: 'Mesure en cours…',
  cancelled: 'La mesure a été arrêtée.',
  transport: 'Liaison',
  transportElectron: 'application de bureau (IPC Electron)',
  transportWebSocket: 'navigateur (WebSocket)',
  frame: 'Image : {width} × {height}, {mb} Mo, chronométrée {passes} fois',
  received: 'L’image atteint cette fenêtre',
  painted: 'L’image atteint cette fenêtre et est dessinée',
  copies: 'Copies dans Tessera (une image)',
  what: 'Quoi',
  median: 'Typique (ms)',
  fastest: 'Plus rapide (ms)',
  rate: 'Mo/s',
  figureLine: 'typique {median} ms, plus rapide {fastest} ms, {rate} Mo/s',
  copy: 'Copier les résultats',
  copied: 'Résultats copiés. Vous pouvez les coller dans un rapport de bogue.',
  copyFailed: 'Tessera ne peut pas utiliser le presse-papiers ici. Sélectionnez les résultats et copiez-les à la main.',
  step: {
    detach: 'Copie dans une mémoire neuve',
    reuse: 'Copie dans une mémoire réutilisée (ce que fait Tessera)',
    serialize: 'Emballage pour la fenêtre de l’application (application de bureau)',
    deserialize: 'Déballage dans la fenêtre (application de bureau)',
    clone: 'Remise à la page (application de bureau)',
    wsEncode: 'Emballage pour le navigateur (mode navigateur)',
    canvasCopy: 'Copie dans une image de la taille de l’écran',
    portCopied: 'Vers un autre thread et retour, copiée',
    portMoved: 'Vers un autre thread et retour, transmise',
  },
}

export default fr
