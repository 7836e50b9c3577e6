declare module 'des.js' {
  export interface CipherOptions {
    type: 'encrypt' | 'decrypt'
    key: ArrayLike<number>
    /** CBC only: 8 bytes. */
    iv?: ArrayLike<number>
    padding?: boolean
  }
  export interface Cipher {
    update(data: ArrayLike<number>): number[]
    final(): number[]
  }
  export const DES: { create(opts: CipherOptions): Cipher }
  export const EDE: { create(opts: CipherOptions): Cipher }
  /** Chains a block cipher in CBC mode (MSLogonII). */
  export const CBC: { instantiate(base: typeof DES): { create(opts: CipherOptions): Cipher } }
  const desjs: { DES: typeof DES; EDE: typeof EDE; CBC: typeof CBC }
  export default desjs
}
