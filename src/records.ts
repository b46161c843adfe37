/**
 * Plain objects used as dictionaries whose keys come from outside (couple ids, a file's keys): made
 * without a prototype, and read only for their own keys, so a key named `constructor`, `__proto__`
 * or `toString` is an ordinary key, never a built-in property. They stay plain JSON when stored.
 * Where nothing is stored, use a Map.
 */

/** A record without a prototype, holding `from`'s own keys (none by default). */
export function ownRecord<T>(from?: Readonly<Record<string, T>>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, from);
}

/** `record[key]` when `key` is one of the record's own keys; undefined otherwise. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
