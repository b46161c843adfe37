import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv, { type DeserializedData } from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY_ROUND } from '../../src/daily/rotation.js';
import type { DailySchedule } from '../../src/daily/schedule.js';
import { createDailyStore } from '../../src/store/daily.js';
import { openKeyv } from '../../src/store/keyv.js';
import { guildKey } from '../../src/store/keys.js';

const schedule = (n: number): DailySchedule => ({
  channelId: String(200000000000000000n + BigInt(n)),
  time: '20:00',
  timezone: 'Asia/Seoul',
  language: 'en',
  enabled: n % 2 === 0,
  activeSince: 1_770_000_000_000 + n,
  round: { order: ['a', 'b'], posted: ['a'] },
  lastPost: { date: '2026-03-10', coupleId: 'a', state: 'sent', attempts: 1, claimedAt: 1 },
});
const guild = (n: number) => String(100000000000000000n + BigInt(n));

async function fill(keyv: Keyv, count: number) {
  const store = createDailyStore(keyv);
  for (let n = 0; n < count; n++) await store.save(guild(n), schedule(n));
  // Other features' keys, including one that merely ends in "daily", must not be listed.
  await keyv.set(guildKey(guild(0), 'video', 'daily'), { url: 'https://youtu.be/x' });
  await keyv.set(guildKey(guild(1), 'scene-last', '123'), 'a');
  await keyv.set('guild:not-a-number:daily', schedule(0));
  return store;
}

