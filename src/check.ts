import { ownRecord } from './records.js';

/**
 * Checking the shape of data the bot reads (settings, the catalogue file, stored records), with a
 * path to the first problem (`characters.0.actor: "X" is not one of the couple's actors`).
 *
 * A few small composable checks instead of a schema library: the bot loads this at start-up in
 * every process, and a schema library's code and objects cost more heap than the rest of the bot
 * together (see docs/benchmarks.md). A check returns the value it accepted (strings trimmed
 * where asked, objects with only their known fields) or throws a CheckError.
 */

export type Path = ReadonlyArray<string | number>;

/** Data that does not have the expected shape. */
export class CheckError extends Error {
  constructor(
    /** Where: object keys and array indexes from the top. */
    readonly path: Path,
    /** What is wrong, as a phrase: `must be a whole number`. */
    readonly reason: string,
    /**
     * What kind of problem, for a caller that words it for a member in their language (a story a
     * moderator typed); `limit` is the bound broken, when there is one.
     */
    readonly problem: Problem = { code: 'other' },
  ) {
    super(path.length ? `${path.join('.')}: ${reason}` : reason);
    this.name = 'CheckError';
  }
}

/** The kinds of problem a check reports. */
export type ProblemCode = 'type' | 'empty' | 'tooShort' | 'tooLong' | 'pattern' | 'notUrl' | 'notHttps' | 'range' | 'tooMany' | 'unknownField' | 'video' | 'other';
export interface Problem {
  readonly code: ProblemCode;
  readonly limit?: number;
  /** A finer reason, when the code has several (a video link's: `not-a-video-site`). */
  readonly detail?: string;
}

/** Returns the value accepted, or throws a CheckError whose path starts at `value`. */
export interface Check<T> {
  (value: unknown): T;
}

/** A check that also accepts `undefined` (an absent field). */
export interface OptionalCheck<T> extends Check<T | undefined> {
  readonly optional: true;
}

export type Infer<C> = C extends Check<infer T> ? T : never;

type Shape = Record<string, Check<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalCheck<unknown> ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

const fail = (reason: string, path: Path = [], problem?: Problem): never => {
  throw new CheckError(path, reason, problem);
};

/** `check(value)`, with a problem's path put under `key` (nothing is allocated unless it fails). */
function below<T>(key: string | number, check: Check<T>, value: unknown): T {
  try {
    return check(value);
  } catch (error) {
    if (error instanceof CheckError) throw new CheckError([key, ...error.path], error.reason, error.problem);
    throw error;
  }
}

export interface TextOptions {
  /** Remove spaces at both ends first (the value returned is trimmed). */
  readonly trim?: boolean;
  /** Fewest characters (after trimming); 1 refuses the empty string. */
  readonly min?: number;
  readonly max?: number;
  /** A pattern the whole text must match, and the reason given when it does not. */
  readonly pattern?: readonly [RegExp, string];
}

/** A string. */
export function text(options: TextOptions = {}): Check<string> {
  const { trim = false, min = 0, max = Number.POSITIVE_INFINITY, pattern } = options;
  return (value) => {
    if (typeof value !== 'string') return fail('must be text', [], { code: 'type' });
    const s = trim ? value.trim() : value;
    if (s.length < min) return fail(min === 1 ? 'must not be empty' : `must be at least ${min} characters long`, [], min === 1 ? { code: 'empty' } : { code: 'tooShort', limit: min });
    if (s.length > max) return fail(`must be at most ${max} characters long`, [], { code: 'tooLong', limit: max });
    if (pattern && !pattern[0].test(s)) return fail(pattern[1], [], { code: 'pattern' });
    return s;
  };
}

/** A finite number; `integer` refuses fractions. */
export function number(options: { integer?: boolean; min?: number; max?: number } = {}): Check<number> {
  const { integer = false, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = options;
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a number', [], { code: 'type' });
    if (integer && !Number.isInteger(value)) return fail('must be a whole number', [], { code: 'type' });
    if (value < min) return fail(`must be ${min} or more`, [], { code: 'range', limit: min });
    if (value > max) return fail(`must be ${max} or less`, [], { code: 'range', limit: max });
    return value;
  };
}

