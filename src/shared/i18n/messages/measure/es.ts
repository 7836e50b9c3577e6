import type { Translation } from '../../shape'
import type en from './en'

const es: Translation<typeof en> = {
  command: 'Medir el rendimiento…',
  title: 'Medir el rendimiento',
  intro:
    'Tessera envía una imagen de pantalla completa desde su motor a esta ventana, como viajan las imágenes de una pantalla remota, y cronometra cada viaje. Después cronometra las copias que hace una imagen dentro de Tessera. Tarda unos segundos; las conexiones abiertas pueden ir más lentas mientras tanto.',
  start: 'Empezar',
  again: 'Medir de nuevo',
  running: 'Midiendo…',
  cancelled: 'Se detuvo la medición.',
  transport: 'Enlace',
  transportElectron: 'aplicación de escritorio (IPC de Electron)',
  transportWebSocket: 'navegador (WebSocket)',
  frame: 'Imagen: {width} × {height}, {mb} MB, cronometrada {passes} veces',
  received: 'La imagen llega a esta ventana',
  painted: 'La imagen llega a esta ventana y se dibuja',
  copies: 'Copias dentro de Tessera (una imagen)',
  what: 'Qué',
  median: 'Típico (ms)',
  fastest: 'Más rápido (ms)',
  rate: 'MB/s',
  figureLine: 'típico {median} ms, más rápido {fastest} ms, {rate} MB/s',
  copy: 'Copiar resultados',
  copied: 'Resultados copiados. Puede pegarlos en un informe de error.',
  copyFailed: 'Tessera no puede usar el portapapeles aquí. Seleccione los resultados y cópielos a mano.',
  step: {
    detach: 'Copia en memoria nueva',
    reuse: 'Copia en memoria reutilizada (lo que hace Tessera)',
    serialize: 'Empaquetado para la ventana de la aplicación (aplicación de escritorio)',
    deserialize: 'Desempaquetado en la ventana (aplicación de escritorio)',
    clone: 'Entrega a la página (aplicación de escritorio)',
    wsEncode: 'Empaquetado para el navegador (modo navegador)',
    canvasCopy: 'Copia en una imagen del tamaño de la pantalla',
    portCopied: 'A otro hilo y de vuelta, copiada',
    portMoved: 'A otro hilo y de vuelta, entregada',
  },
}

export default es
