import type { Random } from '../catalogue/random.js';

/*
 * The Kiss-scene World Cup's bracket (이상형 월드컵): two candidates at a time, the winner goes on,
 * until one is left. Plain data in and out, no discord.js: the solo game and the server tournament
 * both play it, and the bracket image draws it.
 *
 * A bracket has `size` slots (4, 8, 16, 32 or 64). Fewer entrants than slots leaves byes: the first seeds
 * meet nobody in the first round and go through. Each round is a list of matches; a match is decided
 * by a choice (solo), by votes (server), and a tie by all-time wins, then by a coin flip.
 */

export const BRACKET_SIZES = [4, 8, 16, 32, 64] as const;
export type BracketSize = (typeof BRACKET_SIZES)[number];
/** The largest size: what ids and stored state are checked against. */
export const MAX_BRACKET_SIZE: number = Math.max(...BRACKET_SIZES);
/** Rounds of the largest bracket (6 for 64: 64강, 32강, 16강, 8강, 4강, the final). */
export const MAX_ROUNDS = Math.log2(MAX_BRACKET_SIZE);

/** How a match was decided, as the message tells it. */
export type Decision = 'choice' | 'votes' | 'all-time-wins' | 'coin-flip' | 'bye';

export interface Match {
  /** The two entrants; null is a bye (nobody). */
  readonly a: string | null;
  readonly b: string | null;
  readonly winner?: string | undefined;
  readonly decidedBy?: Decision | undefined;
  /** The votes when decided by votes (or a tie broken after them). */
  readonly votes?: readonly [number, number] | undefined;
  /** Each side's all-time wins in the server, when they were asked to break a tie. */
  readonly allTimeWins?: readonly [number, number] | undefined;
}

export interface Bracket {
  readonly size: BracketSize;
  /** Round 0 has size/2 matches, the last (the final) one. Later rounds fill as earlier ones end. */
  readonly rounds: readonly (readonly Match[])[];
}

export class BracketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BracketError';
  }
}

/** The sizes a pool of `entrants` candidates fills, every slot taken (the smallest first). */
export function sizesFor(entrants: number): BracketSize[] {
  return BRACKET_SIZES.filter((size) => entrants >= size);
}

export function roundsOf(size: BracketSize): number {
  return Math.log2(size);
}

/** How many entrants a round starts with: 64, 32, 16, 8, 4, 2 (the final). */
export function entrantsIn(bracket: Pick<Bracket, 'size'>, round: number): number {
  return bracket.size / 2 ** round;
}

/** Fisher–Yates with the injected random source. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Standard seeding order for `size` slots: seed 1 meets the last seed, and seeds 1 and 2 can meet
 * only in the final. For 8: [1, 8, 4, 5, 2, 7, 3, 6] (as 0-based seeds).
 */
export function seedOrder(size: number): number[] {
  let order = [0];
  while (order.length < size) {
    const n = order.length * 2;
    order = order.flatMap((seed) => [seed, n - 1 - seed]);
  }
  return order;
}

/**
 * A new bracket of `size` over `entrants` in seed order (the first is seed 1). With fewer entrants
 * than slots, the missing seeds are byes, so the first seeds go through the first round unopposed.
 * Byes are decided at once.
 */
export function createBracket(entrants: readonly string[], size: BracketSize): Bracket {
  if (!BRACKET_SIZES.includes(size)) throw new BracketError(`size must be one of ${BRACKET_SIZES.join(', ')}`);
  if (new Set(entrants).size !== entrants.length) throw new BracketError('entrants must be distinct');
  if (entrants.length > size) throw new BracketError(`${entrants.length} entrants do not fit a bracket of ${size}`);
  if (entrants.length < size / 2 + 1) throw new BracketError(`a bracket of ${size} needs at least ${size / 2 + 1} entrants`);
  const slots = seedOrder(size).map((seed) => entrants[seed] ?? null);
  const first: Match[] = [];
  for (let i = 0; i < size; i += 2) first.push(withBye({ a: slots[i] ?? null, b: slots[i + 1] ?? null }));
  return fill({ size, rounds: [first] });
}

/** Picks `size` entrants at random from `pool` and seeds them at random. */
export function drawBracket(pool: readonly string[], size: BracketSize, random: Random): Bracket {
  if (pool.length < size) throw new BracketError(`a bracket of ${size} needs ${size} candidates; there are ${pool.length}`);
  return createBracket(shuffle(pool, random).slice(0, size), size);
}

function withBye(match: Match): Match {
  if (match.a !== null && match.b === null) return { ...match, winner: match.a, decidedBy: 'bye' };
  if (match.a === null && match.b !== null) return { ...match, winner: match.b, decidedBy: 'bye' };
  return match;
}

/** Adds the next round once every match of the last one is decided (byes only fill at once). */
function fill(bracket: Bracket): Bracket {
  let current = bracket;
  for (;;) {
    const last = current.rounds[current.rounds.length - 1]!;
    if (last.length === 1 || !last.every((m) => m.winner !== undefined)) return current;
    const next: Match[] = [];
    for (let i = 0; i < last.length; i += 2) next.push({ a: last[i]!.winner!, b: last[i + 1]!.winner! });
    current = { ...current, rounds: [...current.rounds, next] };
  }
}

/** The round being played: the last round, while it has an undecided match; undefined once over. */
export function currentRound(bracket: Bracket): number | undefined {
  const index = bracket.rounds.length - 1;
  return bracket.rounds[index]!.some((m) => m.winner === undefined) ? index : undefined;
}

