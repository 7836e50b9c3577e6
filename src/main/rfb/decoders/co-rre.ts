import { RreDecoder } from './rre'

/**
 * CoRRE (rfbproto "CoRRE Encoding", 4): RRE with subrect x, y, w, h as single bytes, so servers
 * send rects of at most 255x255. The wire layout is otherwise RRE's, and so is the decoding.
 */
export class CoRreDecoder extends RreDecoder {
  constructor() {
    super('CoRRE', 'RFB_ERR_CORRE', 1)
  }
}
