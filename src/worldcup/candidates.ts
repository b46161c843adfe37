import { coupleName, type Couple } from '../catalogue/catalogue.js';
import { catalogueFor, type CouplesSource } from '../stories/book.js';
import type { Language } from '../i18n/index.js';
import { clip } from '../polls/text.js';

/**
 * Who may enter a server's World Cup: the one place the candidate pool comes from.
 *
 * The pool is the built-in catalogue and the server's own stories (`/kiss-story`), in
 * `candidatesFor` and nowhere else: the solo game, the server tournament and the size check all
 * ask this pool. A candidate is plain display data in both languages, copied into each run or
 * tournament when it starts, so a run can be shown to the end even if its story later leaves the pool.
 */

/** Text in each language the bot speaks. */
export type Bilingual = Readonly<Record<Language, string>>;

export interface Candidate {
  /** A catalogue couple id or a server story's id: what the leaderboard and statistics count. */
  readonly id: string;
  /** "Park Bo Gum & Kim Yoo Jung" / "박보검 & 김유정" */
  readonly name: Bilingual;
  /** "Love in the Moonlight" / "구르미 그린 달빛" */
  readonly drama: Bilingual;
  /** When the drama aired (a server's own story may not say). */
  readonly year?: number | undefined;
  /** The story's first sentence, clipped: what a card shows under the names. */
  readonly line: Bilingual;
}

export interface CandidatePool {
  /** Every candidate a server's World Cup may draw, in a stable order. */
  candidatesFor(guildId: string): Promise<readonly Candidate[]>;
}

/** Longest story line a card shows. */
export const LINE_MAX = 160;

/** Abbreviations a sentence does not end at ("Dr. Romantic"). */
const ABBREVIATION = /(?:^|\s)(?:Dr|Mr|Mrs|Ms|St|vs)\.$/;

/** The first sentence of a story (or its first `LINE_MAX` characters). */
export function firstSentence(story: string): string {
  const text = story.trim();
  const ends = /[.!?。](?=\s|$)/g;
  for (let match = ends.exec(text); match; match = ends.exec(text)) {
    const head = text.slice(0, match.index + 1);
    if (!ABBREVIATION.test(head)) return clip(head, LINE_MAX);
  }
  return clip(text, LINE_MAX);
}

/** A catalogue couple as a candidate. */
export function candidateOf(couple: Couple): Candidate {
  return {
    id: couple.id,
    name: { en: coupleName(couple, 'en'), ko: coupleName(couple, 'ko') },
    drama: { en: couple.drama.title, ko: couple.drama.korean },
    year: couple.drama.year,
    line: { en: firstSentence(couple.story.en), ko: firstSentence(couple.story.ko) },
  };
}

export interface CandidatePoolDeps {
  /** The couples of each server: the catalogue and the server's own stories. */
  readonly catalogue: CouplesSource;
}

/** The pool: the built-in catalogue and the server's own stories (candidates built once per list of couples). */
export function createCandidatePool({ catalogue }: CandidatePoolDeps): CandidatePool {
  const built = new WeakMap<readonly Couple[], readonly Candidate[]>();
  return {
    async candidatesFor(guildId) {
      const { couples } = await catalogueFor(catalogue, guildId);
      let candidates = built.get(couples);
      if (!candidates) {
        candidates = Object.freeze(couples.map(candidateOf));
        built.set(couples, candidates);
      }
      return candidates;
    },
  };
}
