import type { Translation } from '../../shape'
import type en from './en'

const fr: Translation<typeof en> = {
  cancel: 'Annuler',
  close: 'Fermer',
  ok: 'OK',
  save: 'Enregistrer',
  connect: 'Se connecter',
  disconnect: 'Se déconnecter',
  retry: 'Réessayer',
  details: 'Détails',
  yes: 'Oui',
  no: 'Non',
}
export default fr
