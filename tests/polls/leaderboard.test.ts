import { describe, expect, it } from 'vitest';
import { addPollResult, championCounts, EMPTY_LEADERBOARD, leaderboardOf, pollResultCounts, rankLeaderboard } from '../../src/polls/leaderboard.js';
import { tallyPoll } from '../../src/polls/tally.js';

describe('leaderboard aggregate', () => {
  it('adds votes, a win for the winner, and counts the poll', () => {
    const tally = tallyPoll({ coupleIds: ['a', 'b'], votes: { m1: 'a', m2: 'a', m3: 'b' } });
    const board = addPollResult(EMPTY_LEADERBOARD, tally);
    expect(board).toMatchObject({ polls: 1, votes: 3 });
    expect({ ...board.couples }).toEqual({ a: { votes: 2, wins: 1, polls: 1 }, b: { votes: 1, wins: 0, polls: 1 } });
  });

  it('gives every tied winner a win, and nobody a win in a poll without votes', () => {
    const tie = tallyPoll({ coupleIds: ['a', 'b', 'c'], votes: { m1: 'a', m2: 'b' } });
    const empty = tallyPoll({ coupleIds: ['a', 'c'], votes: {} });
    const board = addPollResult(addPollResult(EMPTY_LEADERBOARD, tie), empty);
    expect({ ...board.couples }).toEqual({ a: { votes: 1, wins: 1, polls: 2 }, b: { votes: 1, wins: 1, polls: 1 }, c: { votes: 0, wins: 0, polls: 2 } });
    expect(board.polls).toBe(2);
  });

  it('is the sum of its counters, in any order, on top of a board an earlier version stored', () => {
    const first = pollResultCounts(tallyPoll({ coupleIds: ['a', 'b'], votes: { m1: 'a' } }));
    const second = [...pollResultCounts(tallyPoll({ coupleIds: ['b', 'c'], votes: { m1: 'c', m2: 'c' } })), ...championCounts('b')];
    const earlier = addPollResult(EMPTY_LEADERBOARD, tallyPoll({ coupleIds: ['a', 'c'], votes: { m1: 'a' } }));
    expect(leaderboardOf([...second, ...first], earlier)).toEqual(leaderboardOf([...first, ...second], earlier));
    expect(leaderboardOf([...first, ...second], earlier)).toMatchObject({ polls: 3, votes: 4 });
    expect({ ...leaderboardOf([...first, ...second], earlier).couples }).toEqual({
      a: { votes: 2, wins: 2, polls: 2 },
      b: { votes: 0, wins: 1, polls: 2 },
      c: { votes: 2, wins: 1, polls: 2 },
    });
  });

  it('ignores counters it does not know, and keeps couple ids such as __proto__ as data', () => {
    const board = leaderboardOf([['votes:__proto__', 2], ['polls:__proto__', 1], ['something', 5], ['wins', 1]]);
    expect(Object.hasOwn(board.couples, '__proto__')).toBe(true);
    expect(board).toMatchObject({ polls: 0, votes: 0 });
    expect(rankLeaderboard(board).map((r) => r.coupleId)).toEqual(['__proto__']);
  });

  it('ranks by wins, then votes; equal records share a rank; never-chosen couples are left out', () => {
    const board = {
      ...EMPTY_LEADERBOARD,
      couples: {
        a: { votes: 10, wins: 1, polls: 3 },
        b: { votes: 4, wins: 2, polls: 3 },
        c: { votes: 10, wins: 1, polls: 2 },
        d: { votes: 0, wins: 0, polls: 3 },
        e: { votes: 12, wins: 0, polls: 3 },
      },
    };
    expect(rankLeaderboard(board).map((r) => [r.coupleId, r.rank])).toEqual([['b', 1], ['a', 2], ['c', 2], ['e', 4]]);
  });
});
