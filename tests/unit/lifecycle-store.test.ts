import type Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import type { DailySchedule } from '../../src/daily/schedule.js';
import { newPoll } from '../../src/polls/model.js';
import { tallyCounts } from '../../src/polls/tally.js';
import { createStore, setAll, type Store } from '../../src/store/index.js';
import { EMPTY_SUMMARY, summarizeKeys } from '../../src/store/lifecycle.js';
import { BACKENDS } from '../support/backends.js';

const VOTERS = 1_200; // more than one page (1,000 keys) of every scan and delete
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const schedule: DailySchedule = {
  channelId: '200000000000000001',
  time: '20:00',
  timezone: 'Asia/Seoul',
  language: 'en',
  enabled: true,
  activeSince: Date.now(),
  round: { order: [], posted: [] },
};

/** Gives a server one of everything the bot stores, through the stores' own functions. */
async function fill(store: Store, guildId: string, voters = VOTERS): Promise<void> {
  await store.daily.save(guildId, schedule);
  await store.daily.claimPost(guildId, '2026-01-01', 1, { holder: 'h', coupleId: 'iu', claimedAt: Date.now() });
  await store.videos.pin(guildId, 'iu', { url: 'https://youtu.be/a', pinnedBy: '1', pinnedAt: 1 });
  await store.videos.pin(guildId, 'eric', { url: 'https://youtu.be/b', pinnedBy: '1', pinnedAt: 1 });
  for (const channel of ['1', '2', '3']) await store.scenes.setLastShown({ guildId }, channel, 'iu');
  const built = newPoll({ id: 'AAAAAAAAAA', guildId, channelId: 'c', starterId: 's', coupleIds: ['a', 'b'], hideCounts: false, lang: 'en', createdAt: Date.now(), durationMs: 600_000 });
  if (!built.ok) throw new Error('poll');
  const poll = built.poll;
  await store.polls.savePoll(poll);
  await store.polls.setOpenPolls(guildId, [{ pollId: poll.id, closesAt: poll.closesAt }]);
  const snapshot = await store.polls.read(guildId, poll.id, []);
  const votes = new Map<string, string>();
  for (let i = 0; i < voters; i++) votes.set(String(400000000000000000n + BigInt(i)), i % 3 ? 'a' : 'b');
  await store.polls.write(snapshot!, { votes });
  await store.polls.claimClose(poll, { closedAt: Date.now(), closeReason: 'manual' });
  const counted = await store.polls.getCounted(guildId, poll.id);
  await store.polls.addToLeaderboard(guildId, poll.id, tallyCounts(poll.coupleIds, counted!.counts));
}

/** Every key the store holds whose text contains `text`, as stored (Keyv's prefix included), expired or not. */
async function rawKeys(keyv: Keyv, text: string): Promise<string[]> {
  const store: unknown = keyv.store;
  if (store instanceof Map) return [...(store as Map<string, unknown>).keys()].filter((k) => k.includes(text));
  if (typeof (store as { query?: unknown }).query === 'function') {
    const rows = await (store as { query: (sql: string, ...args: unknown[]) => Promise<Array<{ key: string }>> }).query('SELECT key FROM keyv WHERE instr(key, ?) > 0', text);
    return rows.map((r) => r.key);
  }
  type Scan = { scan(cursor: string, o: { MATCH: string; COUNT: number }): Promise<{ cursor: string | number; keys: string[] }> };
  const client = await (store as { getClient(): Promise<Scan> }).getClient();
  const keys: string[] = [];
  let cursor = '0';
  do {
    const page = await client.scan(cursor, { MATCH: `*${text}*`, COUNT: 1_000 });
    cursor = String(page.cursor);
    keys.push(...page.keys);
  } while (cursor !== '0');
  return keys;
}

const FULL = { dailySchedule: 1, dailyPosts: 1, pinnedLinks: 2, polls: 1, votes: VOTERS, leaderboard: 1, lastShown: 3, ownStories: 0, storyDrafts: 0, quizGames: 0, quizMembers: 0, quizLeaderboard: 0 };
// …and the poll's counts, its close claim and the server's open-poll list.
const FULL_ENTRIES = VOTERS + 12;

