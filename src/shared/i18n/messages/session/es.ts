import type { Translation } from '../../shape'
import type en from './en'

const es: Translation<typeof en> = {
  remoteDesktop: 'Escritorio remoto',
  screenLabel: 'Pantalla remota de {title}. Pulse F8 para abrir el menú de la sesión.',
  screenLabelViewOnly: 'Pantalla remota de {title} (solo ver). Pulse F8 para abrir el menú de la sesión.',
  state: {
    connecting: 'Conectando…',
    authenticating: 'Autenticando…',
    connected: 'Conectado',
    reconnecting: 'Reconectando…',
    closed: 'Desconectado',
  },
  security: {
    verified: 'Cifrado y verificado ({security})',
    unverified: 'Cifrado, identidad del servidor sin verificar ({security})',
    plain: 'Sin cifrar ({security})',
  },
  toolbar: {
    label: 'Sesión',
    viewOnly: 'Solo ver',
    viewOnlyHint: 'Solo ver: no se envían el teclado ni el puntero',
    menu: 'Menú',
    menuHint: 'Menú de la sesión (F8)',
    fullscreen: 'Pantalla completa',
    leaveFullscreen: 'Salir de pantalla completa',
    reconnect: 'Reconectar',
    reconnectNow: 'Reconectar ahora',
  },
  notice: {
    noFullscreen: 'La pantalla completa no está disponible: {reason}',
    noResize: 'El escritorio remoto no puede adaptarse a la ventana: {reason}',
    noMonitorMatch: 'El escritorio remoto no puede adaptarse a sus monitores: {reason}',
    screenshotFailed: 'No se pudo guardar la captura de pantalla: {reason}',
    profileGone: 'Esa conexión ya no está en la libreta de direcciones.',
    adoptFailed: 'No se pudo traer la sesión aquí: {reason}',
    popupBlocked: 'Esta ventana no puede abrir otra. ¿Bloquea el navegador las ventanas emergentes?',
    moveFailed: 'No se pudo mover la sesión. {reason}.',
    moveTimedOut: 'La nueva ventana no tomó la sesión; se queda aquí.',
  },
  link: {
    lost: 'Se perdió la conexión con Tessera.',
    closed: 'La conexión con Tessera está cerrada.',
    timeout: 'Tessera no respondió en {seconds} s.',
    ended:
      'Tessera se reinició y esta página ya no funciona. Abra Tessera de nuevo desde la nueva dirección que mostró (pulse Intro en su terminal para obtener otra).',
  },
}
export default es
