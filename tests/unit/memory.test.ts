import { describe, expect, it } from 'vitest';
import { ServerMemory } from '../../src/store/memory.js';

/** A store read that can be held open, counting reads. */
function source<V>(initial: V) {
  let value = initial;
  let reads = 0;
  let held: Array<() => void> = [];
  let holding = false;
  return {
    set: (v: V) => (value = v),
    get reads() {
      return reads;
    },
    hold: () => (holding = true),
    release: () => {
      holding = false;
      const waiting = held;
      held = [];
      waiting.forEach((go) => go());
    },
    load: async (): Promise<V> => {
      reads += 1;
      const seen = value;
      if (holding) await new Promise<void>((resolve) => held.push(resolve));
      return seen;
    },
  };
}

describe('what a store section keeps in memory per server', () => {
  it('reads a value from the store once, then answers from memory', async () => {
    const memory = new ServerMemory<string>();
    const store = source('a');
    expect(await memory.read('g1', 'k', store.load)).toBe('a');
    expect(await memory.read('g1', 'k', store.load)).toBe('a');
    expect(store.reads).toBe(1);
  });

  it('shares one read between callers that ask at the same time', async () => {
    const memory = new ServerMemory<string>();
    const store = source('a');
    store.hold();
    const both = Promise.all([memory.read('g1', 'k', store.load), memory.read('g1', 'k', store.load)]);
    store.release();
    expect(await both).toEqual(['a', 'a']);
    expect(store.reads).toBe(1);
  });

  it('answers what this process wrote at once, without reading the store', async () => {
    const memory = new ServerMemory<string>();
    const store = source('old');
    memory.write('g1', 'k', 'new');
    expect(await memory.read('g1', 'k', store.load)).toBe('new');
    expect(store.reads).toBe(0);
  });

  it('never lets a read that began before a change bring the old value back', async () => {
    const memory = new ServerMemory<string>();
    const store = source('old');
    store.hold();
    const early = memory.read('g1', 'k', store.load);
    memory.write('g1', 'k', 'new');
    store.release();
    expect(await early).toBe('new');
    expect(await memory.read('g1', 'k', store.load)).toBe('new');
    expect(store.reads).toBe(1);
  });

  it('goes back to the store after an invalidation, and not before', async () => {
    const memory = new ServerMemory<string>();
    const store = source('a');
    await memory.read('g1', 'k', store.load);
    store.set('b');
    memory.invalidate('g1', 'k');
    expect(memory.has('g1', 'k')).toBe(false);
    expect(await memory.read('g1', 'k', store.load)).toBe('b');
    expect(store.reads).toBe(2);
  });

  it('refreshes a value older than refreshMs in the background: the reader gets the value held, the next one the fresh one', async () => {
    let now = 1_000;
    const memory = new ServerMemory<string>({ refreshMs: 60_000, now: () => now });
    const store = source('a');
    await memory.read('g1', 'k', store.load);
    store.set('changed elsewhere');
    now += 59_999;
    expect(await memory.read('g1', 'k', store.load)).toBe('a');
    expect(store.reads).toBe(1);
    now += 1;
    expect(await memory.read('g1', 'k', store.load)).toBe('a');
    await Promise.resolve();
    expect(store.reads).toBe(2);
    expect(await memory.read('g1', 'k', store.load)).toBe('changed elsewhere');
  });

  it('keeps the value when a background refresh fails, and tries again a period later', async () => {
    let now = 0;
    const memory = new ServerMemory<string>({ refreshMs: 10, now: () => now });
    await memory.read('g1', 'k', async () => 'a');
    now = 10;
    let attempts = 0;
    const failing = async (): Promise<string> => {
      attempts += 1;
      throw new Error('store down');
    };
    expect(await memory.read('g1', 'k', failing)).toBe('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await memory.read('g1', 'k', failing)).toBe('a');
    expect(attempts).toBe(1);
  });

  it('remembers nothing when the first read fails', async () => {
    const memory = new ServerMemory<string>();
    await expect(memory.read('g1', 'k', async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await memory.read('g1', 'k', async () => 'a')).toBe('a');
  });

  it('forgets a server at once, and only that server', async () => {
    const memory = new ServerMemory<string>();
    memory.write('g1', 'a', '1');
    memory.write('g1', 'b', '2');
    memory.write('g2', 'a', '3');
    memory.forget('g1');
    expect(memory.size).toBe(1);
    expect([memory.has('g1', 'a'), memory.has('g1', 'b'), memory.has('g2', 'a')]).toEqual([false, false, true]);
  });

  it('holds at most maxEntries values, dropping the servers used longest ago', async () => {
    const memory = new ServerMemory<string>({ maxEntries: 4 });
    memory.write('g1', 'a', '1');
    memory.write('g2', 'a', '2');
    memory.write('g3', 'a', '3');
    await memory.read('g1', 'a', async () => 'unused');
    memory.write('g4', 'a', '4');
    memory.write('g5', 'a', '5');
    expect(memory.size).toBe(4);
    expect(['g1', 'g2', 'g3', 'g4', 'g5'].map((g) => memory.has(g, 'a'))).toEqual([true, false, true, true, true]);
  });
});
