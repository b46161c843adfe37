import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { newPoll, type Poll } from '../../src/polls/model.js';
import { tallyPoll } from '../../src/polls/tally.js';
import { createPollStore } from '../../src/store/polls.js';
import { BACKENDS } from '../support/backends.js';
import { storedVotes } from './helpers.js';

function poll(guildId: string, id: string, closesIn = 600_000): Poll {
  const built = newPoll({ id, guildId, channelId: 'c', starterId: 's', coupleIds: ['a', 'b'], hideCounts: false, lang: 'en', createdAt: Date.now(), durationMs: closesIn });
  if (!built.ok) throw new Error();
  return built.poll;
}

/** Stores members' votes (undefined: withdrawn) the way a batch does. */
async function vote(store: ReturnType<typeof createPollStore>, p: Poll, votes: Record<string, string | undefined>) {
  const snapshot = await store.read(p.guildId, p.id, Object.keys(votes));
  if (!snapshot) throw new Error('no poll');
  return store.write(snapshot, { votes: new Map(Object.entries(votes)) });
}

describe('poll store', () => {
  it('keeps polls per server: a poll id read under another server is unknown', async () => {
    const keyv = new Keyv();
    const store = createPollStore(keyv);
    await store.savePoll(poll('g1', 'AAAAAAAAAA'));
    expect(await store.getPoll('g1', 'AAAAAAAAAA')).toMatchObject({ id: 'AAAAAAAAAA', guildId: 'g1' });
    expect(await store.getPoll('g2', 'AAAAAAAAAA')).toBeUndefined();
    expect(await store.read('g2', 'AAAAAAAAAA', ['m'])).toBeUndefined();
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA')).toBeDefined();
  });

  it('keeps each vote under its own key and the counts in one record, and survives a new store over the same Keyv (a restart)', async () => {
    const keyv = new Keyv();
    const p = poll('g1', 'AAAAAAAAAA');
    await createPollStore(keyv).savePoll(p);
    await vote(createPollStore(keyv), p, { m1: 'a', m2: 'b', m3: 'a' });
    await vote(createPollStore(keyv), p, { m2: undefined, m3: 'b' });
    await createPollStore(keyv).setOpenPolls('g1', [{ pollId: 'AAAAAAAAAA', closesAt: 5 }]);
    const again = createPollStore(keyv);
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA:vote:m1')).toBe('a');
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA:counts')).toEqual({ n: { a: 1, b: 1 } });
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA')).not.toHaveProperty('votes');
    expect(await storedVotes(keyv, 'g1', 'AAAAAAAAAA')).toEqual({ m1: 'a', m3: 'b' });
    const snapshot = await again.read('g1', 'AAAAAAAAAA', ['m1', 'm2', 'm3', 'm4']);
    expect(snapshot?.votes).toEqual(new Map([['m1', 'a'], ['m2', undefined], ['m3', 'b'], ['m4', undefined]]));
    expect(snapshot?.counts).toEqual({ counts: [1, 1], voters: 2 });
    expect(await again.listOpenPolls('g1')).toEqual([{ pollId: 'AAAAAAAAAA', closesAt: 5 }]);
    expect(await again.listOpenPolls('g2')).toEqual([]);
  });

  it('lets finished polls expire with their counts, and votes expire after the deadline, while the leaderboard keeps the history', async () => {
    const keyv = new Keyv();
    const store = createPollStore(keyv, { closedPollTtlMs: 30 });
    // A poll past its deadline, and one still open for an hour.
    const closed = poll('g1', 'AAAAAAAAAA', -1);
    const open = poll('g1', 'BBBBBBBBBB', 3_600_000);
    for (const p of [closed, open]) {
      await store.savePoll(p);
      await vote(store, p, { m: 'b' });
    }
    await store.addToLeaderboard('g1', closed.id, tallyPoll({ coupleIds: closed.coupleIds, votes: { m: 'b' } }));
    await store.updatePoll('g1', closed.id, (p) => ({ ...p, status: 'closed', finalized: true }));
    await new Promise((r) => setTimeout(r, 60));
    expect(await store.getPoll('g1', 'AAAAAAAAAA')).toBeUndefined();
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA:counts')).toBeUndefined();
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA:vote:m')).toBeUndefined();
    expect(await store.getCounted('g1', 'BBBBBBBBBB')).toMatchObject({ counts: { counts: [0, 1], voters: 1 } });
    expect(await keyv.get('guild:g1:poll:BBBBBBBBBB:vote:m')).toBe('b');
    expect((await store.getLeaderboard('g1')).couples.b).toEqual({ votes: 1, wins: 1, polls: 1 });
    // Expired keys stay in the store until read, or until deleted: then they are gone for good.
    const keys = () => [...(keyv.store as Map<string, unknown>).keys()].filter((k) => k.includes(':poll:')).sort();
    await keyv.set('guild:g1:poll:CCCCCCCCCC:vote:m', 'a', 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(keys()).toContain('keyv:guild:g1:poll:CCCCCCCCCC:vote:m');
    await store.deleteExpired('g1');
    expect(keys()).toEqual(['keyv:guild:g1:poll:BBBBBBBBBB', 'keyv:guild:g1:poll:BBBBBBBBBB:counts', 'keyv:guild:g1:poll:BBBBBBBBBB:vote:m']);
  });

  it('adds a poll to the leaderboard once', async () => {
    const store = createPollStore(new Keyv());
    const tally = tallyPoll({ coupleIds: ['a', 'b'], votes: { m: 'a' } });
    expect(await store.addToLeaderboard('g1', 'AAAAAAAAAA', tally)).toBe(true);
    expect(await store.addToLeaderboard('g1', 'AAAAAAAAAA', tally)).toBe(false);
    expect((await store.getLeaderboard('g1')).polls).toBe(1);
    expect((await store.getLeaderboard('g2')).polls).toBe(0);
  });

  it('deletes a poll with its counts', async () => {
    const keyv = new Keyv();
    const store = createPollStore(keyv);
    const p = poll('g1', 'AAAAAAAAAA');
    await store.savePoll(p);
    await vote(store, p, { m: 'a' });
    await store.deletePoll('g1', p.id);
    expect(await store.getPoll('g1', p.id)).toBeUndefined();
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA:counts')).toBeUndefined();
  });

  it('reads the counts an earlier version kept in one record, and counts on from them', async () => {
    const keyv = new Keyv();
    const store = createPollStore(keyv);
    const p = poll('g1', 'AAAAAAAAAA');
    await store.savePoll(p);
    await keyv.set('guild:g1:poll:AAAAAAAAAA:tally', { counts: [2, 1], voters: 3 });
    await keyv.set('guild:g1:poll:AAAAAAAAAA:vote:m1', 'a');
    await keyv.set('guild:g1:poll:AAAAAAAAAA:vote:m2', 'a');
    await keyv.set('guild:g1:poll:AAAAAAAAAA:vote:m3', 'b');
    await vote(store, p, { m1: 'b', m2: undefined, m4: 'a' });
    expect((await store.getCounted('g1', p.id))?.counts).toEqual({ counts: [1, 2], voters: 3 });
  });
});

describe.each(BACKENDS)('votes from two processes at once, on $name', (backend) => {
  it.skipIf(backend.skip)('lose and double nothing: the counts equal the votes stored, whatever each process read before', async () => {
    const shared = backend.open();
    try {
      const guildId = shared.guild();
      const p = { ...poll(guildId, 'AAAAAAAAAA'), coupleIds: ['a', 'b', 'c'] };
      const [one, two] = [createPollStore(shared.a), createPollStore(shared.b)];
      await one.savePoll(p);
      const members = Array.from({ length: 40 }, (_, i) => `m${i}`);
      // Every batch reads first, then all write: each read is stale by the time it writes.
      const batches = Array.from({ length: 8 }, (_, i) => ({ store: i % 2 ? two : one, votes: members.filter((_, m) => m % 8 === i || m % 5 === i % 5) }));
      const snapshots = await Promise.all(batches.map((b) => b.store.read(guildId, p.id, b.votes)));
      await Promise.all(batches.map((b, i) => b.store.write(snapshots[i]!, { votes: new Map(b.votes.map((m, k) => [m, k % 4 === 3 ? undefined : p.coupleIds[(i + k) % 3]])) })));
      const stored = await shared.b.getMany<string | null>(members.map((m) => `guild:${guildId}:poll:${p.id}:vote:${m}`));
      const expected = p.coupleIds.map((c) => stored.filter((v) => v === c).length);
      expect((await two.getCounted(guildId, p.id))?.counts).toEqual({ counts: expected, voters: expected.reduce((x, y) => x + y, 0) });
      expect(expected.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    } finally {
      await shared.close();
    }
  });

  it.skipIf(backend.skip)('store no vote once the poll’s close is claimed, in any process', async () => {
    const shared = backend.open();
    try {
      const guildId = shared.guild();
      const p = poll(guildId, 'AAAAAAAAAA');
      const [one, two] = [createPollStore(shared.a), createPollStore(shared.b)];
      await one.savePoll(p);
      expect(await vote(one, p, { m1: 'a' })).toBe(true);
      const stale = (await two.read(guildId, p.id, ['m2']))!;
      expect((await one.claimClose(p, { closedAt: Date.now(), closeReason: 'manual' })).won).toBe(true);
      expect(await two.write(stale, { votes: new Map([['m2', 'b']]) })).toBe(false);
      expect((await one.getCounted(guildId, p.id))?.counts).toEqual({ counts: [1, 0], voters: 1 });
      expect(await shared.a.get(`guild:${guildId}:poll:${p.id}:vote:m2`)).toBeUndefined();
    } finally {
      await shared.close();
    }
  });

  it.skipIf(backend.skip)('count two polls finishing at once in the leaderboard, each once', async () => {
    const shared = backend.open();
    try {
      const guildId = shared.guild();
      const [one, two] = [createPollStore(shared.a), createPollStore(shared.b)];
      const first = tallyPoll({ coupleIds: ['a', 'b'], votes: { m1: 'a', m2: 'a', m3: 'b' } });
      const second = tallyPoll({ coupleIds: ['b', 'c'], votes: { m1: 'c' } });
      const added = await Promise.all([
        one.addToLeaderboard(guildId, 'AAAAAAAAAA', first),
        two.addToLeaderboard(guildId, 'BBBBBBBBBB', second),
        two.addToLeaderboard(guildId, 'AAAAAAAAAA', first),
        one.addChampion(guildId, 'worldcup:T', 'b'),
        two.addChampion(guildId, 'worldcup:T', 'b'),
      ]);
      expect(added.filter(Boolean)).toHaveLength(3);
      const board = await one.getLeaderboard(guildId);
      expect(board).toMatchObject({ polls: 2, votes: 4 });
      expect({ ...board.couples }).toEqual({ a: { votes: 2, wins: 1, polls: 1 }, b: { votes: 1, wins: 1, polls: 2 }, c: { votes: 1, wins: 1, polls: 1 } });
    } finally {
      await shared.close();
    }
  });
});

describe('polls stored in the old one-record format', () => {
  const legacy = (p: Poll, votes: Record<string, string>) => ({ ...p, votes });

  it('read as they are: the poll without its votes, the counts and each member’s vote from the record', async () => {
    const keyv = new Keyv();
    const p = poll('g1', 'AAAAAAAAAA');
    await keyv.set('guild:g1:poll:AAAAAAAAAA', legacy(p, { m1: 'a', m2: 'b', m3: 'a', m4: 'gone' }));
    const store = createPollStore(keyv);
    expect(await store.getPoll('g1', p.id)).toEqual(p);
    expect((await store.getCounted('g1', p.id))?.counts).toEqual({ counts: [2, 1], voters: 3 });
    expect((await store.read('g1', p.id, ['m2', 'm9']))?.votes).toEqual(new Map([['m2', 'b'], ['m9', undefined]]));
  });

  it('are converted by their next write, with its changes', async () => {
    const keyv = new Keyv();
    const p = poll('g1', 'AAAAAAAAAA');
    await keyv.set('guild:g1:poll:AAAAAAAAAA', legacy(p, { m1: 'a', m2: 'b', m3: 'a' }));
    const store = createPollStore(keyv);
    await vote(store, p, { m1: 'b', m4: 'b' });
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA')).toEqual(p);
    expect(await storedVotes(keyv, 'g1', p.id)).toEqual({ m1: 'b', m2: 'b', m3: 'a', m4: 'b' });
    expect((await store.getCounted('g1', p.id))?.counts).toEqual({ counts: [1, 3], voters: 4 });
  });

  it('are converted again, without undoing a newer vote, when a conversion was cut off before the poll record was rewritten', async () => {
    const keyv = new Keyv();
    const p = poll('g1', 'AAAAAAAAAA');
    const old = legacy(p, { m1: 'a', m2: 'b', m3: 'a' });
    await keyv.set('guild:g1:poll:AAAAAAAAAA', old);
    const store = createPollStore(keyv);
    await vote(store, p, { m1: 'b' });
    // The old record back, as if the process died between the votes' write and the record's.
    await keyv.set('guild:g1:poll:AAAAAAAAAA', old);
    expect((await store.read('g1', p.id, ['m1']))?.votes.get('m1')).toBe('b');
    expect((await store.getCounted('g1', p.id))?.counts).toEqual({ counts: [1, 2], voters: 3 });
    await vote(store, p, { m4: 'a' });
    expect(await storedVotes(keyv, 'g1', p.id)).toEqual({ m1: 'b', m2: 'b', m3: 'a', m4: 'a' });
    expect((await store.getCounted('g1', p.id))?.counts).toEqual({ counts: [2, 2], voters: 4 });
  });

  it('are converted when only the poll record changes', async () => {
    const keyv = new Keyv();
    const p = poll('g1', 'AAAAAAAAAA');
    await keyv.set('guild:g1:poll:AAAAAAAAAA', legacy({ ...p, status: 'closed' }, { m1: 'a', m2: 'b', m3: 'a' }));
    const store = createPollStore(keyv);
    await store.updatePoll('g1', p.id, (stored) => ({ ...stored, finalized: true, resultsMessageId: '9' }));
    expect(await keyv.get('guild:g1:poll:AAAAAAAAAA')).toEqual({ ...p, status: 'closed', finalized: true, resultsMessageId: '9' });
    expect(await storedVotes(keyv, 'g1', p.id)).toEqual({ m1: 'a', m2: 'b', m3: 'a' });
    expect((await store.getCounted('g1', p.id))?.counts).toEqual({ counts: [2, 1], voters: 3 });
  });
});

describe('claims', () => {
  it('let exactly one of several processes close a poll, and tell the others how it was closed', async () => {
    const keyv = new Keyv();
    const p = poll('g1', 'AAAAAAAAAA');
    const stores = [createPollStore(keyv), createPollStore(new Keyv({ store: keyv.store as Map<string, unknown> }))];
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => stores[i % 2]!.claimClose(p, { closedAt: 100 + i, closeReason: 'manual', closedBy: `m${i}` })),
    );
    const winners = claims.filter((c) => c.won);
    expect(winners).toHaveLength(1);
    expect(new Set(claims.map((c) => c.close.closedBy))).toEqual(new Set([winners[0]!.close.closedBy]));
  });

  it('let one holder at a time post a poll’s results; a release or a lapse frees the lease', async () => {
    const store = createPollStore(new Keyv());
    const held = async (holder: string) => (await store.claimResults('g1', 'AAAAAAAAAA', holder, 30)).held;
    expect(await held('x')).toBe(true);
    expect(await held('y')).toBe(false);
    await store.releaseResults('g1', 'AAAAAAAAAA', 'y');
    expect(await held('y')).toBe(false);
    await store.releaseResults('g1', 'AAAAAAAAAA', 'x');
    expect(await held('y')).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    expect(await held('x')).toBe(true);
  });
});

