import type { Random } from '../catalogue/random.js';
import { UserError } from '../errors.js';
import { BracketError, createBracket, shuffle, sizesFor, type Bracket, type BracketSize } from './bracket.js';
import type { Candidate } from './candidates.js';
import { defaultSize } from './model.js';

/*
 * Who enters a World Cup: `size` of the pool's candidates, at random, no two of which look alike.
 *
 * A member tells entrants apart by their couple and drama (the buttons, the round messages and the
 * results name them so). The catalogue holds some couples' two scenes of one drama (two kiss scenes
 * of Crash Landing on You, say): two such stories never enter one World Cup, where they would be
 * two identical buttons and "X beat X". Which of them enters is drawn at random each time.
 */

/** What a member sees of a candidate, per language: two candidates alike in either language look the same. */
function looks(candidate: Candidate): string[] {
  return (['en', 'ko'] as const).map((lang) => `${lang}\u0000${candidate.name[lang]}\u0000${candidate.drama[lang]}`);
}

/** The candidates in `order`, leaving out each that looks like one before it. */
export function distinctCandidates(order: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return order.filter((candidate) => {
    const keys = looks(candidate);
    if (keys.some((key) => seen.has(key))) return false;
    for (const key of keys) seen.add(key);
    return true;
  });
}

/**
 * Picks the bracket size for a pool: the one asked for when the pool fills it, else a clear refusal;
 * without one, 8 (or 4 for a small pool). The pool counts its candidates that look different.
 */
export function chooseSize(pool: readonly Candidate[], requested: BracketSize | undefined): BracketSize {
  const count = distinctCandidates(pool).length;
  const available = sizesFor(count);
  const largest = available.at(-1);
  if (largest === undefined) throw new UserError('worldcup.errors.tooFewCandidates', { count });
  if (requested !== undefined && !available.includes(requested)) {
    // Stories that look alike explain why the count is less than the stories the server has.
    if (count < pool.length) throw new UserError('worldcup.errors.sizeTooLargeAlike', { count: requested, stories: count, total: pool.length, largest });
    throw new UserError('worldcup.errors.sizeTooLarge', { count: requested, stories: count, largest });
  }
  return requested ?? defaultSize(available) ?? largest;
}

/** Draws `size` of the pool's candidates (no two alike) into a bracket, seeded at random; returns it with the entrants it holds. */
export function drawEntrants(pool: readonly Candidate[], size: BracketSize, random: Random): { bracket: Bracket; entrants: Candidate[] } {
  const drawn = distinctCandidates(shuffle(pool, random)).slice(0, size);
  if (drawn.length < size) throw new BracketError(`a bracket of ${size} needs ${size} candidates; there are ${drawn.length} that look different`);
  const bracket = createBracket(drawn.map((c) => c.id), size);
  const ids = new Set(drawn.map((c) => c.id));
  return { bracket, entrants: pool.filter((c) => ids.has(c.id)) };
}
