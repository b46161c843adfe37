import type { CoupleBook } from '../../src/stories/book.js';
import type { StoryFields } from '../../src/stories/schema.js';
import { createCandidatePool, type Candidate } from '../../src/worldcup/candidates.js';

/** The World Cup candidates `guildId` may draw, from a book of couples. */
export function candidatesOf(couples: CoupleBook, guildId: string): Promise<readonly Candidate[]> {
  return createCandidatePool({ catalogue: couples }).candidatesFor(guildId);
}

/** A valid story, number `n` (a couple and drama of its own). */
export function fields(n: number, changes: Partial<StoryFields> = {}): StoryFields {
  return {
    actors: [{ name: `Actor ${n} Lee` }, { name: `Actor ${n} Kim`, hangul: '김배우' }],
    drama: { title: `Drama ${n}`, year: 2020 },
    story: { en: `Story number ${n}, told in English.` },
    source: `https://www.example.com/story-${n}`,
    ...changes,
  };
}

