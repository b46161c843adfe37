import Keyv, { type DeserializedData } from 'keyv';
import { describe, expect, it } from 'vitest';
import { deleteExpired, setAll, setIfAbsent } from '../../src/store/atomic.js';
import { BACKENDS } from '../support/backends.js';

/** Keys unique to this run: the Redis database is shared, and never flushed. */
const run = `atomic-test:${process.pid}-${Date.now()}`;
let n = 0;
const fresh = () => `${run}:${++n}`;

describe.each(BACKENDS)('atomic writes on $name', (backend) => {
  describe.skipIf(backend.skip)('', () => {
    it('of many callers claiming one key at once over two connections, exactly one wins, and keyv.get reads its value', async () => {
      const { a, b, close } = backend.open();
      try {
        for (let round = 0; round < 5; round++) {
          const key = fresh();
          const results = await Promise.all(Array.from({ length: 8 }, (_, i) => setIfAbsent(i % 2 ? a : b, key, { by: i }, 60_000)));
          expect(results.filter(Boolean)).toHaveLength(1);
          const winner = results.indexOf(true);
          expect(await a.get(key)).toEqual({ by: winner });
          expect(await b.get(key)).toEqual({ by: winner });
          await a.delete(key);
        }
      } finally {
        await close();
      }
    });

    it('an expired claim can be taken again; an unexpired one, or a value set without expiry, cannot', async () => {
      const { a, b, close } = backend.open();
      try {
        const key = fresh();
        // Long enough that a loaded machine cannot let it lapse between the two calls.
        expect(await setIfAbsent(a, key, 'first', 600)).toBe(true);
        expect(await setIfAbsent(b, key, 'second', 600)).toBe(false);
        await new Promise((r) => setTimeout(r, 700));
        expect(await setIfAbsent(b, key, 'second', 60_000)).toBe(true);
        expect(await a.get(key)).toBe('second');

        const plain = fresh();
        await a.set(plain, 'kept');
        expect(await setIfAbsent(b, plain, 'other')).toBe(false);
        expect(await b.get(plain)).toBe('kept');
        await a.delete([key, plain]);
      } finally {
        await close();
      }
    });

    it('writes several keys at once, each with its own expiry, all readable through keyv.get', async () => {
      const { a, b, close } = backend.open();
      try {
        const [k1, k2, k3] = [fresh(), fresh(), fresh()];
        await a.set(k1, 'old');
        await setAll(a, [
          { key: k1, value: { counts: [1, 2] } },
          { key: k2, value: 'short', ttlMs: 40 },
          { key: k3, value: null, ttlMs: 60_000 },
        ]);
        expect(await b.getMany([k1, k2])).toEqual([{ counts: [1, 2] }, 'short']);
        expect(await b.get(k3)).toBeNull();
        expect((await b.getRaw(k3))?.expires).toBeGreaterThan(Date.now());
        await new Promise((r) => setTimeout(r, 80));
        expect(await b.get(k2)).toBeUndefined();
        expect(await b.get(k1)).toEqual({ counts: [1, 2] });
        await a.delete([k1, k2, k3]);
      } finally {
        await close();
      }
    });
  });
});

describe.each(BACKENDS.filter((b) => b.name !== 'Redis (TEST_REDIS_URL)'))('deleting expired keys on $name (Redis expires keys itself)', (backend) => {
  it('removes the expired values under a prefix from the store itself, and nothing else', async () => {
    const { a, close } = backend.open();
    try {
      const base = fresh();
      await a.set(`${base}:p:gone`, 1, 1);
      await a.set(`${base}:p:live`, 2, 60_000);
      await a.set(`${base}:p:kept`, 3);
      await a.set(`${base}:q:gone`, 4, 1);
      await a.set(`${base}:p`, 5, 1);
      await new Promise((r) => setTimeout(r, 10));
      await deleteExpired(a, `${base}:p:`);
      const stored = async () => {
        const store: unknown = a.store;
        if (store instanceof Map) return [...(store as Map<string, unknown>).keys()].filter((k) => k.includes(base)).sort();
        const rows = await (store as { query: (sql: string, ...args: unknown[]) => Promise<Array<{ key: string }>> }).query('SELECT key FROM keyv WHERE key LIKE ? ORDER BY key', `%${base}%`);
        return rows.map((r) => r.key);
      };
      expect(await stored()).toEqual([`kiss:${base}:p`, `kiss:${base}:p:kept`, `kiss:${base}:p:live`, `kiss:${base}:q:gone`]);
    } finally {
      await close();
    }
  });
});

describe('atomic writes through Keyv’s own key prefix and serializer', () => {
  it('use a custom serializer, so Keyv reads the values back', async () => {
    const keyv = new Keyv({ serialize: (data) => `v1|${JSON.stringify(data)}`, deserialize: <T>(text: string) => JSON.parse(text.slice(3)) as DeserializedData<T> });
    expect(await setIfAbsent(keyv, 'k', { a: 1 }, 60_000)).toBe(true);
    expect(await setIfAbsent(keyv, 'k', { a: 2 }, 60_000)).toBe(false);
    await setAll(keyv, [{ key: 'm', value: [1] }]);
    expect(await keyv.get('k')).toEqual({ a: 1 });
    expect(await keyv.get('m')).toEqual([1]);
    expect([...(keyv.store as Map<string, string>).keys()]).toEqual(['keyv:k', 'keyv:m']);
    expect((keyv.store as Map<string, string>).get('keyv:k')).toMatch(/^v1\|/);
  });

  it('refuse a store they cannot write atomically', async () => {
    const store = { get: async () => undefined, set: async () => true, delete: async () => true, clear: async () => undefined };
    const keyv = new Keyv({ store });
    await expect(setIfAbsent(keyv, 'k', 1)).rejects.toThrow(/cannot/);
    await expect(setAll(keyv, [{ key: 'k', value: 1 }])).rejects.toThrow(/cannot/);
  });
});
