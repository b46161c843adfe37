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

/** A seeded random source (mulberry32): the same sequence on every run, for tests and benchmarks. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
