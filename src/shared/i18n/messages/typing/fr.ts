import type { Translation } from '../../shape'
import type en from './en'

const fr: Translation<typeof en> = {
  menuItem: 'Saisir du texte…',
  typeClipboard: 'Saisir le presse-papiers',
  title: 'Saisir du texte',
  intro: 'Envoie le texte sous forme de frappes, pour les écrans du BIOS, les installateurs et les consoles sans presse-papiers.',
  textLabel: 'Texte à saisir',
  pasteLocal: 'Coller depuis le presse-papiers',
  pasteRefused: 'Le presse-papiers ne peut pas être lu ici : collez le texte dans la zone.',
  layoutLabel: 'Disposition du clavier distant',
  layoutHint: 'Ce serveur reçoit des touches physiques : choisissez la disposition de l’ordinateur distant.',
  layouts: {
    us: 'Anglais (États-Unis)',
    uk: 'Anglais (Royaume-Uni)',
    de: 'Allemand',
    fr: 'Français (AZERTY)',
  },
  speedLabel: 'Pause après chaque touche',
  speeds: {
    fast: 'Courte (5 ms)',
    normal: 'Normale (10 ms)',
    slow: 'Longue, pour les consoles lentes (40 ms)',
  },
  count: 'Caractères : {count}',
  tooLong: 'Au plus {max} caractères peuvent être saisis à la fois.',
  untypableLayout: 'La disposition {layout} n’a aucune touche pour : {chars}',
  untypable: 'Ces caractères ne peuvent pas être saisis : {chars}',
  type: 'Saisir',
  confirmTitle: 'Saisir un long texte ?',
  confirmMessage: 'Saisir {count} caractères prend environ {seconds} secondes. Vous pouvez arrêter à tout moment.',
  confirm: 'Saisir',
  progress: '{typed} sur {total} saisis',
  stop: 'Arrêter',
  done: '{total} caractères saisis.',
  cancelled: 'Arrêté après {typed} caractères sur {total}.',
  failed: 'Saisie interrompue après {typed} caractères sur {total} : la session n’est plus connectée.',
  notConnected: 'La session n’est pas connectée.',
}

export default fr
