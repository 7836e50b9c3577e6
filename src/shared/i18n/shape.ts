/**
 * The shape every translation of a message area must have: the English file's keys, each a
 * string. A translation with a key missing or extra fails the typecheck, not a user's screen.
 */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> }
