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

function bits(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/**
 * The normalized names of a list of stories, searched by plain string scans: exact, prefix and
 * substring hits, then, for what they miss, an edit distance within the term (Sellers' algorithm)
 * on the few terms a letter mask lets through. Terms are built on the first search, once per list.
 */
export class NameIndex {
  readonly couples: readonly Couple[];
  #terms: string[] | undefined;
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
    this.#terms = terms;
    this.#owners = this.couples.length < 0xffff ? Uint16Array.from(owners) : Uint32Array.from(owners);
    this.#masks = Int32Array.from(terms, letters);
  }

  /** Number of terms (builds them). */
  get size(): number {
    if (!this.#terms) this.#build();
    return this.#terms!.length;
  }

  /**
   * Best score per story position for `q` (normalized, non-empty), into `best`. `maxEdits` bounds
   * the typos forgiven; the fuzzy pass runs only when `fuzzy` is set.
   */
  scan(q: string, best: Float64Array, maxEdits: number, fuzzy: boolean): void {
    if (!this.#terms) this.#build();
    const terms = this.#terms!;
    const owners = this.#owners!;
    const masks = this.#masks!;
    const qMask = letters(q);
    const row = fuzzy ? new Int32Array(q.length + 1) : undefined;
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i]!;
      const owner = owners[i]!;
      let score: number;
      if (term === q) score = 0;
      else if (term.startsWith(q)) score = 0.1 + 0.1 * (1 - q.length / term.length);
      else if (term.includes(q)) score = 0.25 + 0.1 * (1 - q.length / term.length);
      else {
        if (!row || bits(qMask & ~masks[i]!) > maxEdits || term.length < q.length - maxEdits) continue;
        const edits = editsWithin(q, term, maxEdits, row);
        if (edits > maxEdits) continue;
        score = 0.4 + (0.5 * edits) / q.length;
      }
      if (score < best[owner]!) best[owner] = score;
    }
  }
}

/**
 * The fewest edits (insert, delete, substitute) that turn `q` into some substring of `term`
 * (Sellers' approximate substring matching), or `limit + 1` once it cannot be `limit` or fewer.
 */
function editsWithin(q: string, term: string, limit: number, row: Int32Array): number {
  const m = q.length;
  for (let i = 0; i <= m; i++) row[i] = i;
  let best = row[m]!;
  for (let j = 1; j <= term.length; j++) {
    const c = term.charCodeAt(j - 1);
    let diagonal = row[0]!; // D[i-1][j-1]
    row[0] = 0; // a match may start anywhere in the term
    for (let i = 1; i <= m; i++) {
      const above = row[i]!; // D[i][j-1]
      const cost = q.charCodeAt(i - 1) === c ? 0 : 1;
      const value = Math.min(diagonal + cost, above + 1, row[i - 1]! + 1);
      row[i] = value;
      diagonal = above;
    }
    if (row[m]! < best) best = row[m]!;
    if (best === 0) return 0;
  }
  return best <= limit ? best : limit + 1;
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
    const hits: SearchHit[] = [];
    for (const index of this.#indexes) {
      const best = new Float64Array(index.couples.length).fill(2);
      index.scan(q, best, maxEdits, fuzzy);
      for (let i = 0; i < best.length; i++) if (best[i]! < 2) hits.push({ couple: index.couples[i]!, score: best[i]! });
    }
    // A stable sort: equal scores keep the order of the indexes and of each list.
    return hits.sort((a, b) => a.score - b.score).slice(0, limit);
  }
}
