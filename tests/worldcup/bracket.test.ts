import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/catalogue/random.js';
import {
  BracketError,
  champion,
  choicesToPlay,
  choose,
  closeRound,
  createBracket,
  currentRound,
  decideByVotes,
  BRACKET_SIZES,
  drawBracket,
  entrantsIn,
  headToHeads,
  nextMatch,
  parseBracket,
  pathOf,
  roundsOf,
  seedOrder,
  sizesFor,
  type Bracket,
} from '../../src/worldcup/bracket.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`);
const noTie = { allTimeWins: () => 0, random: () => 0.9 };

/** Plays a whole solo run, always picking what `pick` says. */
function playSolo(bracket: Bracket, pick: (a: string, b: string) => string): { bracket: Bracket; choices: number } {
  let current = bracket;
  let choices = 0;
  for (let next = nextMatch(current); next; next = nextMatch(current)) {
    current = choose(current, next.round, next.index, pick(next.match.a!, next.match.b!));
    choices++;
  }
  return { bracket: current, choices };
}

describe('seeding', () => {
  it('puts seed 1 against the last seed, and seeds 1 and 2 in opposite halves', () => {
    expect(seedOrder(4)).toEqual([0, 3, 1, 2]);
    expect(seedOrder(8)).toEqual([0, 7, 3, 4, 1, 6, 2, 5]);
    const sixteen = seedOrder(16);
    expect(new Set(sixteen).size).toBe(16);
    expect(sixteen.indexOf(0) < 8).toBe(true);
    expect(sixteen.indexOf(1) >= 8).toBe(true);
  });

  it('draws `size` distinct candidates from the pool, the same for the same seed', () => {
    const pool = ids(10);
    const a = drawBracket(pool, 8, seededRandom(7));
    const b = drawBracket(pool, 8, seededRandom(7));
    expect(a).toEqual(b);
    const entrants = a.rounds[0]!.flatMap((m) => [m.a, m.b]);
    expect(new Set(entrants).size).toBe(8);
    for (const e of entrants) expect(pool).toContain(e);
    expect(drawBracket(pool, 8, seededRandom(8))).not.toEqual(a);
  });

  it('refuses a bracket larger than the pool, a bad size and repeated entrants', () => {
    expect(() => drawBracket(ids(10), 16, seededRandom(1))).toThrow(BracketError);
    expect(() => createBracket(ids(6), 6 as 8)).toThrow(/size/);
    expect(() => createBracket(['a', 'a', 'b', 'c'], 4)).toThrow(/distinct/);
    expect(() => createBracket(ids(4), 8)).toThrow(/at least 5/);
  });
});

