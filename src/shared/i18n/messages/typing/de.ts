import type { Translation } from '../../shape'
import type en from './en'

const de: Translation<typeof en> = {
  menuItem: 'Text eintippen…',
  typeClipboard: 'Zwischenablage eintippen',
  title: 'Text eintippen',
  intro: 'Sendet den Text als Tastendrücke, für BIOS-Bildschirme, Installationsprogramme und Konsolen ohne Zwischenablage.',
  textLabel: 'Einzutippender Text',
  pasteLocal: 'Aus der Zwischenablage einfügen',
  pasteRefused: 'Die Zwischenablage kann hier nicht gelesen werden: Fügen Sie den Text ins Feld ein.',
  layoutLabel: 'Tastaturbelegung des entfernten Computers',
  layoutHint: 'Dieser Server nimmt physische Tasten entgegen: Wählen Sie die Belegung des entfernten Computers.',
  layouts: {
    us: 'Englisch (USA)',
    uk: 'Englisch (GB)',
    de: 'Deutsch',
    fr: 'Französisch (AZERTY)',
  },
  speedLabel: 'Pause nach jeder Taste',
  speeds: {
    fast: 'Kurz (5 ms)',
    normal: 'Normal (10 ms)',
    slow: 'Lang, für langsame Konsolen (40 ms)',
  },
  count: 'Zeichen: {count}',
  tooLong: 'Es können höchstens {max} Zeichen auf einmal eingetippt werden.',
  untypableLayout: 'Die Belegung {layout} hat keine Taste für: {chars}',
  untypable: 'Diese Zeichen können nicht eingetippt werden: {chars}',
  type: 'Eintippen',
  confirmTitle: 'Langen Text eintippen?',
  confirmMessage: '{count} Zeichen einzutippen dauert etwa {seconds} Sekunden. Sie können jederzeit abbrechen.',
  confirm: 'Eintippen',
  progress: '{typed} von {total} eingetippt',
  stop: 'Stopp',
  done: '{total} Zeichen eingetippt.',
  cancelled: 'Nach {typed} von {total} Zeichen gestoppt.',
  failed: 'Eintippen nach {typed} von {total} Zeichen abgebrochen: Die Sitzung ist nicht mehr verbunden.',
  notConnected: 'Die Sitzung ist nicht verbunden.',
}

export default de
