import { RfbProtocolError } from '../../src/main/rfb/errors'

/** The RfbProtocolError `fn` throws; fails the test if it throws nothing or something else. */
export function protocolErrorOf(fn: () => unknown): RfbProtocolError {
  try {
    fn()
  } catch (err) {
    if (err instanceof RfbProtocolError) return err
    throw err
  }
  throw new Error('expected a protocol error, none was thrown')
}