describe.each(BACKENDS)('a whole server’s data on $name', (backend) => {
  describe.skipIf(backend.skip)('', () => {
    it('counts what a server has by kind, leaving out expired values and other servers', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const [g, other] = [guild(), guild()];
        await fill(createStore(a), g);
        await fill(createStore(a), other, 5);
        await a.set(`guild:${g}:scene-last:old`, 'iu', 1);
        await sleep(20);
        const summary = await createStore(b).lifecycle.summarize(g);
        expect(summary).toEqual({ ...FULL, entries: FULL_ENTRIES });
        expect(await createStore(b).lifecycle.summarize(guild())).toEqual(EMPTY_SUMMARY);
      } finally {
        await close();
      }
    });

    it('deletes every key of one server, expired ones included, from another connection, and nothing of any other server', async () => {
      const { a, b, guild, close } = backend.open();
      const writer = createStore(a);
      const deleter = createStore(b);
      const g = guild();
      // A server whose id starts with the same digits: its keys share the text "guild:<g>" but not "guild:<g>:".
      const neighbour = `${g}7`;
      try {
        const other = guild();
        await fill(writer, g);
        await fill(writer, other, 5);
        await fill(writer, neighbour, 5);
        await a.set(`guild:${g}:scene-last:old`, 'iu', 1);
        await sleep(20);
        // Redis drops an expired key itself; the other stores keep it until it is deleted.
        const expiredKept = backend.name.startsWith('Redis') ? 0 : 1;
        expect((await rawKeys(a, `guild:${g}:`)).length).toBe(FULL_ENTRIES + expiredKept);

        const deleted = await deleter.lifecycle.deleteGuild(g);
        expect(deleted).toBe(FULL_ENTRIES + expiredKept);
        expect(await rawKeys(a, `guild:${g}:`)).toEqual([]);
        expect(await writer.daily.get(g)).toBeUndefined();
        expect(await writer.polls.listOpenPolls(g)).toEqual([]);
        expect(await deleter.lifecycle.summarize(g)).toEqual(EMPTY_SUMMARY);
        for (const kept of [other, neighbour]) {
          expect(await deleter.lifecycle.summarize(kept)).toEqual({ ...FULL, votes: 5, entries: 5 + 12 });
          expect(await writer.daily.get(kept)).toEqual(schedule);
        }
        expect(await deleter.lifecycle.deleteGuild(g)).toBe(0);
      } finally {
        await createStore(a).lifecycle.deleteGuild(neighbour);
        await close();
      }
    });

    it('keeps pending removals one key per server, readable from every connection, until cancelled', async () => {
      const { a, b, guild, close } = backend.open();
      const [g1, g2] = [guild(), guild()];
      const [one, two] = [createStore(a).lifecycle, createStore(b).lifecycle];
      try {
        await one.scheduleRemoval({ guildId: g1, removedAt: 10, deleteAt: 20 });
        await two.scheduleRemoval({ guildId: g2, removedAt: 11, deleteAt: 21 });
        const mine = (list: Awaited<ReturnType<typeof one.listRemovals>>) => list.filter((r) => r.guildId === g1 || r.guildId === g2).sort((x, y) => x.deleteAt - y.deleteAt);
        expect(mine(await two.listRemovals())).toEqual([
          { guildId: g1, removedAt: 10, deleteAt: 20 },
          { guildId: g2, removedAt: 11, deleteAt: 21 },
        ]);
        expect(await two.pendingRemoval(g1)).toEqual({ guildId: g1, removedAt: 10, deleteAt: 20 });
        expect(await two.cancelRemoval(g1)).toBe(true);
        expect(await one.cancelRemoval(g1)).toBe(false);
        expect(mine(await one.listRemovals())).toEqual([{ guildId: g2, removedAt: 11, deleteAt: 21 }]);
        // A server's removal record is not its data: deleting the server's keys leaves it.
        await one.deleteGuild(g2);
        expect(await one.pendingRemoval(g2)).toBeDefined();
      } finally {
        await createStore(a).lifecycle.cancelRemoval(g2);
        await close();
      }
    });

    it('claims a name once across connections, and hands a confirmation token out once, to its member only', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const g = guild();
        const name = `test:${g}`;
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => createStore(i % 2 ? a : b).lifecycle.claim(name, 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
        await createStore(a).lifecycle.saveConfirmation(g, 'tokentokentoken1', '42', 60_000);
        expect(await createStore(b).lifecycle.takeConfirmation(g, 'tokentokentoken1', '43')).toBe('not-yours');
        const takes = await Promise.all([a, b, a, b].map((keyv) => createStore(keyv).lifecycle.takeConfirmation(g, 'tokentokentoken1', '42')));
        expect(takes.filter((t) => t === 'taken')).toHaveLength(1);
        expect(takes.filter((t) => t !== 'taken')).toEqual(['unknown', 'unknown', 'unknown']);
        expect(await createStore(a).lifecycle.takeConfirmation(g, 'tokentokentoken1', '42')).toBe('unknown');
        expect(await createStore(a).lifecycle.takeConfirmation(guild(), 'tokentokentoken1', '42')).toBe('unknown');
        await a.delete(`lifecycle:claim:${name}`);
      } finally {
        await close();
      }
    });
  });
});