describe('brackets of 32 and 64', () => {
  it('offers 4 to 64, each size once the pool fills it', () => {
    expect(BRACKET_SIZES).toEqual([4, 8, 16, 32, 64]);
    expect(sizesFor(3)).toEqual([]);
    expect(sizesFor(15)).toEqual([4, 8]);
    expect(sizesFor(32)).toEqual([4, 8, 16, 32]);
    expect(sizesFor(63)).toEqual([4, 8, 16, 32]);
    expect(sizesFor(128)).toEqual([4, 8, 16, 32, 64]);
    expect(() => drawBracket(ids(63), 64, seededRandom(1))).toThrow(/needs 64 candidates; there are 63/);
  });

  it('seeds 64 so that seeds 1 and 2 meet only in the final, and 1 to 4 only in the semi-finals', () => {
    const order = seedOrder(64);
    expect(new Set(order).size).toBe(64);
    expect(order.slice(0, 2)).toEqual([0, 63]);
    const quarter = (seed: number) => Math.floor(order.indexOf(seed) / 16);
    expect(new Set([0, 1, 2, 3].map(quarter)).size).toBe(4);
    // Every first-round pair adds up to 63: the best seed meets the worst.
    for (let i = 0; i < 64; i += 2) expect(order[i]! + order[i + 1]!).toBe(63);
  });

  it('plays 32 and 64 through: 31 and 63 choices, six rounds for 64 named by their entrants', () => {
    for (const size of [32, 64] as const) {
      const bracket = drawBracket(ids(100), size, seededRandom(size));
      const entrants = bracket.rounds[0]!.flatMap((m) => [m.a!, m.b!]);
      expect(new Set(entrants).size).toBe(size);
      expect(choicesToPlay(bracket)).toBe(size - 1);
      const favourite = entrants[size - 1]!;
      const { bracket: done, choices } = playSolo(bracket, (a, b) => (b === favourite ? b : a));
      expect(choices).toBe(size - 1);
      expect(champion(done)).toBe(favourite);
      expect(pathOf(done, favourite)).toHaveLength(roundsOf(size));
      expect(done.rounds.map((r) => r.length)).toEqual(Array.from({ length: roundsOf(size) }, (_, r) => size / 2 ** (r + 1)));
      expect(done.rounds.map((_, r) => entrantsIn(done, r))).toEqual(Array.from({ length: roundsOf(size) }, (_, r) => size / 2 ** r));
      expect(headToHeads(done)).toHaveLength(size - 1);
      expect(parseBracket(JSON.parse(JSON.stringify(done)))).toEqual(done);
    }
  });

  it('closes a round of 64 by votes, 32 matches at once, and runs six rounds to a champion', () => {
    let bracket = createBracket(ids(64), 64);
    for (let round = 0; round < 6; round++) {
      expect(currentRound(bracket)).toBe(round);
      const matches = bracket.rounds[round]!;
      expect(matches).toHaveLength(32 / 2 ** round);
      // The second couple wins every even match, the first every odd one.
      bracket = closeRound(bracket, round, new Map(matches.map((_, i) => [i, i % 2 === 0 ? [1, 4] : [4, 1]] as const)), noTie);
      expect(bracket.rounds[round]!.map((m) => m.winner)).toEqual(matches.map((m, i) => (i % 2 === 0 ? m.b : m.a)));
    }
    expect(currentRound(bracket)).toBeUndefined();
    expect(champion(bracket)).toBeDefined();
    expect(headToHeads(bracket)).toHaveLength(63);
  });

  it('gives byes to the first seeds of a 64 with 40 entrants, and refuses fewer than 33', () => {
    const bracket = createBracket(ids(40), 64);
    expect(bracket.rounds[0]!.filter((m) => m.decidedBy === 'bye')).toHaveLength(24);
    expect(choicesToPlay(bracket)).toBe(39);
    expect(playSolo(bracket, (a) => a).choices).toBe(39);
    expect(() => createBracket(ids(32), 64)).toThrow(/at least 33/);
  });

  it('refuses a stored bracket of another size or with too many rounds', () => {
    const done = playSolo(createBracket(ids(64), 64), (a) => a).bracket;
    expect(() => parseBracket({ size: 128, rounds: done.rounds })).toThrow(/size/);
    expect(() => parseBracket({ size: 64, rounds: [...done.rounds, [{ a: 'c1', b: null }]] })).toThrow(/rounds/);
    expect(() => parseBracket({ size: 32, rounds: done.rounds })).toThrow(/bad rounds/);
    expect(() => parseBracket({ size: 32, rounds: done.rounds.slice(0, 1) })).toThrow(/wrong number of matches/);
  });
});

