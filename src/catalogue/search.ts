import type { Catalogue, Couple } from './catalogue.js';

/** Lowercase, no spaces or punctuation: "Park  Bo-Gum" and "parkbogum" compare equal. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export interface SearchHit {
  couple: Couple;
  /** 0 is a perfect match, 1 no match at all. */
  score: number;
}

/**
 * The optional names a story may carry besides those every couple has (a story file's aliases: acting
 * and real names, a drama's abbreviations, its Korean title), read when present.
 */
interface AliasFields {
  readonly actors: readonly { readonly name: string; readonly hangul?: string | undefined; readonly aliases?: readonly string[] | undefined }[];
  readonly drama: {
    readonly title: string;
    readonly korean?: string | undefined;
    readonly altTitles?: readonly string[] | undefined;
    readonly aliases?: readonly string[] | undefined;
  };
}

/**
 * Every name a fan might type for a story: its id, actors (romanised, Hangul, aliases; each alone
 * and as the pair), drama titles (English, Korean, alternatives, abbreviations) and characters.
 */
export function namesOf(couple: Couple): string[] {
  const { actors, drama } = couple as unknown as AliasFields;
  const pair = (pick: (a: AliasFields['actors'][number]) => string | undefined) => actors.map(pick).filter(Boolean).join(' ');
  return [
    couple.id,
    ...actors.flatMap((a) => [a.name, a.hangul ?? '', ...(a.aliases ?? [])]),
    pair((a) => a.name),
    pair((a) => a.hangul),
    drama.title,
    drama.korean ?? '',
    ...(drama.altTitles ?? []),
    ...(drama.aliases ?? []),
    ...(couple.characters ?? []).flatMap((c) => [c.name, c.hangul ?? '']),
  ];
}

/** A bitmask of the letters in `text` (hashed into 31 bits): a quick test of letters a term lacks. */
function letters(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) mask |= 1 << (text.charCodeAt(i) % 31);
  return mask;
}

/**
 * The normalized names of a list of stories: exact, prefix and substring hits found by the engine's
 * own string search over all of them at once, then, when those are too few, an edit distance within
 * each term (Sellers' algorithm, bit-parallel) on the terms a letter mask lets through. Built on the
 * first search, once per list.
 */
export class NameIndex {
  readonly couples: readonly Couple[];
  #terms: string[] | undefined;
  /** Every term, each after a NUL: one string searched natively for exact, prefix and substring hits. */
  #all = '';
  /** Per term: where it starts in `#all`. */
  #starts: Int32Array | undefined;
  /** Per term: the position in `couples` of the story it names. */
  #owners: Uint16Array | Uint32Array | undefined;
  #masks: Int32Array | undefined;

  constructor(couples: readonly Couple[]) {
    this.couples = couples;
  }

