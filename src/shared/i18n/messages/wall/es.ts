import type { Translation } from '../../shape'
import type en from './en'

const es: Translation<typeof en> = {
  windowTitle: '{title} — muro en vivo — Tessera',
  openSessions: 'Sesiones abiertas',
  allConnections: 'Todas las conexiones',
  summary: '{live} de {total} en vivo · las imágenes se actualizan aproximadamente una vez por segundo · haga clic en una para abrirla',
  failed: 'No se pudo mostrar el muro.',
  noSessions: 'No hay sesiones abiertas.',
  emptyFolder: 'Esta carpeta no tiene conexiones.',
  switchTo: 'Cambie a la ventana que muestra {name} para usarla.',
  openFailed: 'No se pudo abrir {name}.',
  openNamed: 'Abrir {name}',
  tile: {
    connecting: 'Conectando…',
    live: 'En vivo',
    closed: 'Cerrada',
    unreachable: 'No accesible — reintentando',
    notAnswering: 'No responde — reintentando',
    lost: 'Conexión perdida — reintentando',
    tooMany: 'Sin supervisar: demasiados mosaicos',
    failed: '{title} — ábrala para ver el motivo',
  },
}
export default es
