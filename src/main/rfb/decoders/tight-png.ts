import { TightDecoder } from './tight'

/**
 * TightPNG (QEMU, -260): Tight with compression type 0xA carrying a PNG image (compact length,
 * then the PNG). QEMU still sends fill, JPEG and basic-compression (gradient) rects in this mode,
 * so everything else is decoded exactly as Tight, by the same code.
 */
export class TightPngDecoder extends TightDecoder {
  constructor() {
    super({ png: true })
  }
}