  #build(): void {
    const terms: string[] = [];
    const owners: number[] = [];
    this.couples.forEach((couple, position) => {
      for (const term of new Set(namesOf(couple).map(normalize))) {
        if (!term) continue;
        terms.push(term);
        owners.push(position);
      }
    });
    const starts = new Int32Array(terms.length);
    let at = 0;
    terms.forEach((term, i) => {
      starts[i] = at + 1;
      at += term.length + 1;
    });
    this.#all = terms.map((term) => `\0${term}`).join('');
    this.#starts = starts;
    this.#terms = terms;
    this.#owners = this.couples.length < 0xffff ? Uint16Array.from(owners) : Uint32Array.from(owners);
    this.#masks = Int32Array.from(terms, letters);
  }

  /** Number of terms (builds them). */
  get size(): number {
    if (!this.#terms) this.#build();
    return this.#terms!.length;
  }

  /** The term `at` (a position in `#all`) falls in. */
  #termAt(at: number): number {
    const starts = this.#starts!;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Best score per story position for `q` (normalized, non-empty), into `best`: exact, prefix and
   * substring hits. Returns how many stories it found.
   */
  scan(q: string, best: Float64Array): number {
    if (!this.#terms) this.#build();
    const terms = this.#terms!;
    const owners = this.#owners!;
    const starts = this.#starts!;
    let found = 0;
    let last = -1;
    for (let at = this.#all.indexOf(q); at >= 0; at = this.#all.indexOf(q, last)) {
      const i = this.#termAt(at);
      const term = terms[i]!;
      // The next search starts after this term: one hit per term is enough.
      last = starts[i]! + term.length;
      const prefix = at === starts[i];
      const score = prefix ? (q.length === term.length ? 0 : 0.1 + 0.1 * (1 - q.length / term.length)) : 0.25 + 0.1 * (1 - q.length / term.length);
      const owner = owners[i]!;
      if (best[owner]! >= 2) found++;
      if (score < best[owner]!) best[owner] = score;
    }
    return found;
  }

  /**
   * Stories whose names hold `q` within `maxEdits` typos (an edit distance inside each term, on the
   * terms a letter mask lets through), into `best` where they have no better score.
   */
  fuzzy(q: string, best: Float64Array, maxEdits: number): void {
    if (!this.#terms) this.#build();
    const terms = this.#terms!;
    const owners = this.#owners!;
    const masks = this.#masks!;
    const pattern = new Pattern(q);
    // Per letter bucket of the query, how many of its letters fall there: each one a term lacks costs an edit.
    const buckets = new Map<number, number>();
    for (let i = 0; i < pattern.length; i++) {
      const bucket = q.charCodeAt(i) % 31;
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    }
    const counts = [...buckets];
    for (let i = 0; i < terms.length; i++) {
      const owner = owners[i]!;
      if (best[owner]! < 0.4) continue;
      const term = terms[i]!;
      if (term.length < pattern.length - maxEdits) continue;
      const mask = masks[i]!;
      let missing = 0;
      for (const [bucket, count] of counts) if (!(mask & (1 << bucket))) missing += count;
      if (missing > maxEdits) continue;
      const edits = editsWithin(pattern, term, maxEdits);
      if (edits > maxEdits) continue;
      const score = 0.4 + (0.5 * edits) / pattern.length;
      if (score < best[owner]!) best[owner] = score;
    }
  }
}

/** Longest query the fuzzy pass compares whole: one 32-bit word per column (Myers' bit-vector algorithm). */
const FUZZY_MAX = 32;

/** The query's letters as bit masks of their positions, for the bit-vector comparison. */
class Pattern {
  readonly length: number;
  readonly #ascii = new Int32Array(128);
  readonly #other = new Map<number, number>();

  constructor(q: string) {
    this.length = Math.min(q.length, FUZZY_MAX);
    for (let i = 0; i < this.length; i++) {
      const c = q.charCodeAt(i);
      if (c < 128) this.#ascii[c]! |= 1 << i;
      else this.#other.set(c, (this.#other.get(c) ?? 0) | (1 << i));
    }
  }

  mask(c: number): number {
    return c < 128 ? this.#ascii[c]! : (this.#other.get(c) ?? 0);
  }
}

/**
 * The fewest edits (insert, delete, substitute) that turn the pattern into some substring of
 * `term` (Sellers' approximate substring matching, as Myers' bit-vector algorithm computes it, a
 * machine word per column), or `limit + 1` when that is more than `limit`.
 */
function editsWithin(pattern: Pattern, term: string, limit: number): number {
  const m = pattern.length;
  const high = 1 << (m - 1);
  let pv = m === 32 ? -1 : (1 << m) - 1;
  let mv = 0;
  let score = m;
  let best = m;
  for (let j = 0; j < term.length; j++) {
    const eq = pattern.mask(term.charCodeAt(j));
    const xv = eq | mv;
    const xh = ((((eq & pv) + pv) | 0) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & high) score++;
    else if (mh & high) score--;
    // A match may start anywhere in the term: nothing shifted in at the top row.
    ph <<= 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
    if (score < best) {
      best = score;
      if (best === 0) return 0;
    }
  }
  return best <= limit ? best : limit + 1;
}

/** The fewest edits that turn `q` (up to 32 letters) into a substring of `term`: the fuzzy pass's measure. */
export function substringEdits(q: string, term: string): number {
  return q ? editsWithin(new Pattern(q), term, FUZZY_MAX) : 0;
}

/** Typos forgiven in a query of `length` letters (none under 4: "ik" should not find everyone). */
function allowedEdits(length: number, loose: boolean): number {
  if (length < 4) return loose ? 1 : 0;
  return Math.max(1, Math.floor(length * (loose ? 0.4 : 0.25)));
}

/** One index per list of stories, whoever asks: the built-in catalogue is indexed once per process. */
const shared = new WeakMap<readonly Couple[], NameIndex>();

/** The index of `couples`, shared by every search over that same list. */
export function nameIndex(couples: readonly Couple[]): NameIndex {
  let index = shared.get(couples);
  if (!index) {
    index = new NameIndex(couples);
    shared.set(couples, index);
  }
  return index;
}

export interface SearchParts {
  /** The indexes searched, in order of preference on equal scores (default: the catalogue's own). */
  readonly indexes?: readonly NameIndex[];
  /** What an empty query lists, in order: these lists one after the other (default: the catalogue's couples). */
  readonly listed?: readonly (readonly Couple[])[];
}

/**
 * Search over every name a fan might type: actors (romanised, Hangul and aliases), drama titles
 * (Korean and abbreviations included), character names and the story's id. A server's view searches
 * the catalogue's one shared index and its own stories' index, never a copy of the catalogue's.
 */
export class CoupleSearch {
  readonly #catalogue: Pick<Catalogue, 'couples' | 'get'>;
  readonly #indexes: readonly NameIndex[];
  readonly #listed: readonly (readonly Couple[])[];

  constructor(catalogue: Pick<Catalogue, 'couples' | 'get'>, parts: SearchParts = {}) {
    this.#catalogue = catalogue;
    this.#indexes = parts.indexes ?? [nameIndex(catalogue.couples)];
    this.#listed = parts.listed ?? [catalogue.couples];
  }

  /** Stories matching `query`, best first, each once. An empty query lists the catalogue in order. */
  search(query: string, limit = 25): SearchHit[] {
    const q = normalize(query).slice(0, 64);
    if (!q) return this.#first(limit).map((couple) => ({ couple, score: 1 }));
    const maxEdits = allowedEdits(q.length, false);
    return this.#run(q, limit, maxEdits, maxEdits > 0);
  }

  /** The closest names for a query that matched nothing (a looser search), best first. */
  suggest(query: string, limit = 3): Couple[] {
    const q = normalize(query).slice(0, 64);
    const hits = q ? this.#run(q, limit, allowedEdits(q.length, true), true).map((h) => h.couple) : [];
    return hits.length ? hits : this.#first(limit);
  }

  /** The first `limit` stories an empty query lists. */
  #first(limit: number): Couple[] {
    const out: Couple[] = [];
    for (const list of this.#listed) {
      for (const couple of list) {
        if (out.length >= limit) return out;
        out.push(couple);
      }
    }
    return out;
  }

  /** The story a typed value means: an exact id, else the best match; undefined when nothing matches. */
  resolve(value: string): Couple | undefined {
    return this.#catalogue.get(value.trim()) ?? this.search(value, 1)[0]?.couple;
  }

  #run(q: string, limit: number, maxEdits: number, fuzzy: boolean): SearchHit[] {
    const scores = this.#indexes.map((index) => new Float64Array(index.couples.length).fill(2));
    let found = 0;
    this.#indexes.forEach((index, n) => (found += index.scan(q, scores[n]!)));
    // A typo's score is always worse than a hit's: with `limit` hits already, none could make the list.
    if (fuzzy && found < limit) this.#indexes.forEach((index, n) => index.fuzzy(q, scores[n]!, maxEdits));
    const hits: SearchHit[] = [];
    this.#indexes.forEach((index, n) => {
      const best = scores[n]!;
      for (let i = 0; i < best.length; i++) if (best[i]! < 2) hits.push({ couple: index.couples[i]!, score: best[i]! });
    });
    // A stable sort: equal scores keep the order of the indexes and of each list.
    return hits.sort((a, b) => a.score - b.score).slice(0, limit);
  }
}
