import type { Translation } from '../../shape'
import type en from './en'

const de: Translation<typeof en> = {
  command: 'Leistung messen…',
  title: 'Leistung messen',
  intro:
    'Tessera schickt ein bildschirmfüllendes Bild aus seinem Kern an dieses Fenster, so wie die Bilder eines entfernten Bildschirms reisen, und misst jede Übertragung. Danach misst es die Kopien, die ein Bild innerhalb von Tessera macht. Das dauert einige Sekunden; offene Verbindungen können währenddessen langsamer sein.',
  start: 'Starten',
  again: 'Erneut messen',
  running: 'Wird gemessen…',
  cancelled: 'Die Messung wurde abgebrochen.',
  transport: 'Verbindung',
  transportElectron: 'Desktop-App (Electron-IPC)',
  transportWebSocket: 'Browser (WebSocket)',
  frame: 'Bild: {width} × {height}, {mb} MB, {passes}-mal gemessen',
  received: 'Bild erreicht dieses Fenster',
  painted: 'Bild erreicht dieses Fenster und wird gezeichnet',
  copies: 'Kopien innerhalb von Tessera (ein Bild)',
  what: 'Was',
  median: 'Typisch (ms)',
  fastest: 'Schnellste (ms)',
  rate: 'MB/s',
  figureLine: 'typisch {median} ms, schnellste {fastest} ms, {rate} MB/s',
  copy: 'Ergebnisse kopieren',
  copied: 'Ergebnisse kopiert. Sie können sie in einen Fehlerbericht einfügen.',
  copyFailed: 'Tessera kann die Zwischenablage hier nicht verwenden. Markieren Sie die Ergebnisse und kopieren Sie sie von Hand.',
  step: {
    detach: 'Kopie in neuen Speicher',
    reuse: 'Kopie in wiederverwendeten Speicher (was Tessera tut)',
    serialize: 'Verpacken für das App-Fenster (Desktop-App)',
    deserialize: 'Auspacken im Fenster (Desktop-App)',
    clone: 'Übergabe an die Seite (Desktop-App)',
    wsEncode: 'Verpacken für den Browser (Browser-Modus)',
    canvasCopy: 'Kopie in ein Bild in Bildschirmgröße',
    portCopied: 'Zu einem anderen Thread und zurück, kopiert',
    portMoved: 'Zu einem anderen Thread und zurück, übergeben',
  },
}

export default de