/** The next undecided match (solo play goes one match at a time). */
export function nextMatch(bracket: Bracket): { round: number; index: number; match: Match } | undefined {
  const round = currentRound(bracket);
  if (round === undefined) return undefined;
  const index = bracket.rounds[round]!.findIndex((m) => m.winner === undefined);
  return { round, index, match: bracket.rounds[round]![index]! };
}

export function champion(bracket: Bracket): string | undefined {
  const last = bracket.rounds[bracket.rounds.length - 1]!;
  return last.length === 1 ? last[0]!.winner : undefined;
}

/** How many choices a solo run takes from start to champion (size − 1, less the byes). */
export function choicesToPlay(bracket: Bracket): number {
  return bracket.size - 1 - bracket.rounds[0]!.filter((m) => m.decidedBy === 'bye').length;
}

function decide(bracket: Bracket, round: number, index: number, decided: Match): Bracket {
  const rounds = bracket.rounds.map((r, i) => (i === round ? r.map((m, j) => (j === index ? decided : m)) : r));
  return fill({ ...bracket, rounds });
}

function matchAt(bracket: Bracket, round: number, index: number): Match {
  if (round !== currentRound(bracket)) throw new BracketError(`round ${round + 1} is not being played`);
  const match = bracket.rounds[round]?.[index];
  if (!match) throw new BracketError(`there is no match ${index + 1} in round ${round + 1}`);
  if (match.winner !== undefined) throw new BracketError(`match ${index + 1} of round ${round + 1} is decided`);
  return match;
}

/** Solo play: the member picks `pick` (one of the match's two) as the winner. */
export function choose(bracket: Bracket, round: number, index: number, pick: string): Bracket {
  const match = matchAt(bracket, round, index);
  if (pick !== match.a && pick !== match.b) throw new BracketError(`${pick} is not in this match`);
  return decide(bracket, round, index, { ...match, winner: pick, decidedBy: 'choice' });
}

/** How a server tournament breaks a tie: all-time wins in the server, then a coin flip. */
export interface TieBreak {
  readonly allTimeWins: (coupleId: string) => number;
  readonly random: Random;
}

/** Decides one match from its votes (`votes[0]` for `a`, `votes[1]` for `b`). */
export function decideByVotes(match: Match, votes: readonly [number, number], tie: TieBreak): Match {
  if (match.a === null || match.b === null) return withBye(match);
  const [va, vb] = votes;
  if (va !== vb) return { ...match, votes, winner: va > vb ? match.a : match.b, decidedBy: 'votes' };
  const [wa, wb] = [tie.allTimeWins(match.a), tie.allTimeWins(match.b)];
  const allTimeWins = [wa, wb] as const;
  if (wa !== wb) return { ...match, votes, allTimeWins, winner: wa > wb ? match.a : match.b, decidedBy: 'all-time-wins' };
  return { ...match, votes, allTimeWins, winner: tie.random() < 0.5 ? match.a : match.b, decidedBy: 'coin-flip' };
}

/**
 * Closes the round being played from each match's votes (by match index; a match with no entry
 * had no votes), and opens the next. Byes are already decided.
 */
export function closeRound(bracket: Bracket, round: number, votes: ReadonlyMap<number, readonly [number, number]>, tie: TieBreak): Bracket {
  if (round !== currentRound(bracket)) throw new BracketError(`round ${round + 1} is not being played`);
  const decided = bracket.rounds[round]!.map((m, i) => (m.winner !== undefined ? m : decideByVotes(m, votes.get(i) ?? [0, 0], tie)));
  return fill({ ...bracket, rounds: bracket.rounds.map((r, i) => (i === round ? decided : r)) });
}

/** Every match with two entrants that was decided, as (winner, loser): the head-to-head record. */
export function headToHeads(bracket: Bracket): Array<{ readonly winner: string; readonly loser: string }> {
  return bracket.rounds.flatMap((round) =>
    round.flatMap((m) => (m.winner !== undefined && m.a !== null && m.b !== null ? [{ winner: m.winner, loser: m.winner === m.a ? m.b : m.a }] : [])),
  );
}

/** The champion's way to the title: each match it won, round by round. */
export function pathOf(bracket: Bracket, coupleId: string): Match[] {
  return bracket.rounds.flatMap((round) => round.filter((m) => (m.a === coupleId || m.b === coupleId) && m.winner === coupleId));
}

/** Plain JSON in, a bracket out: refuses anything that is not a consistent bracket (stored state, forged input). */
export function parseBracket(value: unknown): Bracket {
  const fail = (why: string): never => {
    throw new BracketError(`not a bracket: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const { size, rounds } = value as { size?: unknown; rounds?: unknown };
  if (!BRACKET_SIZES.includes(size as BracketSize)) return fail('bad size');
  if (!Array.isArray(rounds) || rounds.length < 1 || rounds.length > roundsOf(size as BracketSize)) return fail('bad rounds');
  const id = (v: unknown) => v === null || (typeof v === 'string' && v.length > 0 && v.length <= 100);
  rounds.forEach((round: unknown, r) => {
    if (!Array.isArray(round) || round.length !== (size as number) / 2 ** (r + 1)) fail(`round ${r + 1} has the wrong number of matches`);
    for (const m of round as unknown[]) {
      const match = m as Partial<Match>;
      if (typeof m !== 'object' || m === null || !id(match.a) || !id(match.b)) fail('bad match');
      if (match.winner !== undefined && match.winner !== match.a && match.winner !== match.b) fail('winner not in its match');
    }
  });
  return value as Bracket;
}
