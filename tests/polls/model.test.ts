import { describe, expect, it } from 'vitest';
import { castVote, closePoll, mayClose, newPoll, withdrawVote, type Poll } from '../../src/polls/model.js';
import { moveVote, noVotes } from '../../src/polls/tally.js';

const base = { id: 'AbCdEfGh12', guildId: 'g', channelId: 'c', starterId: 'starter', hideCounts: false, lang: 'en' as const, createdAt: 1_000, durationMs: 60 * 60_000 };

function open(coupleIds = ['a', 'b', 'c']): Poll {
  const built = newPoll({ ...base, coupleIds });
  if (!built.ok) throw new Error(built.reason);
  return built.poll;
}

describe('a new poll', () => {
  it('is open, has no votes and closes after its duration', () => {
    const poll = open();
    expect(poll).toMatchObject({ status: 'open', closesAt: 1_000 + 3_600_000, question: undefined });
    expect(poll).not.toHaveProperty('votes');
  });

  it('keeps a trimmed question and drops a blank one', () => {
    const built = newPoll({ ...base, coupleIds: ['a', 'b'], question: '  Best kiss?  ' });
    expect(built.ok && built.poll.question).toBe('Best kiss?');
    const blank = newPoll({ ...base, coupleIds: ['a', 'b'], question: '   ' });
    expect(blank.ok && blank.poll.question).toBeUndefined();
  });

  it('needs 2 to 20 distinct couples and a question of at most 200 characters', () => {
    expect(newPoll({ ...base, coupleIds: ['a'] })).toEqual({ ok: false, reason: 'too-few-couples' });
    expect(newPoll({ ...base, coupleIds: Array.from({ length: 21 }, (_, i) => `c${i}`) })).toEqual({ ok: false, reason: 'too-many-couples' });
    expect(newPoll({ ...base, coupleIds: Array.from({ length: 20 }, (_, i) => `c${i}`) }).ok).toBe(true);
    expect(newPoll({ ...base, coupleIds: ['a', 'a'] })).toEqual({ ok: false, reason: 'duplicate-couple' });
    expect(newPoll({ ...base, coupleIds: ['a', 'b'], question: 'x'.repeat(201) })).toEqual({ ok: false, reason: 'question-too-long' });
  });
});

describe('voting', () => {
  it('records a first vote', () => {
    expect(castVote(open(), undefined, 'a', 2_000)).toEqual({ ok: true, outcome: 'new', coupleId: 'a' });
  });

  it('a second vote by the same member replaces the first', () => {
    expect(castVote(open(), 'a', 'b', 3_000)).toEqual({ ok: true, outcome: 'changed', coupleId: 'b', previous: 'a' });
  });

  it('voting again for the same couple changes nothing', () => {
    expect(castVote(open(), 'a', 'a', 3_000)).toEqual({ ok: true, outcome: 'same', coupleId: 'a' });
  });

  it('keeps one vote per member across many members', () => {
    const poll = open();
    const votes = new Map<string, string>();
    let counts = noVotes(poll.coupleIds.length);
    for (const [member, couple] of [['m1', 'a'], ['m2', 'b'], ['m1', 'c'], ['m3', 'a'], ['m2', 'b']] as const) {
      const change = castVote(poll, votes.get(member), couple, 2_000);
      if (!change.ok) throw new Error();
      if (change.outcome !== 'same') counts = moveVote(counts, poll.coupleIds, votes.get(member), couple);
      votes.set(member, couple);
    }
    expect(Object.fromEntries(votes)).toEqual({ m1: 'c', m2: 'b', m3: 'a' });
    expect(counts).toEqual({ counts: [1, 1, 1], voters: 3 });
  });

  it('refuses a couple that is not a candidate, and any vote once closed or past the deadline', () => {
    const poll = open();
    expect(castVote(poll, undefined, 'zzz', 2_000)).toEqual({ ok: false, reason: 'not-a-candidate' });
    expect(castVote(poll, undefined, 'a', poll.closesAt)).toEqual({ ok: false, reason: 'closed' });
    expect(castVote(closePoll(poll, 2_000, 'manual', 'starter').poll, undefined, 'a', 2_000)).toEqual({ ok: false, reason: 'closed' });
  });

  it('does not change the poll it was given', () => {
    const poll = open();
    const before = structuredClone(poll);
    castVote(poll, undefined, 'a', 2_000);
    expect(poll).toEqual(before);
  });
});

describe('withdrawing', () => {
  it('removes the member’s vote and says which it was', () => {
    expect(withdrawVote(open(), 'a', 3_000)).toEqual({ ok: true, outcome: 'withdrawn', previous: 'a' });
    expect(moveVote({ counts: [1, 0, 0], voters: 1 }, ['a', 'b', 'c'], 'a', undefined)).toEqual({ counts: [0, 0, 0], voters: 0 });
  });

  it('without a vote, there is nothing to withdraw', () => {
    expect(withdrawVote(open(), undefined, 2_000)).toMatchObject({ ok: true, outcome: 'none' });
  });

  it('is refused once the poll is closed', () => {
    expect(withdrawVote(closePoll(open(), 2_000, 'deadline').poll, 'a', 2_000)).toEqual({ ok: false, reason: 'closed' });
  });
});

describe('closing', () => {
  it('happens once: closing a closed poll changes nothing', () => {
    const first = closePoll(open(), 5_000, 'manual', 'starter');
    expect(first.outcome).toBe('closed');
    expect(first.poll).toMatchObject({ status: 'closed', closedAt: 5_000, closeReason: 'manual', closedBy: 'starter' });
    const second = closePoll(first.poll, 6_000, 'deadline');
    expect(second).toEqual({ outcome: 'already-closed', poll: first.poll });
  });

  it('is allowed to the starter and to members who may manage the server only', () => {
    const poll = open();
    expect(mayClose(poll, 'starter', false)).toBe(true);
    expect(mayClose(poll, 'someone', true)).toBe(true);
    expect(mayClose(poll, 'someone', false)).toBe(false);
  });
});
