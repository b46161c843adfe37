import { describe, expect, it } from 'vitest';
import { Batcher, KeyedQueue } from '../../src/polls/serial.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedQueue', () => {
  it('runs tasks of one key one at a time, in order, even when one fails', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string, fail = false) => async () => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      log.push(name);
      running -= 1;
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([queue.run('a', task('1')), queue.run('a', task('2', true)), queue.run('a', task('3'))]);
    expect(log).toEqual(['1', '2', '3']);
    expect(most).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('lets different keys run side by side', async () => {
    const queue = new KeyedQueue();
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      running -= 1;
    };
    await Promise.all([queue.run('a', task), queue.run('b', task)]);
    expect(most).toBe(2);
  });

  it('is idle once everything queued has run', async () => {
    const queue = new KeyedQueue();
    let done = 0;
    void queue.run('a', async () => {
      await tick();
      done += 1;
    });
    void queue.run('b', async () => {
      await tick();
      done += 1;
    });
    await queue.idle();
    expect(done).toBe(2);
  });
});

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
