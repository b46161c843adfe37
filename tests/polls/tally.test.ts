import { describe, expect, it } from 'vitest';
import { countVotes, moveVote, noVotes, sharePercents, tallyCounts, tallyPoll } from '../../src/polls/tally.js';

const votes = (entries: Record<string, string>) => entries;

describe('tally', () => {
  it('counts each member once, in the poll’s order, with the total number of voters', () => {
    const tally = tallyPoll({ coupleIds: ['a', 'b', 'c'], votes: votes({ m1: 'b', m2: 'b', m3: 'a' }) });
    expect(tally.rows.map((r) => [r.coupleId, r.votes])).toEqual([['a', 1], ['b', 2], ['c', 0]]);
    expect(tally.totalVoters).toBe(3);
    expect(tally.winners).toEqual(['b']);
  });

  it('names every tied winner', () => {
    const tally = tallyPoll({ coupleIds: ['a', 'b', 'c'], votes: votes({ m1: 'a', m2: 'c', m3: 'b', m4: 'c', m5: 'a' }) });
    expect(tally.winners).toEqual(['a', 'c']);
  });

  it('has no winner and zero percentages when nobody voted', () => {
    const tally = tallyPoll({ coupleIds: ['a', 'b'], votes: {} });
    expect(tally.winners).toEqual([]);
    expect(tally.rows.map((r) => r.percent)).toEqual([0, 0]);
    expect(tally.totalVoters).toBe(0);
  });

  it('ignores a stored vote for a couple that is not a candidate', () => {
    const tally = tallyPoll({ coupleIds: ['a', 'b'], votes: votes({ m1: 'a', m2: 'gone' }) });
    expect(tally.totalVoters).toBe(1);
  });
});

describe('stored counts', () => {
  it('count each member once per candidate index, ignoring couples that are not candidates', () => {
    expect(countVotes(['a', 'b', 'c'], { m1: 'b', m2: 'b', m3: 'a', m4: 'gone' })).toEqual({ counts: [1, 2, 0], voters: 3 });
    expect(noVotes(3)).toEqual({ counts: [0, 0, 0], voters: 0 });
  });

  it('follow a member’s vote as it is cast, changed and withdrawn', () => {
    const ids = ['a', 'b'];
    const cast = moveVote(noVotes(2), ids, undefined, 'a');
    const changed = moveVote(cast, ids, 'a', 'b');
    expect([cast, changed, moveVote(changed, ids, 'b', undefined)]).toEqual([
      { counts: [1, 0], voters: 1 },
      { counts: [0, 1], voters: 1 },
      { counts: [0, 0], voters: 0 },
    ]);
  });

  it('tally exactly as the votes they were counted from', () => {
    const ids = ['a', 'b', 'c'];
    const votes = { m1: 'a', m2: 'c', m3: 'b', m4: 'c', m5: 'a' };
    expect(tallyCounts(ids, countVotes(ids, votes))).toEqual(tallyPoll({ coupleIds: ids, votes }));
    expect(tallyCounts(ids, { counts: [2, 1, 2], voters: 5 })).toMatchObject({ totalVoters: 5, winners: ['a', 'c'] });
  });
});

describe('percentages', () => {
  const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 10) / 10;

  it('add up to exactly 100 when no tie is in the way', () => {
    expect(sharePercents([1, 2])).toEqual([33.3, 66.7]);
    expect(sharePercents([2, 1, 4])).toEqual([28.6, 14.3, 57.1]);
    expect(sum(sharePercents([7, 3, 1, 0, 9]))).toBe(100);
  });

  it('show equal counts as equal shares, even if the sum falls just short of 100', () => {
    expect(sharePercents([1, 1, 1])).toEqual([33.3, 33.3, 33.3]);
    const shares = sharePercents([3, 3, 1]);
    expect(shares[0]).toBe(shares[1]);
    expect(sum(shares)).toBeLessThanOrEqual(100);
    expect(sum(shares)).toBeGreaterThanOrEqual(99.9);
  });

  it('never exceed 100 and stay within a tenth per candidate of the exact share', () => {
    for (let seed = 1; seed < 200; seed++) {
      const counts = Array.from({ length: 1 + (seed % 20) }, (_, i) => (seed * (i + 7)) % 13);
      const shares = sharePercents(counts);
      const total = counts.reduce((a, b) => a + b, 0);
      expect(sum(shares)).toBeLessThanOrEqual(100);
      counts.forEach((c, i) => {
        if (total) expect(Math.abs((shares[i] ?? 0) - (c * 100) / total)).toBeLessThanOrEqual(0.1 + 1e-9);
      });
    }
  });
});
