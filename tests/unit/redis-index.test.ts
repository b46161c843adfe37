import { createClient } from '@keyv/redis';
import type Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { setAll, setIfAbsent } from '../../src/store/atomic.js';
import { addCounts, readCounts } from '../../src/store/counters.js';
import { createStore } from '../../src/store/index.js';
import { openKeyv } from '../../src/store/keyv.js';
import { EXPIRY_MARGIN_MS, indexCommands, INDEXED_MARKER } from '../../src/store/redis-index.js';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const P = 'kiss::';

describe('which commands index a server’s keys (redis-index.ts)', () => {
  it('a SET with an expiry sets the entry’s score to it; a SET without one to +inf', () => {
    expect(indexCommands(['SET', `${P}guild:42:video:iu`, 'v', 'PX', '60000'], P, NOW)).toEqual([
      ['ZADD', `${P}guild-index:42`, String(NOW + 60_000), 'video:iu'],
      ['ZREMRANGEBYSCORE', `${P}guild-index:42`, '-inf', `(${NOW - EXPIRY_MARGIN_MS}`],
    ]);
    expect(indexCommands(['SET', `${P}guild:42:video:iu`, 'v'], P, NOW)[0]).toEqual(['ZADD', `${P}guild-index:42`, '+inf', 'video:iu']);
  });

  it('a write that may keep the key’s own expiry (SET NX, HINCRBY, a script) only ever raises the score', () => {
    expect(indexCommands(['SET', `${P}guild:42:daily-post:d:1`, 'v', 'NX', 'PX', '1000'], P, NOW)[0]).toEqual(['ZADD', `${P}guild-index:42`, 'GT', String(NOW + 1000), 'daily-post:d:1']);
    expect(indexCommands(['HINCRBY', `${P}guild:42:poll:p:tally`, 'iu', '1'], P, NOW)[0]).toEqual(['ZADD', `${P}guild-index:42`, 'GT', '+inf', 'poll:p:tally']);
    expect(indexCommands(['EVAL', 'return 1', '2', `${P}guild:42:a`, `${P}guild:43:b`, 'arg'], P, NOW).filter((c) => c[0] === 'ZADD')).toEqual([
      ['ZADD', `${P}guild-index:42`, 'GT', '+inf', 'a'],
      ['ZADD', `${P}guild-index:43`, 'GT', '+inf', 'b'],
    ]);
  });

  it('a deletion takes the entry out; removal records have their own index; other keys have none', () => {
    expect(indexCommands(['UNLINK', `${P}guild:42:a`, `${P}other`], P, NOW)).toEqual([['ZREM', `${P}guild-index:42`, 'a']]);
    expect(indexCommands(['SET', `${P}lifecycle:removal:42`, 'v'], P, NOW)[0]).toEqual(['ZADD', `${P}removal-index`, '+inf', '42']);
    for (const key of ['health', 'lifecycle:claim:removal:42:1', 'dm:9:scene-last:1', 'guild-index:42', 'bot:identify:0']) {
      expect(indexCommands(['SET', `${P}${key}`, 'v'], P, NOW), key).toEqual([]);
    }
    expect(indexCommands(['GET', `${P}guild:42:a`], P, NOW)).toEqual([]);
  });
});

const REDIS = process.env.TEST_REDIS_URL;

