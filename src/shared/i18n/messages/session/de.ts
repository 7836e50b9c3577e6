import type { Translation } from '../../shape'
import type en from './en'

const de: Translation<typeof en> = {
  remoteDesktop: 'Entfernter Desktop',
  screenLabel: 'Bildschirm von {title}. F8 öffnet das Sitzungsmenü.',
  screenLabelViewOnly: 'Bildschirm von {title} (nur ansehen). F8 öffnet das Sitzungsmenü.',
  state: {
    connecting: 'Verbindung wird hergestellt…',
    authenticating: 'Anmeldung läuft…',
    connected: 'Verbunden',
    reconnecting: 'Neue Verbindung wird aufgebaut…',
    closed: 'Getrennt',
  },
  security: {
    verified: 'Verschlüsselt und überprüft ({security})',
    unverified: 'Verschlüsselt, Identität des Servers nicht überprüft ({security})',
    plain: 'Nicht verschlüsselt ({security})',
  },
  toolbar: {
    label: 'Sitzung',
    viewOnly: 'Nur ansehen',
    viewOnlyHint: 'Nur ansehen: Tastatur und Maus werden nicht gesendet',
    menu: 'Menü',
    menuHint: 'Sitzungsmenü (F8)',
    fullscreen: 'Vollbild',
    leaveFullscreen: 'Vollbild beenden',
    reconnect: 'Neu verbinden',
    reconnectNow: 'Jetzt neu verbinden',
  },
  notice: {
    noFullscreen: 'Vollbild ist nicht verfügbar: {reason}',
    noResize: 'Der entfernte Desktop kann sich nicht an das Fenster anpassen: {reason}',
    noMonitorMatch: 'Der entfernte Desktop kann sich nicht an Ihre Bildschirme anpassen: {reason}',
    screenshotFailed: 'Das Bildschirmfoto konnte nicht gespeichert werden: {reason}',
    profileGone: 'Diese Verbindung ist nicht mehr im Adressbuch.',
    adoptFailed: 'Die Sitzung konnte nicht hierher verschoben werden: {reason}',
    popupBlocked: 'Dieses Fenster kann kein weiteres Fenster öffnen. Blockiert der Browser Pop-ups?',
    moveFailed: 'Die Sitzung konnte nicht verschoben werden. {reason}.',
    moveTimedOut: 'Das neue Fenster hat die Sitzung nicht übernommen; sie bleibt hier.',
  },
  link: {
    lost: 'Die Verbindung zu Tessera wurde unterbrochen.',
    closed: 'Die Verbindung zu Tessera ist geschlossen.',
    timeout: 'Tessera hat nicht innerhalb von {seconds} s geantwortet.',
    ended:
      'Tessera wurde neu gestartet, daher funktioniert diese Seite nicht mehr. Öffnen Sie Tessera über die neue Adresse, die es ausgegeben hat (Enter in seinem Terminal erzeugt eine neue).',
  },
}
export default de
