import { describe, expect, it } from 'vitest';
import { castVote, closePoll, mayClose, newPoll, withdrawVote, type Poll } from '../../src/polls/model.js';

const base = { id: 'AbCdEfGh12', guildId: 'g', channelId: 'c', starterId: 'starter', hideCounts: false, lang: 'en' as const, createdAt: 1_000, durationMs: 60 * 60_000 };

function open(coupleIds = ['a', 'b', 'c']): Poll {
  const built = newPoll({ ...base, coupleIds });
  if (!built.ok) throw new Error(built.reason);
  return built.poll;
}

describe('a new poll', () => {
  it('is open, has no votes and closes after its duration', () => {
    const poll = open();
    expect(poll).toMatchObject({ status: 'open', votes: {}, closesAt: 1_000 + 3_600_000, question: undefined });
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
    const change = castVote(open(), 'm1', 'a', 2_000);
    expect(change).toMatchObject({ ok: true, outcome: 'new', coupleId: 'a' });
    expect(change.ok && change.poll.votes).toEqual({ m1: 'a' });
  });

  it('a second vote by the same member replaces the first', () => {
    const first = castVote(open(), 'm1', 'a', 2_000);
    if (!first.ok) throw new Error();
    const second = castVote(first.poll, 'm1', 'b', 3_000);
    expect(second).toMatchObject({ ok: true, outcome: 'changed', coupleId: 'b', previous: 'a' });
    expect(second.ok && second.poll.votes).toEqual({ m1: 'b' });
  });

  it('voting again for the same couple changes nothing', () => {
    const first = castVote(open(), 'm1', 'a', 2_000);
    if (!first.ok) throw new Error();
    const again = castVote(first.poll, 'm1', 'a', 3_000);
    expect(again).toMatchObject({ ok: true, outcome: 'same' });
    expect(again.ok && again.poll).toBe(first.poll);
  });

  it('keeps one vote per member across many members', () => {
    let poll = open();
    for (const [member, couple] of [['m1', 'a'], ['m2', 'b'], ['m1', 'c'], ['m3', 'a'], ['m2', 'b']] as const) {
      const change = castVote(poll, member, couple, 2_000);
      if (!change.ok) throw new Error();
      poll = change.poll;
    }
    expect(poll.votes).toEqual({ m1: 'c', m2: 'b', m3: 'a' });
  });

  it('refuses a couple that is not a candidate, and any vote once closed or past the deadline', () => {
    const poll = open();
    expect(castVote(poll, 'm1', 'zzz', 2_000)).toEqual({ ok: false, reason: 'not-a-candidate' });
    expect(castVote(poll, 'm1', 'a', poll.closesAt)).toEqual({ ok: false, reason: 'closed' });
    expect(castVote(closePoll(poll, 2_000, 'manual', 'starter').poll, 'm1', 'a', 2_000)).toEqual({ ok: false, reason: 'closed' });
  });

  it('does not change the poll it was given', () => {
    const poll = open();
    castVote(poll, 'm1', 'a', 2_000);
    expect(poll.votes).toEqual({});
  });
});

describe('withdrawing', () => {
  it('removes the member’s vote and says which it was', () => {
    const voted = castVote(open(), 'm1', 'a', 2_000);
    if (!voted.ok) throw new Error();
    const change = withdrawVote(voted.poll, 'm1', 3_000);
    expect(change).toMatchObject({ ok: true, outcome: 'withdrawn', previous: 'a' });
    expect(change.ok && change.poll.votes).toEqual({});
  });

  it('without a vote, there is nothing to withdraw', () => {
    expect(withdrawVote(open(), 'm1', 2_000)).toMatchObject({ ok: true, outcome: 'none' });
  });

  it('is refused once the poll is closed', () => {
    expect(withdrawVote(closePoll(open(), 2_000, 'deadline').poll, 'm1', 2_000)).toEqual({ ok: false, reason: 'closed' });
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
