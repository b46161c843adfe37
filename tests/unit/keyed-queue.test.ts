import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../src/keyed-queue.js';

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
    expect(queue.size).toBe(2);
    await queue.idle();
    expect(done).toBe(2);
  });

  it('keeps nothing for a key once its tasks have run', async () => {
    const queue = new KeyedQueue();
    await queue.run('a', async () => 1);
    await expect(queue.run('a', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await queue.idle();
    expect(queue.size).toBe(0);
  });
});