export const boolean = (): Check<boolean> => (value) => (typeof value === 'boolean' ? value : fail('must be true or false', [], { code: 'type' }));

/** One of a few fixed values. */
export function oneOf<const T extends readonly (string | number)[]>(values: T): Check<T[number]> {
  return (value) => ((values as readonly unknown[]).includes(value) ? (value as T[number]) : fail(`must be one of ${values.join(', ')}`, [], { code: 'pattern' }));
}

/** An https address (refused: any other scheme, or text that is no URL). */
export function httpsUrl(): Check<string> {
  return (value) => {
    if (typeof value !== 'string') return fail('must be text', [], { code: 'type' });
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail('must be a URL', [], { code: 'notUrl' });
    }
    return url.protocol === 'https:' ? value : fail('must be an https URL', [], { code: 'notHttps' });
  };
}

/** `check`, or nothing at all. */
export function optional<T>(check: Check<T>): OptionalCheck<T> {
  const optionalCheck = (value: unknown) => (value === undefined ? undefined : check(value));
  return Object.assign(optionalCheck, { optional: true as const });
}

/** An array whose every item passes `item`. */
export function array<T>(item: Check<T>, options: { min?: number; max?: number; length?: number } = {}): Check<T[]> {
  const { min = options.length ?? 0, max = options.length ?? Number.POSITIVE_INFINITY } = options;
  return (value) => {
    if (!Array.isArray(value)) return fail('must be a list', [], { code: 'type' });
    if (options.length !== undefined && value.length !== options.length) return fail(`must hold exactly ${options.length} items`);
    if (value.length < min) return fail(`must hold at least ${min} items`);
    if (value.length > max) return fail(`must hold at most ${max} items`, [], { code: 'tooMany', limit: max });
    // The list itself when every item was accepted as it is (no copy: start-up checks 100,000 records).
    let out: T[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const checked = below(i, item, value[i]);
      if (out) out.push(checked);
      else if (checked !== value[i]) out = [...(value.slice(0, i) as T[]), checked];
    }
    return out ?? (value as T[]);
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An object with the fields `shape` names, each passing its check; the value returned holds only
 * those fields (absent optional ones stay absent). `strict` refuses any other field, naming it.
 * An object accepted as it is comes back itself, not a copy.
 */
export function object<S extends Shape>(shape: S, options: { strict?: boolean } = {}): Check<ObjectOf<S>> {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  /** The first `count` known fields of `value`, as accepted (unchanged up to there). */
  const copy = (value: Record<string, unknown>, count: number) => {
    const out: Record<string, unknown> = {};
    for (let j = 0; j < count; j++) if (value[keys[j]!] !== undefined) out[keys[j]!] = value[keys[j]!];
    return out;
  };
  return (value) => {
    if (!isPlainObject(value)) return fail('must be an object', [], { code: 'type' });
    // Copied only once a field changes (or an unknown one is dropped).
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const original = value[key];
      const checked = below(key, shape[key]!, original);
      if (!out && (checked !== original || (original === undefined && Object.hasOwn(value, key)))) out = copy(value, i);
      if (out && checked !== undefined) out[key] = checked;
    }
    for (const key in value) {
      if (known.has(key) || !Object.hasOwn(value, key)) continue;
      if (options.strict) fail('is not a known field', [key], { code: 'unknownField' });
      out ??= copy(value, keys.length);
    }
    return (out ?? value) as ObjectOf<S>;
  };
}

/**
 * An object of any keys whose every value passes `item`. The keys come from the data: the record
 * returned has no prototype (records.ts), so look keys up with `ownValue`.
 */
export function record<T>(item: Check<T>): Check<Record<string, T>> {
  return (value) => {
    if (!isPlainObject(value)) return fail('must be an object', [], { code: 'type' });
    const out = ownRecord<T>();
    for (const [key, v] of Object.entries(value)) out[key] = below(key, item, v);
    return out;
  };
}

/** `check`, then `rule` on what it accepted; `rule` returns a problem ([path below the value, reason]) or nothing. */
export function refine<T>(check: Check<T>, rule: (value: T) => readonly [Path, string, Problem?] | undefined): Check<T> {
  return (value) => {
    const checked = check(value);
    const problem = rule(checked);
    return problem ? fail(problem[1], problem[0], problem[2]) : checked;
  };
}