describe.skipIf(!REDIS)('per-server indexes on Redis (TEST_REDIS_URL)', () => {
  let counter = 0;
  const guild = () => String(BigInt(Date.now()) * 1_000_000n + BigInt(process.pid % 1000) * 1000n + BigInt(++counter));
  const clientOf = async (keyv: Keyv) => (keyv.store as { getClient(): Promise<ReturnType<typeof createClient>> }).getClient();
  /** Every key whose name holds the server's id (SCAN: the test's own check, not the bot's way). */
  const keysNaming = async (keyv: Keyv, guildId: string) => {
    const client = await clientOf(keyv);
    const found: string[] = [];
    for await (const page of client.scanIterator({ MATCH: `*${guildId}*`, COUNT: 1000 })) found.push(...page);
    return found.sort();
  };

  it('index every write of a server’s keys, whichever way it is made, and unindex a deletion', async () => {
    const keyv = openKeyv(REDIS!);
    try {
      const g = guild();
      await keyv.set(`guild:${g}:video:iu`, { url: 'u' });
      await keyv.set(`guild:${g}:scene-last:1`, 'iu', 60_000);
      await keyv.setMany([{ key: `guild:${g}:a`, value: 1 }]);
      expect(await setIfAbsent(keyv, `guild:${g}:daily-post:2026-01-05:1`, { holder: 'x' }, 60_000)).toBe(true);
      await setAll(keyv, [{ key: `guild:${g}:poll:p`, value: 1 }]);
      const client = await clientOf(keyv);
      expect(await client.hIncrBy(`${P}guild:${g}:poll:p:tally`, 'iu', 1)).toBe(1);
      const members = async () => (await client.zRange(`${P}guild-index:${g}`, 0, -1)).sort();
      expect(await members()).toEqual(['a', 'daily-post:2026-01-05:1', 'poll:p', 'poll:p:tally', 'scene-last:1', 'video:iu']);
      // A MULTI's replies are the caller's own, in its order.
      expect(await client.multi().set(`${P}guild:${g}:b`, '1').get(`${P}guild:${g}:b`).exec()).toEqual(['OK', '1']);
      await keyv.delete(`guild:${g}:video:iu`);
      expect(await members()).not.toContain('video:iu');
      expect(await members()).toContain('b');
      expect(await createStore(keyv).lifecycle.deleteGuild(g)).toBe(6);
      expect(await keysNaming(keyv, g)).toEqual([]);
    } finally {
      await keyv.disconnect();
    }
  });

  it('a script on a server’s key runs after a SCRIPT FLUSH (its NOSCRIPT reaches the caller as itself, not as the index’s MULTI error)', async () => {
    const keyv = openKeyv(REDIS!);
    try {
      const g = guild();
      const client = await clientOf(keyv);
      await client.scriptFlush();
      // addCounts runs its script by SHA1 first: on a fresh server, NOSCRIPT, then the script itself.
      expect(await addCounts(keyv, `guild:${g}:poll:p:tally`, [['iu', 2]])).toBe(true);
      expect(Object.fromEntries(await readCounts(keyv, `guild:${g}:poll:p:tally`))).toEqual({ iu: 2 });
      await expect(client.evalSha('0'.repeat(40), { keys: [`${P}guild:${g}:x`], arguments: [] })).rejects.toThrow(/^NOSCRIPT/);
      expect(await createStore(keyv).lifecycle.deleteGuild(g)).toBeGreaterThan(0);
    } finally {
      await keyv.disconnect();
    }
  });

  it('find and delete keys written before the indexes existed, once they are filled, and leave nothing naming the server', async () => {
    const keyv = openKeyv(REDIS!);
    // A client without the index: what an older version of the bot wrote.
    const old = createClient({ url: REDIS! });
    await old.connect();
    try {
      const g = guild();
      const other = guild();
      await old.set(`${P}guild:${g}:video:iu`, JSON.stringify({ value: { url: 'u' } }));
      await old.set(`${P}guild:${g}:poll:p:vote:1`, JSON.stringify({ value: 'iu' }));
      await old.set(`${P}lifecycle:removal:${g}`, JSON.stringify({ value: { removedAt: 1, deleteAt: 2 } }));
      await old.del(`${P}${INDEXED_MARKER}`);
      const store = createStore(keyv);
      await keyv.set(`guild:${other}:video:iu`, { url: 'u' });
      // Before the indexes are filled, the listings scan: nothing is missed meanwhile.
      expect((await store.lifecycle.summarize(g)).entries).toBe(2);
      expect(await store.lifecycle.prepareIndexes()).toBeGreaterThanOrEqual(3);
      expect(await old.get(`${P}${INDEXED_MARKER}`)).toBe('1');
      expect(await store.lifecycle.prepareIndexes()).toBe(0);
      expect(await store.lifecycle.summarize(g)).toMatchObject({ pinnedLinks: 1, votes: 1, entries: 2 });
      expect((await store.lifecycle.listRemovals()).map((r) => r.guildId)).toContain(g);
      const withData: string[] = [];
      for await (const page of store.lifecycle.listGuildsWithData()) withData.push(...page);
      expect(withData).toEqual(expect.arrayContaining([g, other]));

      // A key that expired leaves its entry behind for a while: a listing drops it.
      await keyv.set(`guild:${g}:story-draft:1:t`, 'draft', 30);
      await new Promise((r) => setTimeout(r, 80));
      expect((await store.lifecycle.summarize(g)).entries).toBe(2);

      expect(await store.lifecycle.deleteGuild(g)).toBe(2);
      await store.lifecycle.cancelRemoval(g);
      expect(await keysNaming(keyv, g)).toEqual([]);
      expect(await store.lifecycle.summarize(other)).toMatchObject({ pinnedLinks: 1 });
      await store.lifecycle.deleteGuild(other);
      expect(await keysNaming(keyv, other)).toEqual([]);
    } finally {
      await old.quit();
      await keyv.disconnect();
    }
  });
});
