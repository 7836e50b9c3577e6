import type { Translation } from '../../shape'
import type en from './en'

const es: Translation<typeof en> = {
  cancel: 'Cancelar',
  close: 'Cerrar',
  ok: 'Aceptar',
  save: 'Guardar',
  connect: 'Conectar',
  disconnect: 'Desconectar',
  retry: 'Reintentar',
  details: 'Detalles',
  yes: 'Sí',
  no: 'No',
}
export default es
