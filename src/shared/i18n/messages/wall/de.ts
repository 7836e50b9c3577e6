import type { Translation } from '../../shape'
import type en from './en'

const de: Translation<typeof en> = {
  windowTitle: '{title} — Live-Wand — Tessera',
  openSessions: 'Offene Sitzungen',
  allConnections: 'Alle Verbindungen',
  summary: '{live} von {total} live · Bilder werden etwa einmal pro Sekunde aktualisiert · zum Öffnen anklicken',
  failed: 'Die Wand kann nicht angezeigt werden.',
  noSessions: 'Es sind keine Sitzungen offen.',
  emptyFolder: 'Dieser Ordner enthält keine Verbindungen.',
  switchTo: 'Wechseln Sie zu dem Fenster, das {name} zeigt, um es zu verwenden.',
  openFailed: '{name} konnte nicht geöffnet werden.',
  openNamed: '{name} öffnen',
  tile: {
    connecting: 'Verbindung wird hergestellt…',
    live: 'Live',
    closed: 'Geschlossen',
    unreachable: 'Nicht erreichbar — neuer Versuch folgt',
    notAnswering: 'Keine Antwort — neuer Versuch folgt',
    lost: 'Verbindung verloren — neuer Versuch folgt',
    tooMany: 'Nicht beobachtet: zu viele Kacheln',
    failed: '{title} — zum Anzeigen des Grundes öffnen',
  },
}
export default de