describe.each(BACKENDS)('the open-poll lists of every server at once, on $name', (backend) => {
  it.skipIf(backend.skip)('are listed in one scan: the servers asked for, with their lists, and nothing else', async () => {
    const shared = backend.open();
    try {
      const [withPolls, another, notAsked, empty] = [shared.guild(), shared.guild(), shared.guild(), shared.guild()];
      const store = createPollStore(shared.a);
      await store.setOpenPolls(withPolls, [{ pollId: 'AAAAAAAAAA', closesAt: 5 }, { pollId: 'BBBBBBBBBB', closesAt: 6 }]);
      await store.setOpenPolls(another, [{ pollId: 'CCCCCCCCCC', closesAt: 7 }]);
      await store.setOpenPolls(notAsked, [{ pollId: 'DDDDDDDDDD', closesAt: 8 }]);
      await store.setOpenPolls(empty, []);
      // Keys that only look alike are not lists.
      await shared.a.set(`guild:${withPolls}:polls-open-x`, [{ pollId: 'EEEEEEEEEE', closesAt: 9 }]);
      await store.savePoll(poll(withPolls, 'AAAAAAAAAA'));
      const asked = new Set([withPolls, another, empty]);
      const lists = await createPollStore(shared.b).listAllOpenPolls((guildId) => asked.has(guildId));
      expect(Object.fromEntries(lists)).toEqual({
        [withPolls]: [{ pollId: 'AAAAAAAAAA', closesAt: 5 }, { pollId: 'BBBBBBBBBB', closesAt: 6 }],
        [another]: [{ pollId: 'CCCCCCCCCC', closesAt: 7 }],
      });
    } finally {
      await shared.close();
    }
  });
});
