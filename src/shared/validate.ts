/**
 * A small runtime schema checker for values that cross a trust boundary (IPC, WebSocket, files).
 * Objects are strict: unknown fields are refused, so a request cannot smuggle anything the host
 * does not read. Strings are length-limited and numbers range-checked. `parse` returns a fresh
 * value built from the checked fields only (never the input object itself).
 */

/** What was wrong and where, e.g. `arg.x: must be an integer in 0..65535`. */
export class ValidationError extends Error {
  override name = 'ValidationError'
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`)
  }
}

export interface Schema<T> {
  parse(value: unknown, path?: string): T
  /** Set by `optional`: the key may be absent from an object. */
  readonly isOptional?: boolean
}

export type Infer<S> = S extends Schema<infer T> ? T : never

const fail = (path: string, problem: string): never => {
  throw new ValidationError(path, problem)
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

export function string(opts: { max: number; min?: number; pattern?: RegExp }): Schema<string> {
  return {
    parse(v, path = 'value') {
      if (typeof v !== 'string') return fail(path, `must be a string, not ${describe(v)}`)
      if (v.length > opts.max) return fail(path, `must be at most ${opts.max} characters`)
      if (v.length < (opts.min ?? 0)) return fail(path, opts.min === 1 ? 'must not be empty' : `must be at least ${opts.min} characters`)
      if (opts.pattern && !opts.pattern.test(v)) return fail(path, 'has an invalid format')
      return v
    },
  }
}

/** An integer in [min, max]. */
export function int(min: number, max: number): Schema<number> {
  return {
    parse(v, path = 'value') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        return fail(path, `must be an integer in ${min}..${max}`)
      }
      return v
    },
  }
}

/** A finite number in [min, max]. */
export function number(min: number, max: number): Schema<number> {
  return {
    parse(v, path = 'value') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return fail(path, `must be a number in ${min}..${max}`)
      return v
    },
  }
}

export function boolean(): Schema<boolean> {
  return {
    parse(v, path = 'value') {
      if (typeof v !== 'boolean') return fail(path, `must be true or false, not ${describe(v)}`)
      return v
    },
  }
}

/** One of a fixed set of primitive values. */
export function literal<const T extends readonly (string | number | boolean | null)[]>(...values: T): Schema<T[number]> {
  return {
    parse(v, path = 'value') {
      if (!values.includes(v as T[number])) return fail(path, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`)
      return v as T[number]
    },
  }
}

/** `undefined` (an absent argument: requests like `profiles.list`); JSON's null is accepted too. */
export function none(): Schema<void> {
  return {
    parse(v, path = 'value') {
      if (v !== undefined && v !== null) return fail(path, 'must be empty')
    },
  }
}

export function array<T>(item: Schema<T>, maxItems: number): Schema<T[]> {
  return {
    parse(v, path = 'value') {
      if (!Array.isArray(v)) return fail(path, `must be an array, not ${describe(v)}`)
      if (v.length > maxItems) return fail(path, `must have at most ${maxItems} items`)
      return v.map((x, i) => item.parse(x, `${path}[${i}]`))
    },
  }
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return {
    isOptional: true,
    parse(v, path = 'value') {
      return v === undefined ? undefined : inner.parse(v, path)
    },
  }
}

/**
 * A field that may be absent and then takes `fallback` (fields added to a stored format). Typed
 * as required: the parsed value always has it.
 */
export function withDefault<T>(inner: Schema<T>, fallback: T): Schema<T> {
  const schema = {
    isOptional: true,
    parse(v: unknown, path = 'value'): T {
      return v === undefined ? fallback : inner.parse(v, path)
    },
  }
  return schema as Schema<T>
}

/** The first alternative that accepts the value; the error names the last one's problem. */
export function union<S extends Schema<unknown>[]>(...alternatives: S): Schema<Infer<S[number]>> {
  return {
    parse(v, path = 'value') {
      let last: unknown
      for (const alt of alternatives) {
        try {
          return alt.parse(v, path) as Infer<S[number]>
        } catch (e) {
          last = e
        }
      }
      throw last
    },
  }
}

type Shape = Record<string, Schema<unknown>>
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { isOptional: true } ? K : never }[keyof S]
type Flatten<T> = { [K in keyof T]: T[K] }
export type ObjectOf<S extends Shape> = Flatten<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }
>

/** A plain object with exactly these keys (optional ones may be absent); anything else is refused. */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  const keys = Object.keys(shape)
  return {
    parse(v, path = 'value') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(path, `must be an object, not ${describe(v)}`)
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) return fail(path, 'must be a plain object')
      for (const k of Object.keys(v)) {
        if (!Object.hasOwn(shape, k)) return fail(`${path}.${k.slice(0, 40)}`, 'is not a known field')
      }
      const out: Record<string, unknown> = {}
      for (const k of keys) {
        const raw = (v as Record<string, unknown>)[k]
        if (raw === undefined && !shape[k].isOptional) return fail(`${path}.${k}`, 'is required')
        const value = shape[k].parse(raw, `${path}.${k}`)
        if (value !== undefined) out[k] = value
      }
      return out as ObjectOf<S>
    },
  }
}

/** A value that may also be null. */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return {
    parse(v, path = 'value') {
      return v === null ? null : inner.parse(v, path)
    },
  }
}
