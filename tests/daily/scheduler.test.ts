import { describe, expect, it } from 'vitest';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { DueHeap } from '../../src/daily/heap.js';
import { DueScheduler } from '../../src/daily/scheduler.js';
import { HOUR, seeded } from './helpers.js';

describe('the due-time heap', () => {
  it('pops keys in due order, each once, whatever the order they were set in', () => {
    const random = seeded(11);
    const heap = new DueHeap();
    const model = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      const key = `g${Math.floor(random() * 300)}`;
      const roll = random();
      if (roll < 0.6) {
        const at = Math.floor(random() * 1e6);
        heap.set(key, at);
        model.set(key, at);
      } else if (roll < 0.8) {
        expect(heap.delete(key)).toBe(model.delete(key));
      } else {
        const top = heap.pop();
        const min = Math.min(...model.values());
        if (model.size === 0) expect(top).toBeUndefined();
        else {
          expect(top?.at).toBe(min);
          expect(model.get(top!.key)).toBe(min);
          model.delete(top!.key);
        }
      }
      expect(heap.size).toBe(model.size);
    }
    const drained: number[] = [];
    for (let e = heap.pop(); e; e = heap.pop()) drained.push(e.at);
    expect(drained).toEqual([...model.values()].sort((a, b) => a - b));
  });

  it('builds from a list in one go, the last time of a repeated key winning', () => {
    const heap = DueHeap.from([
      ['a', 30],
      ['b', 10],
      ['c', 20],
      ['b', 40],
    ]);
    expect(heap.size).toBe(3);
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual([{ key: 'c', at: 20 }, { key: 'a', at: 30 }, { key: 'b', at: 40 }, undefined]);
  });

  it('bulk-adds only keys it does not have yet', () => {
    const heap = new DueHeap();
    heap.set('kept', 50);
    heap.addMissing([
      ['kept', 1],
      ['new', 5],
    ]);
    expect(heap.dueAt('kept')).toBe(50);
    expect(heap.peek()).toEqual({ key: 'new', at: 5 });
  });
});

describe('the scheduler', () => {
  const start = Date.UTC(2026, 2, 10, 0, 0);

  function setup(options: { concurrency?: number; fail?: Set<string> } = {}) {
    const clock = new ManualClock(start);
    const ran: Array<{ key: string; at: number }> = [];
    const errors: string[] = [];
    const scheduler = new DueScheduler({
      clock,
      concurrency: options.concurrency,
      run: async (key) => {
        ran.push({ key, at: clock.now() });
        if (options.fail?.has(key)) throw new Error(`boom ${key}`);
      },
      onError: (key) => errors.push(key),
    });
    return { clock, ran, errors, scheduler };
  }

  it('runs each key at its due time, in order, with a single clock timer for all of them', async () => {
    const { clock, ran, scheduler } = setup();
    scheduler.load([
      ['c', start + 3 * HOUR],
      ['a', start + HOUR],
      ['b', start + 2 * HOUR],
    ]);
    scheduler.start();
    expect(clock.pending).toBe(1);
    scheduler.schedule('d', start + 30 * 60_000);
    expect(clock.pending).toBe(1);
    await clock.advance(4 * HOUR);
    expect(ran).toEqual([
      { key: 'd', at: start + 30 * 60_000 },
      { key: 'a', at: start + HOUR },
      { key: 'b', at: start + 2 * HOUR },
      { key: 'c', at: start + 3 * HOUR },
    ]);
    expect(clock.pending).toBe(0);
  });

  it('waits at most six hours at a time for a far-off key, and still runs it exactly on time', async () => {
    const { clock, ran, scheduler } = setup();
    scheduler.start();
    scheduler.schedule('far', start + 30 * 24 * HOUR);
    await clock.advance(6 * HOUR - 1);
    expect(clock.pending).toBe(1);
    await clock.advance(30 * 24 * HOUR);
    expect(ran).toEqual([{ key: 'far', at: start + 30 * 24 * HOUR }]);
  });

  it('moves and cancels keys', async () => {
    const { clock, ran, scheduler } = setup();
    scheduler.start();
    scheduler.schedule('a', start + HOUR);
    scheduler.schedule('b', start + 2 * HOUR);
    scheduler.schedule('a', start + 3 * HOUR);
    scheduler.cancel('b');
    await clock.advance(4 * HOUR);
    expect(ran).toEqual([{ key: 'a', at: start + 3 * HOUR }]);
  });

  it('runs a key already due at once', async () => {
    const { clock, ran, scheduler } = setup();
    scheduler.load([['late', start - HOUR]]);
    scheduler.start();
    await clock.advance(0);
    expect(ran).toEqual([{ key: 'late', at: start }]);
  });

  it('keeps going when one key fails', async () => {
    const { clock, ran, errors, scheduler } = setup({ fail: new Set(['bad']) });
    scheduler.load([
      ['bad', start + HOUR],
      ['good', start + 2 * HOUR],
    ]);
    scheduler.start();
    await clock.advance(3 * HOUR);
    expect(errors).toEqual(['bad']);
    expect(ran.map((r) => r.key)).toEqual(['bad', 'good']);
  });

  it('never runs more keys at once than its concurrency', async () => {
    const clock = new ManualClock(start);
    let running = 0;
    let most = 0;
    let done = 0;
    const gates: Array<() => void> = [];
    const scheduler = new DueScheduler({
      clock,
      concurrency: 3,
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        done++;
      },
      onError: () => undefined,
    });
    scheduler.load(Array.from({ length: 10 }, (_, i) => [`k${i}`, start] as const));
    scheduler.start();
    await clock.advance(0);
    expect(running).toBe(3);
    while (done < 10) {
      gates.shift()?.();
      await clock.advance(0);
    }
    expect(most).toBe(3);
    expect(scheduler.size).toBe(0);
  });

  it('does not fire before start, nor after stop', async () => {
    const { clock, ran, scheduler } = setup();
    scheduler.schedule('a', start + HOUR);
    await clock.advance(2 * HOUR);
    expect(ran).toEqual([]);
    scheduler.start();
    await clock.advance(0);
    expect(ran.map((r) => r.key)).toEqual(['a']);
    scheduler.schedule('b', clock.now() + HOUR);
    await scheduler.stop();
    await clock.advance(2 * HOUR);
    expect(ran.map((r) => r.key)).toEqual(['a']);
    expect(scheduler.dueAt('b')).toBeDefined();
  });
});
