import { describe, expect, it } from 'vitest';
import { addPollResult, EMPTY_LEADERBOARD, rankLeaderboard, RECENT_POLLS_KEPT } from '../../src/polls/leaderboard.js';
import { tallyPoll } from '../../src/polls/tally.js';

describe('leaderboard aggregate', () => {
  it('adds votes, a win for the winner, and counts the poll', () => {
    const tally = tallyPoll({ coupleIds: ['a', 'b'], votes: { m1: 'a', m2: 'a', m3: 'b' } });
    const { board, applied } = addPollResult(EMPTY_LEADERBOARD, 'p1', tally);
    expect(applied).toBe(true);
    expect(board).toMatchObject({ polls: 1, votes: 3, couples: { a: { votes: 2, wins: 1, polls: 1 }, b: { votes: 1, wins: 0, polls: 1 } } });
  });

  it('gives every tied winner a win, and nobody a win in a poll without votes', () => {
    const tie = tallyPoll({ coupleIds: ['a', 'b', 'c'], votes: { m1: 'a', m2: 'b' } });
    const empty = tallyPoll({ coupleIds: ['a', 'c'], votes: {} });
    let board = addPollResult(EMPTY_LEADERBOARD, 'p1', tie).board;
    board = addPollResult(board, 'p2', empty).board;
    expect(board.couples).toEqual({ a: { votes: 1, wins: 1, polls: 2 }, b: { votes: 1, wins: 1, polls: 1 }, c: { votes: 0, wins: 0, polls: 2 } });
    expect(board.polls).toBe(2);
  });

  it('counts a poll only once', () => {
    const tally = tallyPoll({ coupleIds: ['a', 'b'], votes: { m1: 'a' } });
    const once = addPollResult(EMPTY_LEADERBOARD, 'p1', tally).board;
    const twice = addPollResult(once, 'p1', tally);
    expect(twice.applied).toBe(false);
    expect(twice.board).toBe(once);
  });

  it('remembers a bounded number of recent polls', () => {
    let board = EMPTY_LEADERBOARD;
    const tally = tallyPoll({ coupleIds: ['a', 'b'], votes: {} });
    for (let i = 0; i < RECENT_POLLS_KEPT + 10; i++) board = addPollResult(board, `p${i}`, tally).board;
    expect(board.recent).toHaveLength(RECENT_POLLS_KEPT);
    expect(board.polls).toBe(RECENT_POLLS_KEPT + 10);
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
