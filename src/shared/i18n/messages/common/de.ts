import type { Translation } from '../../shape'
import type en from './en'

const de: Translation<typeof en> = {
  cancel: 'Abbrechen',
  close: 'Schließen',
  ok: 'OK',
  save: 'Speichern',
  connect: 'Verbinden',
  disconnect: 'Trennen',
  retry: 'Erneut versuchen',
  details: 'Details',
  yes: 'Ja',
  no: 'Nein',
}
export default de
