import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { addCounts, countsOf, ONCE_KEPT, readCounts, setMarks, type Mark } from '../../src/store/counters.js';
import { BACKENDS } from '../support/backends.js';

/** Keys unique to this run: the Redis database is shared, and never flushed. */
const run = `counters-test:${process.pid}-${Date.now()}`;
let n = 0;
const fresh = () => `${run}:${++n}`;

describe.each(BACKENDS)('counters on $name', (backend) => {
  describe.skipIf(backend.skip)('', () => {
    it('add deltas to named counters, drop a counter back at zero, and read them all through keyv.get too', async () => {
      const { a, b, close } = backend.open();
      try {
        const key = fresh();
        expect(await readCounts(a, key)).toEqual(new Map());
        expect(await addCounts(a, key, [['x', 2], ['y', 1], ['x', 1]])).toBe(true);
        expect(await addCounts(b, key, [['y', -1], ['z', -4]])).toBe(true);
        expect(await readCounts(b, key)).toEqual(new Map([['x', 3], ['z', -4]]));
        expect(countsOf(await a.get(key))).toEqual(new Map([['x', 3], ['z', -4]]));
        await a.delete(key);
      } finally {
        await close();
      }
    });

    it('lose no increment when two connections add to the same counters at once', async () => {
      const { a, b, close } = backend.open();
      try {
        const key = fresh();
        await Promise.all(Array.from({ length: 60 }, (_, i) => addCounts(i % 2 ? a : b, key, [['all', 1], [`by-${i % 3}`, 2], ['minus', -1]])));
        expect(await readCounts(a, key)).toEqual(new Map([['all', 60], ['by-0', 40], ['by-1', 40], ['by-2', 40], ['minus', -60]]));
        await a.delete(key);
      } finally {
        await close();
      }
    });

    it('apply a step carrying a token once, however many connections repeat it at once', async () => {
      const { a, b, close } = backend.open();
      try {
        const key = fresh();
        const applied = await Promise.all(Array.from({ length: 10 }, (_, i) => addCounts(i % 2 ? a : b, key, [['wins', 1]], { once: `result-${i % 3}` })));
        expect(applied.filter(Boolean)).toHaveLength(3);
        expect(await readCounts(a, key)).toEqual(new Map([['wins', 3]]));
        // Tokens are remembered up to ONCE_KEPT: the oldest is then forgotten.
        for (let i = 0; i < ONCE_KEPT; i++) await addCounts(a, key, [['n', 1]], { once: `t${i}` });
        expect(await addCounts(b, key, [['n', 1]], { once: `t${ONCE_KEPT - 1}` })).toBe(false);
        expect(await addCounts(b, key, [['n', 1]], { once: 'result-0' })).toBe(true);
        await a.delete(key);
      } finally {
        await close();
      }
    });

    it('expire with the expiry of their last change, and keep no expiry without one', async () => {
      const { a, b, close } = backend.open();
      try {
        const [short, kept] = [fresh(), fresh()];
        await addCounts(a, short, [['x', 1]], { ttlMs: 60_000 });
        await addCounts(a, short, [['x', 1]], { ttlMs: 50 });
        await addCounts(a, kept, [['x', 1]], { ttlMs: 50 });
        await addCounts(b, kept, [['x', 1]]);
        await new Promise((r) => setTimeout(r, 120));
        expect(await readCounts(b, short)).toEqual(new Map());
        expect(await readCounts(a, kept)).toEqual(new Map([['x', 2]]));
        await a.delete([short, kept]);
      } finally {
        await close();
      }
    });

    it('store marks and move their counts from each mark as stored when written, however stale the writer’s view', async () => {
      const { a, b, close } = backend.open();
      try {
        const counts = fresh();
        const mark = (member: number, label: string | null): Mark => ({ key: `${counts}:mark:${member}`, label, ttlMs: 60_000 });
        // Forty members, each marked by several writers at once over two connections.
        const writes = Array.from({ length: 120 }, (_, i) => setMarks(i % 2 ? a : b, counts, [mark(i % 40, i % 7 === 0 ? null : `c${i % 3}`), mark((i + 11) % 40, `c${(i + 1) % 3}`)]));
        expect(await Promise.all(writes)).toEqual(writes.map(() => true));
        const stored = await a.getMany<string | null>(Array.from({ length: 40 }, (_, m) => `${counts}:mark:${m}`));
        const expected = new Map<string, number>();
        for (const label of stored) if (typeof label === 'string') expected.set(label, (expected.get(label) ?? 0) + 1);
        expect(await readCounts(b, counts)).toEqual(expected);
        await a.delete([counts, ...Array.from({ length: 40 }, (_, m) => `${counts}:mark:${m}`)]);
      } finally {
        await close();
      }
    });

    it('count a mark kept in an older format by what it counted as, and convert it without undoing a newer one', async () => {
      const { a, b, close } = backend.open();
      try {
        const counts = fresh();
        await addCounts(a, counts, [['x', 2]]);
        const [m1, m2] = [`${counts}:m1`, `${counts}:m2`];
        // m1 counted as x while absent: moving it to y moves one count.
        expect(await setMarks(a, counts, [{ key: m1, label: 'y', absentAs: 'x' }])).toBe(true);
        expect(await readCounts(b, counts)).toEqual(new Map([['x', 1], ['y', 1]]));
        // A conversion (only if absent) leaves m1 as it is now, and stores m2.
        expect(await setMarks(b, counts, [{ key: m1, label: 'x', onlyIfAbsent: true }, { key: m2, label: 'x', absentAs: 'x', onlyIfAbsent: true }])).toBe(true);
        expect(await a.getMany([m1, m2])).toEqual(['y', 'x']);
        expect(await readCounts(a, counts)).toEqual(new Map([['x', 1], ['y', 1]]));
        await a.delete([counts, m1, m2]);
      } finally {
        await close();
      }
    });

    it('write nothing while a fence key holds a live value, and again once it has expired', async () => {
      const { a, b, close } = backend.open();
      try {
        const [counts, fence, m] = [fresh(), fresh(), fresh()];
        await a.set(fence, 'closed', 80);
        expect(await setMarks(b, counts, [{ key: m, label: 'x' }], { unless: fence })).toBe(false);
        expect(await b.get(m)).toBeUndefined();
        expect(await readCounts(a, counts)).toEqual(new Map());
        await new Promise((r) => setTimeout(r, 150));
        expect(await setMarks(b, counts, [{ key: m, label: 'x' }], { unless: fence })).toBe(true);
        expect(await readCounts(a, counts)).toEqual(new Map([['x', 1]]));
        await a.delete([counts, fence, m]);
      } finally {
        await close();
      }
    });
  });
});

describe('counters refuse what they cannot keep exactly', () => {
  it('a delta that is not a whole number, a label Keyv would store as another, a key twice, a store without atomic writes', async () => {
    const keyv = new Keyv();
    await expect(addCounts(keyv, 'k', [['x', 0.5]])).rejects.toThrow(/whole numbers/);
    await expect(setMarks(keyv, 'k', [{ key: 'm', label: ':x' }])).rejects.toThrow(/label/);
    await expect(setMarks(keyv, 'k', [{ key: 'm', label: 'x' }, { key: 'm', label: 'y' }])).rejects.toThrow(/twice/);
    await expect(setMarks(keyv, 'k', [{ key: 'k', label: 'x' }])).rejects.toThrow(/twice/);
    const plain = new Keyv({ store: { get: async () => undefined, set: async () => true, delete: async () => true, clear: async () => undefined } });
    await expect(addCounts(plain, 'k', [['x', 1]])).rejects.toThrow(/cannot/);
  });
});
