import type { Couple } from './catalogue.js';

/** A number in [0, 1), like Math.random; injectable for tests. */
export type Random = () => number;

/**
 * A random couple that is not `previousId` (unless the catalogue has only one couple), so the same
 * story never comes twice in a row.
 */
export function pickRandom(couples: readonly Couple[], previousId: string | undefined, random: Random = Math.random): Couple {
  if (couples.length === 0) throw new Error('The catalogue is empty');
  const pool = couples.length > 1 ? couples.filter((c) => c.id !== previousId) : couples;
  const index = Math.min(pool.length - 1, Math.floor(random() * pool.length));
  return pool[index] as Couple;
}
