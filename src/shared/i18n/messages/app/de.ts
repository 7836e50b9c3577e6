import type { Translation } from '../../shape'
import type en from './en'

const de: Translation<typeof en> = {
  launch: {
    nextStep:
      'Für eine neue Adresse drücken Sie die Eingabetaste im Terminal, in dem tessera web läuft, oder starten Sie tessera web neu. Jede Adresse öffnet Tessera einmal, innerhalb einer Minute.',
  },
  announce: {
    connected: 'Verbunden mit {name}',
    lost: 'Verbindung zu {name} unterbrochen, neuer Versuch läuft',
    lostAsk: 'Verbindung zu {name} unterbrochen',
    disconnected: 'Verbindung zu {name} getrennt',
  },
  monitor: {
    plain: 'Bildschirm {n}, {size}',
    primary: 'Bildschirm {n} (Hauptbildschirm), {size}',
    all: 'Alle Bildschirme',
  },
}
export default de
