import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../src/keyed-queue.js';
import { Batcher } from '../../src/polls/batcher.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('groups operations that arrive while the key is busy, and answers each on its own', async () => {
    const queue = new KeyedQueue();
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(queue, async (_key, ops) => {
      batches.push(ops);
      await tick();
      return ops.map((n) => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 2 }));
    });
    const results = await Promise.allSettled([1, 2, -3, 4].map((n) => batcher.submit('k', n)));
    expect(batches).toEqual([[1, 2, -3, 4]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([2, 4, 'rejected', 8]);
    // Later operations form a new batch.
    await batcher.submit('k', 5);
    expect(batches).toEqual([[1, 2, -3, 4], [5]]);
  });

  it('rejects every operation of a batch that fails as a whole', async () => {
    const batcher = new Batcher<number, number>(new KeyedQueue(), async () => {
      throw new Error('store down');
    });
    const results = await Promise.allSettled([batcher.submit('k', 1), batcher.submit('k', 2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
