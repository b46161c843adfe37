import type { Random } from '../catalogue/random.js';

/**
 * One pass through the catalogue in a shuffled order. `posted` is what this round already posted, in
 * posting order (so its last entry is the story posted most recently).
 */
export interface Round {
  readonly order: readonly string[];
  readonly posted: readonly string[];
}

export const EMPTY_ROUND: Round = Object.freeze({ order: Object.freeze([]), posted: Object.freeze([]) });

export interface RotationPick {
  /** The couple to post now. */
  readonly id: string;
  /** The round to store, with `id` marked as posted. */
  readonly round: Round;
}

/** Fisher–Yates with the injected random source; returns a new array. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The part of the round still to come, in order, for the couples in the catalogue now. */
function upcoming(current: ReadonlySet<string>, round: Round): string[] {
  const posted = new Set(round.posted);
  return round.order.filter((id) => current.has(id) && !posted.has(id));
}

/**
 * The next couple to post and the updated round.
 * - No couple repeats until every couple in the catalogue was posted in this round.
 * - Couples added to the catalogue since the round began join it, each at a random place among
 *   the stories still to come.
 * - Couples removed from the catalogue are skipped (and dropped from the stored round).
 * - When the round is used up a new shuffled round starts, and its first story is not the one
 *   posted last, so nothing is posted twice in a row.
 */
export function nextInRotation(catalogueIds: readonly string[], round: Round, random: Random): RotationPick {
  if (catalogueIds.length === 0) throw new Error('The catalogue is empty');
  const current = new Set(catalogueIds);
  const known = new Set(round.order);
  const posted = round.posted.filter((id) => current.has(id));
  const rest = upcoming(current, round);
  for (const id of shuffle(catalogueIds.filter((id) => !known.has(id)), random)) {
    rest.splice(Math.min(rest.length, Math.floor(random() * (rest.length + 1))), 0, id);
  }

  if (rest.length === 0) {
    const order = shuffle(catalogueIds, random);
    const last = round.posted.at(-1);
    if (order.length > 1 && order[0] === last) {
      const j = 1 + Math.min(order.length - 2, Math.floor(random() * (order.length - 1)));
      [order[0], order[j]] = [order[j] as string, order[0] as string];
    }
    const id = order[0] as string;
    return { id, round: { order, posted: [id] } };
  }

  const id = rest[0] as string;
  return { id, round: { order: [...posted, ...rest], posted: [...posted, id] } };
}

/**
 * Puts back a story that was picked but never reached the channel, so it comes next instead of
 * being counted as seen. Only the most recent pick can be put back.
 */
export function putBack(round: Round, id: string): Round {
  if (round.posted.at(-1) !== id) return round;
  return { order: round.order, posted: round.posted.slice(0, -1) };
}

/**
 * How many stories this round still has before one repeats, counting couples added to the
 * catalogue since it began. When the round is used up, the next round's full size.
 */
export function storiesLeft(catalogueIds: readonly string[], round: Round): number {
  const current = new Set(catalogueIds);
  const posted = new Set(round.posted);
  let left = 0;
  for (const id of current) if (!posted.has(id)) left++;
  return left === 0 ? current.size : left;
}