describe('solo play', () => {
  it('takes 7 choices for 8 and ends with the couple picked every time', () => {
    const bracket = createBracket(ids(8), 8);
    expect(choicesToPlay(bracket)).toBe(7);
    const { bracket: done, choices } = playSolo(bracket, (a, b) => (a === 'c3' || b === 'c3' ? 'c3' : a));
    expect(choices).toBe(7);
    expect(champion(done)).toBe('c3');
    expect(pathOf(done, 'c3')).toHaveLength(3);
    expect(done.rounds.map((r) => r.length)).toEqual([4, 2, 1]);
    expect(headToHeads(done)).toHaveLength(7);
  });

  it('names rounds by entrants: 8, 4, 2 (the final)', () => {
    const bracket = createBracket(ids(8), 8);
    expect([0, 1, 2].map((r) => entrantsIn(bracket, r))).toEqual([8, 4, 2]);
  });

  it('refuses a pick that is not in the match, a decided match and a round not being played', () => {
    const bracket = createBracket(ids(4), 4);
    expect(() => choose(bracket, 0, 0, 'c2')).toThrow(/not in this match/);
    const once = choose(bracket, 0, 0, 'c1');
    expect(() => choose(once, 0, 0, 'c4')).toThrow(/decided/);
    expect(() => choose(once, 1, 0, 'c1')).toThrow(/not being played/);
    expect(() => choose(once, 0, 5, 'c1')).toThrow(/no match/);
  });

  it('gives byes to the first seeds when the pool is short of the size', () => {
    const bracket = createBracket(ids(6), 8);
    const byes = bracket.rounds[0]!.filter((m) => m.decidedBy === 'bye').map((m) => m.winner);
    expect(byes.sort()).toEqual(['c1', 'c2']);
    expect(choicesToPlay(bracket)).toBe(5);
    expect(playSolo(bracket, (a) => a).choices).toBe(5);
  });
});

describe('server rounds decided by votes', () => {
  it('advances the couple with more votes in each match', () => {
    const bracket = createBracket(ids(4), 4);
    const next = closeRound(bracket, 0, new Map([[0, [3, 5] as const], [1, [2, 1] as const]]), noTie);
    expect(next.rounds[0]!.map((m) => [m.winner, m.decidedBy])).toEqual([
      ['c4', 'votes'],
      ['c2', 'votes'],
    ]);
    expect(next.rounds[1]).toEqual([{ a: 'c4', b: 'c2' }]);
    expect(currentRound(next)).toBe(1);
    const final = closeRound(next, 1, new Map([[0, [0, 1] as const]]), noTie);
    expect(champion(final)).toBe('c2');
    expect(currentRound(final)).toBeUndefined();
    expect(() => closeRound(final, 1, new Map(), noTie)).toThrow(/not being played/);
  });

  it('breaks a tie by all-time wins, then by a coin flip, and says which', () => {
    const match = { a: 'x', b: 'y' };
    expect(decideByVotes(match, [2, 2], { allTimeWins: (id) => (id === 'y' ? 3 : 1), random: () => 0 })).toMatchObject({ winner: 'y', decidedBy: 'all-time-wins', allTimeWins: [1, 3] });
    expect(decideByVotes(match, [3, 2], { allTimeWins: () => 9, random: () => 0 })).not.toHaveProperty('allTimeWins');
    expect(decideByVotes(match, [0, 0], { allTimeWins: () => 4, random: () => 0.2 })).toMatchObject({ winner: 'x', decidedBy: 'coin-flip' });
    expect(decideByVotes(match, [0, 0], { allTimeWins: () => 4, random: () => 0.7 })).toMatchObject({ winner: 'y', decidedBy: 'coin-flip' });
  });
});

describe('stored brackets', () => {
  it('reads back what it wrote, and refuses forged or broken state', () => {
    const bracket = choose(createBracket(ids(8), 8), 0, 0, 'c1');
    expect(parseBracket(JSON.parse(JSON.stringify(bracket)))).toEqual(bracket);
    expect(() => parseBracket({ size: 8, rounds: [[]] })).toThrow(BracketError);
    expect(() => parseBracket({ size: 5, rounds: bracket.rounds })).toThrow(/size/);
    const forged = { ...bracket, rounds: [[{ ...bracket.rounds[0]![0]!, winner: 'c99' }, ...bracket.rounds[0]!.slice(1)]] };
    expect(() => parseBracket(forged)).toThrow(/winner/);
    expect(() => parseBracket(null)).toThrow(BracketError);
  });
});
