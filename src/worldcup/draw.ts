import type { Random } from '../catalogue/random.js';
import { UserError } from '../errors.js';
import { drawBracket, sizesFor, type Bracket, type BracketSize } from './bracket.js';
import type { Candidate } from './candidates.js';
import { defaultSize } from './model.js';

/**
 * Picks the bracket size for a pool: the one asked for when the pool fills it, else a clear refusal;
 * without one, 8 (or 4 for a small pool).
 */
export function chooseSize(poolSize: number, requested: BracketSize | undefined): BracketSize {
  const available = sizesFor(poolSize);
  const largest = available.at(-1);
  if (largest === undefined) throw new UserError('worldcup.errors.tooFewCandidates', { count: poolSize });
  if (requested !== undefined && !available.includes(requested)) {
    throw new UserError('worldcup.errors.sizeTooLarge', { count: requested, stories: poolSize, largest });
  }
  return requested ?? defaultSize(available) ?? largest;
}

/** Draws `size` of the pool's candidates into a bracket; returns it with the entrants it holds. */
export function drawEntrants(pool: readonly Candidate[], size: BracketSize, random: Random): { bracket: Bracket; entrants: Candidate[] } {
  const bracket = drawBracket(pool.map((c) => c.id), size, random);
  const drawn = new Set(bracket.rounds[0]!.flatMap((m) => [m.a, m.b]));
  return { bracket, entrants: pool.filter((c) => drawn.has(c.id)) };
}
