import type Fuse from 'fuse.js';
import type { IFuseOptions } from 'fuse.js';
import { fuse } from '../fuzzy.js';
import { coupleName, type Catalogue, type Couple } from './catalogue.js';

/** Lowercase, no spaces or punctuation: "Park  Bo-Gum" and "parkbogum" compare equal. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

interface Term {
  couple: Couple;
  term: string;
}

export interface SearchHit {
  couple: Couple;
  /** 0 is a perfect match, 1 no match at all. */
  score: number;
}

const STRICT = 0.34;
const LOOSE = 0.6;

/**
 * Fuzzy search over every name a fan might type: actors (romanised and Hangul), drama titles (all of
 * them, Korean included), character names and the couple's id. The search indexes are built by the
 * first search (an autocomplete), not at start-up.
 */
export class CoupleSearch {
  readonly #terms: Term[] = [];
  #strict: Fuse<Term> | undefined;
  #loose: Fuse<Term> | undefined;
  readonly #catalogue: Catalogue;

  constructor(catalogue: Catalogue) {
    this.#catalogue = catalogue;
    const terms = this.#terms;
    for (const couple of catalogue.couples) {
      const names = [
        couple.id,
        ...couple.actors.flatMap((a) => [a.name, a.hangul]),
        coupleName(couple),
        coupleName(couple, 'ko'),
        couple.drama.title,
        ...couple.drama.altTitles,
        couple.drama.korean,
        ...(couple.characters ?? []).flatMap((c) => [c.name, c.hangul ?? '']),
      ];
      for (const name of new Set(names.map(normalize))) if (name) terms.push({ couple, term: name });
    }
  }

  #index(threshold: number): Fuse<Term> {
    const Fuse = fuse();
    const options: IFuseOptions<Term> = { keys: ['term'], includeScore: true, ignoreLocation: true, threshold };
    return new Fuse(this.#terms, options);
  }

  /** Couples matching `query`, best first, each couple once. An empty query lists the catalogue in order. */
  search(query: string, limit = 25): SearchHit[] {
    const q = normalize(query);
    if (!q) return this.#catalogue.couples.slice(0, limit).map((couple) => ({ couple, score: 1 }));
    this.#strict ??= this.#index(STRICT);
    return this.#run(this.#strict, q, limit);
  }

  /** The closest names for a query that matched nothing (a looser search), best first. */
  suggest(query: string, limit = 3): Couple[] {
    const q = normalize(query);
    this.#loose ??= this.#index(LOOSE);
    const hits = q ? this.#run(this.#loose, q, limit).map((h) => h.couple) : [];
    return hits.length ? hits : this.#catalogue.couples.slice(0, limit);
  }

  /** The couple a typed value means: an exact id, else the best fuzzy match; undefined when nothing matches. */
  resolve(value: string): Couple | undefined {
    return this.#catalogue.get(value.trim()) ?? this.search(value, 1)[0]?.couple;
  }

  #run(fuse: Fuse<Term>, q: string, limit: number): SearchHit[] {
    const best = new Map<string, SearchHit>();
    for (const result of fuse.search(q.slice(0, 64))) {
      const { couple } = result.item;
      // Prefix and whole-word hits beat mid-word typos of the same score.
      const bonus = result.item.term.startsWith(q) ? 0.5 : 1;
      const score = (result.score ?? 1) * bonus;
      const prev = best.get(couple.id);
      if (!prev || score < prev.score) best.set(couple.id, { couple, score });
    }
    return [...best.values()].sort((a, b) => a.score - b.score).slice(0, limit);
  }
}
