/** A length or count field in a generated message: where it is, and how wide. */
export interface Field {
  offset: number
  size: 1 | 2 | 4
  what: string
}

/** Big-endian byte writer that remembers where the length and count fields are. */
export class Writer {
  private parts: number[] = []
  readonly fields: Field[] = []

  get length(): number {
    return this.parts.length
  }

  u8(v: number, field?: string): this {
    if (field) this.fields.push({ offset: this.parts.length, size: 1, what: field })
    this.parts.push(v & 0xff)
    return this
  }

  u16(v: number, field?: string): this {
    if (field) this.fields.push({ offset: this.parts.length, size: 2, what: field })
    this.parts.push((v >> 8) & 0xff, v & 0xff)
    return this
  }

  u32(v: number, field?: string): this {
    if (field) this.fields.push({ offset: this.parts.length, size: 4, what: field })
    this.parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)
    return this
  }

  s32(v: number, field?: string): this {
    return this.u32(v >>> 0, field)
  }

  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i] & 0xff)
    return this
  }

  text(s: string): this {
    return this.bytes(Buffer.from(s, 'latin1'))
  }

  /** Appends another writer's bytes and fields. */
  append(w: Writer): this {
    const base = this.parts.length
    for (const f of w.fields) this.fields.push({ ...f, offset: f.offset + base })
    for (const b of w.build()) this.parts.push(b)
    return this
  }

  build(): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}
