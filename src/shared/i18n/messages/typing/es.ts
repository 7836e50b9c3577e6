import type { Translation } from '../../shape'
import type en from './en'

const es: Translation<typeof en> = {
  menuItem: 'Teclear texto…',
  typeClipboard: 'Teclear el portapapeles',
  title: 'Teclear texto',
  intro: 'Envía el texto como pulsaciones de teclas, para pantallas de BIOS, instaladores y consolas sin portapapeles.',
  textLabel: 'Texto que teclear',
  pasteLocal: 'Pegar del portapapeles',
  pasteRefused: 'Aquí no se puede leer el portapapeles: pegue el texto en el cuadro.',
  layoutLabel: 'Distribución del teclado remoto',
  layoutHint: 'Este servidor recibe teclas físicas: elija la distribución que usa el equipo remoto.',
  layouts: {
    us: 'Inglés (EE. UU.)',
    uk: 'Inglés (Reino Unido)',
    de: 'Alemán',
    fr: 'Francés (AZERTY)',
  },
  speedLabel: 'Pausa tras cada tecla',
  speeds: {
    fast: 'Corta (5 ms)',
    normal: 'Normal (10 ms)',
    slow: 'Larga, para consolas lentas (40 ms)',
  },
  count: 'Caracteres: {count}',
  tooLong: 'Se pueden teclear como máximo {max} caracteres a la vez.',
  untypableLayout: 'La distribución {layout} no tiene tecla para: {chars}',
  untypable: 'Estos caracteres no se pueden teclear: {chars}',
  type: 'Teclear',
  confirmTitle: '¿Teclear un texto largo?',
  confirmMessage: 'Teclear {count} caracteres lleva unos {seconds} segundos. Puede detenerlo en cualquier momento.',
  confirm: 'Teclearlo',
  progress: '{typed} de {total} tecleados',
  stop: 'Detener',
  done: '{total} caracteres tecleados.',
  cancelled: 'Detenido tras {typed} de {total} caracteres.',
  failed: 'Se detuvo tras {typed} de {total} caracteres: la sesión ya no está conectada.',
  notConnected: 'La sesión no está conectada.',
}

export default es