async function listAll(store: ReturnType<typeof createDailyStore>, onInvalid?: (g: string, p: string) => void, include?: (g: string) => boolean) {
  const out = new Map<string, DailySchedule>();
  for await (const batch of store.list({ onInvalid, include })) for (const { guildId, schedule: s } of batch) out.set(guildId, s);
  return out;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the daily store', () => {
  it('keeps one schedule per server under the server\'s key', async () => {
    const keyv = new Keyv();
    const store = createDailyStore(keyv);
    await store.save(guild(1), schedule(1));
    expect(await store.get(guild(1))).toEqual(schedule(1));
    expect(await keyv.get(guildKey(guild(1), 'daily'))).toBeDefined();
    expect(await store.get(guild(2))).toBeUndefined();
    expect(await store.delete(guild(1))).toBe(true);
    expect(await store.get(guild(1))).toBeUndefined();
  });

  it('reads back a round and a post naming a server\'s own story (`own.` ids), and still refuses other ids', async () => {
    const keyv = new Keyv();
    const store = createDailyStore(keyv);
    const own: DailySchedule = { ...schedule(3), round: { order: ['a', 'own.ab12cd34'], posted: ['own.ab12cd34'] }, lastPost: { ...schedule(3).lastPost!, coupleId: 'own.ab12cd34' } };
    await store.save(guild(3), own);
    expect(await store.get(guild(3))).toEqual(own);
    await store.save(guild(4), { ...own, round: { order: ['own.AB'], posted: [] } });
    expect(await store.get(guild(4))).toBeUndefined();
  });

  it('treats an unreadable record as absent, and reports it when listing', async () => {
    const keyv = new Keyv();
    const store = createDailyStore(keyv);
    await keyv.set(guildKey(guild(5), 'daily'), { channelId: 'nope' });
    await store.save(guild(6), { ...schedule(6), round: EMPTY_ROUND });
    expect(await store.get(guild(5))).toBeUndefined();
    const problems: string[] = [];
    const listed = await listAll(store, (g) => problems.push(g));
    expect([...listed.keys()]).toEqual([guild(6)]);
    expect(problems).toEqual([guild(5)]);
  });

  it('reads records written with another serializer through Keyv\'s own', async () => {
    const keyv = new Keyv({ serialize: (data) => `v1|${JSON.stringify(data)}`, deserialize: <T>(text: string) => JSON.parse(text.slice(3)) as DeserializedData<T> });
    const store = await fill(keyv, 5);
    const listed = await listAll(store);
    expect(listed.size).toBe(5);
    expect(listed.get(guild(3))).toEqual(schedule(3));
  });

  it('claims each attempt at a day’s post for one holder only, and lists no claim as a schedule', async () => {
    const keyv = new Keyv();
    const store = createDailyStore(keyv);
    const claim = (holder: string) => ({ holder, coupleId: 'a', claimedAt: 1 });
    const first = await Promise.all([store.claimPost(guild(1), '2026-03-10', 1, claim('x')), store.claimPost(guild(1), '2026-03-10', 1, claim('y'))]);
    expect(first.filter(Boolean)).toHaveLength(1);
    const winner = first[0] ? 'x' : 'y';
    const loser = first[0] ? 'y' : 'x';
    // The winner may ask again (its schedule could not be saved); nobody else may.
    expect(await store.claimPost(guild(1), '2026-03-10', 1, claim(winner))).toBe(true);
    expect(await store.claimPost(guild(1), '2026-03-10', 1, claim(loser))).toBe(false);
    // Another attempt, day or server is another claim.
    expect(await store.claimPost(guild(1), '2026-03-10', 2, claim(loser))).toBe(true);
    expect(await store.claimPost(guild(1), '2026-03-11', 1, claim(loser))).toBe(true);
    expect(await store.claimPost(guild(2), '2026-03-10', 1, claim(loser))).toBe(true);
    expect(await keyv.get(guildKey(guild(1), 'daily-post', '2026-03-10', '1'))).toEqual(claim(winner));
    // Claiming a new day deletes the server's expired claims from the store itself.
    const store2 = keyv.store as Map<string, unknown>;
    await keyv.set(guildKey(guild(1), 'daily-post', '2026-02-01', '1'), claim('old'), 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(store2.has(`keyv:${guildKey(guild(1), 'daily-post', '2026-02-01', '1')}`)).toBe(true);
    expect(await store.claimPost(guild(1), '2026-03-12', 1, claim(loser))).toBe(true);
    expect(store2.has(`keyv:${guildKey(guild(1), 'daily-post', '2026-02-01', '1')}`)).toBe(false);
    expect(store2.has(`keyv:${guildKey(guild(1), 'daily-post', '2026-03-10', '1')}`)).toBe(true);
    await store.save(guild(3), schedule(3));
    expect([...(await listAll(store)).keys()]).toEqual([guild(3)]);
  });

  it('lists every schedule in an in-memory store, and nothing else', async () => {
    const store = await fill(new Keyv(), 50);
    const listed = await listAll(store);
    expect(listed.size).toBe(50);
    expect(listed.get(guild(7))).toEqual(schedule(7));
  });

  it('lists only the servers asked for, without reading the others', async () => {
    const keyv = new Keyv();
    const store = await fill(keyv, 10);
    await keyv.set(guildKey(guild(20), 'daily'), { damaged: true });
    const problems: string[] = [];
    const listed = await listAll(store, (g) => problems.push(g), (g) => g === guild(3) || g === guild(4));
    expect([...listed.keys()].sort()).toEqual([guild(3), guild(4)]);
    expect(problems).toEqual([]);
  });

  it('lists every schedule in a SQLite file with paged key-range queries, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daily-store-'));
    dirs.push(dir);
    const keyv = openKeyv(`sqlite://${join(dir, 'bot.sqlite')}`);
    const store = await fill(keyv, 120);
    const listed = await listAll(store);
    expect(listed.size).toBe(120);
    expect(listed.get(guild(119))).toEqual(schedule(119));
    // An expired record is not listed.
    await keyv.set(guildKey(guild(500), 'daily'), schedule(500), 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await listAll(store)).has(guild(500))).toBe(false);
    await keyv.disconnect();
  });

  it.skipIf(!process.env.TEST_REDIS_URL)('lists every schedule in Redis with SCAN, and nothing else (TEST_REDIS_URL set)', async () => {
    const keyv = openKeyv(process.env.TEST_REDIS_URL as string);
    const store = await fill(keyv, 120);
    try {
      const listed = await listAll(store);
      for (let n = 0; n < 120; n++) expect(listed.get(guild(n))).toEqual(schedule(n));
      expect([...listed.keys()].every((g) => /^\d+$/.test(g))).toBe(true);
    } finally {
      // Remove only what this test wrote: the database may hold other data.
      for (let n = 0; n < 120; n++) await store.delete(guild(n));
      await keyv.delete(guildKey(guild(0), 'video', 'daily'));
      await keyv.delete(guildKey(guild(1), 'scene-last', '123'));
      await keyv.delete('guild:not-a-number:daily');
      await keyv.disconnect();
    }
  });
});
