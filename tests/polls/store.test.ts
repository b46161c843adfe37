import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { newPoll, type Poll } from '../../src/polls/model.js';
import { tallyPoll } from '../../src/polls/tally.js';
import { createPollStore } from '../../src/store/polls.js';

function poll(guildId: string, id: string): Poll {
  const built = newPoll({ id, guildId, channelId: 'c', starterId: 's', coupleIds: ['a', 'b'], hideCounts: false, lang: 'en', createdAt: 0, durationMs: 600_000 });
  if (!built.ok) throw new Error();
  return built.poll;
}

describe('poll store', () => {
  it('keeps polls per server: a poll id read under another server is unknown', async () => {
    const keyv = new Keyv();
    const store = createPollStore(keyv);
    await store.savePoll(poll('g1', 'AAAAAAAAAA'));
    expect(await store.getPoll('g1', 'AAAAAAAAAA')).toMatchObject({ id: 'AAAAAAAAAA', guildId: 'g1' });
    expect(await store.getPoll('g2', 'AAAAAAAAAA')).toBeUndefined();
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA')).toBeDefined();
  });

  it('survives a new store over the same Keyv (a restart)', async () => {
    const keyv = new Keyv();
    await createPollStore(keyv).savePoll({ ...poll('g1', 'AAAAAAAAAA'), votes: { m: 'a' } });
    await createPollStore(keyv).setOpenPolls('g1', [{ pollId: 'AAAAAAAAAA', closesAt: 5 }]);
    const again = createPollStore(keyv);
    expect((await again.getPoll('g1', 'AAAAAAAAAA'))?.votes).toEqual({ m: 'a' });
    expect(await again.listOpenPolls('g1')).toEqual([{ pollId: 'AAAAAAAAAA', closesAt: 5 }]);
    expect(await again.listOpenPolls('g2')).toEqual([]);
  });

  it('lets finished polls expire, so old polls are pruned while the leaderboard keeps their history', async () => {
    const keyv = new Keyv();
    const store = createPollStore(keyv, { closedPollTtlMs: 20 });
    const closed: Poll = { ...poll('g1', 'AAAAAAAAAA'), votes: { m: 'b' }, status: 'closed', finalized: true };
    await store.addToLeaderboard('g1', closed.id, tallyPoll(closed));
    await store.savePoll(closed);
    await store.savePoll(poll('g1', 'BBBBBBBBBB'));
    await new Promise((r) => setTimeout(r, 40));
    expect(await store.getPoll('g1', 'AAAAAAAAAA')).toBeUndefined();
    expect(await store.getPoll('g1', 'BBBBBBBBBB')).toBeDefined();
    expect((await store.getLeaderboard('g1')).couples.b).toEqual({ votes: 1, wins: 1, polls: 1 });
  });

  it('adds a poll to the leaderboard once', async () => {
    const store = createPollStore(new Keyv());
    const tally = tallyPoll({ coupleIds: ['a', 'b'], votes: { m: 'a' } });
    expect(await store.addToLeaderboard('g1', 'AAAAAAAAAA', tally)).toBe(true);
    expect(await store.addToLeaderboard('g1', 'AAAAAAAAAA', tally)).toBe(false);
    expect((await store.getLeaderboard('g1')).polls).toBe(1);
    expect((await store.getLeaderboard('g2')).polls).toBe(0);
  });
});
