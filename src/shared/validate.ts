import * as v from 'valibot'

/**
 * Tessera's vocabulary over valibot for values that cross a trust boundary (IPC, WebSocket,
 * files, the profile form). Each builder returns a valibot schema worded the way the host
 * reports problems, with a `parse` that throws `ValidationError`. Objects are strict: unknown
 * fields are refused, so a request cannot smuggle anything the host does not read. Strings are
 * length-limited and numbers range-checked. `parse` returns a fresh value built from the checked
 * fields only (never the input object itself).
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

/** A valibot schema producing `T` that can also check a value itself. */
export type Schema<T> = v.GenericSchema<unknown, T> & {
  /** The checked value, or a `ValidationError` for the first problem; `path` names the value in it. */
  parse(value: unknown, path?: string): T
}

/** The type a schema produces: the one source of the types of checked values. */
export type Infer<S extends v.GenericSchema> = v.InferOutput<S>

// One problem is enough to refuse a value, and stopping there bounds the work a hostile one causes.
const FIRST_PROBLEM = { abortEarly: true } as const

/** The problem valibot found, with our path syntax (`a.b[2]`); a failed union speaks through its last sub-problem. */
function toValidationError(issue: v.BaseIssue<unknown>, path: string): ValidationError {
  let inField = false
  for (;;) {
    for (const item of issue.path ?? []) {
      path += typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key).slice(0, 40)}`
      inField = true
    }
    // A field set to undefined is as good as absent (structured clone keeps such keys, JSON drops them).
    if (!issue.issues?.length) return new ValidationError(path, inField && issue.input === undefined ? 'is required' : issue.message)
    issue = issue.issues[issue.issues.length - 1]
  }
}

/** Gives a valibot schema our `parse`; the schema itself is unchanged. */
export function checked<S extends v.GenericSchema>(schema: S): S & Schema<v.InferOutput<S>> {
  return Object.assign(schema, {
    parse(value: unknown, path = 'value'): v.InferOutput<S> {
      const result = v.safeParse(schema, value, FIRST_PROBLEM)
      if (!result.success) throw toValidationError(result.issues[0], path)
      return result.output
    },
  })
}

const describe = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x)

/** A string of at most `max` (and at least `min`) characters, matching `pattern` if given. */
export function string(opts: { max: number; min?: number; pattern?: RegExp }): Schema<string> {
  const min = opts.min ?? 0
  const checks: v.PipeItem<string, string, v.BaseIssue<unknown>>[] = [v.maxLength(opts.max, `must be at most ${opts.max} characters`)]
  if (min > 0) checks.push(v.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`))
  if (opts.pattern) checks.push(v.regex(opts.pattern, 'has an invalid format'))
  return checked(
    v.pipe(
      v.string((i) => `must be a string, not ${describe(i.input)}`),
      ...checks,
    ),
  )
}

/** An integer in [min, max]. */
export function int(min: number, max: number): Schema<number> {
  const problem = `must be an integer in ${min}..${max}`
  return checked(v.pipe(v.number(problem), v.integer(problem), v.minValue(min, problem), v.maxValue(max, problem)))
}

/** true or false, nothing truthy. */
export function boolean(): Schema<boolean> {
  return checked(v.boolean((i) => `must be true or false, not ${describe(i.input)}`))
}

/** One of a fixed set of primitive values. */
export function literal<const T extends readonly [string | number | boolean, ...(string | number)[]]>(...values: T) {
  const problem = `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`
  const schema = values.length === 1 ? v.literal(values[0], problem) : v.picklist(values as readonly (string | number)[], problem)
  return checked(schema as v.GenericSchema<unknown, T[number]>)
}

/** `undefined` (an absent argument: requests like `profiles.list`); JSON's null is accepted too. */
export function none(): Schema<void> {
  return checked(
    v.pipe(
      v.custom<null | undefined>((x) => x === undefined || x === null, 'must be empty'),
      v.transform((): void => undefined),
    ),
  )
}

/** A Uint8Array of at most `maxBytes` bytes (binary data: IPC's structured clone and the WebSocket codec both deliver one). */
export function bytes(maxBytes: number): Schema<Uint8Array> {
  return checked(
    v.pipe(
      v.instance(Uint8Array, (i) => `must be bytes, not ${describe(i.input)}`),
      v.check((b) => b.byteLength <= maxBytes, `must be at most ${maxBytes} bytes`),
    ),
  )
}

/** An array of at most `maxItems` items, each checked by `item`. */
export function array<T>(item: v.GenericSchema<unknown, T>, maxItems: number): Schema<T[]> {
  return checked(
    v.pipe(
      v.array(item, (i) => `must be an array, not ${describe(i.input)}`),
      v.maxLength(maxItems, `must have at most ${maxItems} items`),
    ),
  )
}

/** A field that may be absent (or undefined). */
export function optional<S extends v.GenericSchema>(inner: S) {
  return checked(v.optional(inner))
}

/**
 * A field that may be absent and then takes `fallback` (fields added to a stored format). The
 * parsed value always has it.
 */
export function withDefault<S extends v.GenericSchema, const D extends v.InferInput<S>>(inner: S, fallback: D) {
  return checked(v.optional(inner, fallback))
}

/**
 * The first alternative that accepts the value. When none does, the error is the last
 * alternative's among those whose type matched (valibot's rule), else the last one's.
 */
export function union<const S extends readonly [v.GenericSchema, v.GenericSchema, ...v.GenericSchema[]]>(...alternatives: S) {
  return checked(v.union(alternatives))
}

/** A value that may also be null. */
export function nullable<S extends v.GenericSchema>(inner: S) {
  return checked(v.nullable(inner))
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false
  const proto = Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key in value) if (value[key] === undefined) delete value[key]
  return value
}

/** A plain object with exactly these keys (optional ones may be absent); anything else is refused. */
export function object<const E extends v.ObjectEntries>(entries: E) {
  return checked(
    v.pipe(
      // valibot reads inherited keys and takes arrays for objects: only JSON-like plain objects pass.
      v.custom<Record<string, unknown>>(isPlainObject, (i) =>
        i.input !== null && typeof i.input === 'object' && !Array.isArray(i.input) ? 'must be a plain object' : `must be an object, not ${describe(i.input)}`,
      ),
      v.strictObject(entries, (i) => (i.expected === 'never' ? 'is not a known field' : 'is required')),
      // valibot keeps an optional field given as undefined; the checked value leaves it out, as if absent.
      v.transform(withoutUndefined),
    ),
  )
}