describe.each(BACKENDS.filter((b) => !b.name.startsWith('Redis')))('deleting every expired value on $name', (backend) => {
  it('removes the expired values of the whole store, in pages, and keeps the rest', async () => {
    const { a, b, guild, close } = backend.open();
    try {
      const g = guild();
      // 2,500 keys under several prefixes, every other one expired: more than two pages.
      const prefixes = ['guild', 'bot', 'lifecycle', 'dm'];
      await setAll(a, Array.from({ length: 2_500 }, (_, i) => ({ key: `${prefixes[i % 4]}:${g}:k${i}`, value: i, ttlMs: i % 2 ? 1 : undefined })));
      await a.set(`guild:${g}:long`, 'x', 60_000);
      await sleep(20);
      const deleted = await createStore(b).lifecycle.deleteExpired();
      expect(deleted).toBeGreaterThanOrEqual(1_250);
      const left = await rawKeys(a, `:${g}:`);
      expect(left).toHaveLength(1_251);
      expect(left.every((k) => k.endsWith(':long') || Number(k.split(':k')[1]) % 2 === 0)).toBe(true);
      expect(await createStore(b).lifecycle.deleteExpired()).toBe(0);
    } finally {
      await close();
    }
  });
});

describe.skipIf(!process.env.TEST_REDIS_URL)('deleting every expired value on Redis', () => {
  it('does nothing: Redis drops expired keys itself', async () => {
    const { a, close } = BACKENDS.find((b) => b.name.startsWith('Redis'))!.open();
    try {
      expect(await createStore(a).lifecycle.deleteExpired()).toBe(0);
    } finally {
      await close();
    }
  });
});

describe('counting a server’s keys by kind', () => {
  it('names each kind of key the stores write, and counts the rest only as entries', () => {
    expect(
      summarizeKeys(['daily', 'daily-post:2026-01-01:1', 'video:iu', 'poll:AAAAAAAAAA', 'poll:AAAAAAAAAA:tally', 'poll:AAAAAAAAAA:vote:1', 'poll:AAAAAAAAAA:close', 'polls-open', 'poll-leaderboard', 'scene-last:1', 'stories', 'story-draft:1:abcdefghijkl', 'something-new', 'quiz:AAAAAAAAAA', 'quiz:AAAAAAAAAA:scores', 'quiz:AAAAAAAAAA:q0:answer:1', 'quiz-solo:1', 'quiz-member:1:counts', 'quiz-solo:2', 'quiz-board:counts', 'quiz-board:2026-11:counts']),
    ).toEqual({ dailySchedule: 1, dailyPosts: 1, pinnedLinks: 1, polls: 1, votes: 1, leaderboard: 1, lastShown: 1, ownStories: 1, storyDrafts: 1, quizGames: 1, quizMembers: 2, quizLeaderboard: 1, entries: 21 });
  });
});
