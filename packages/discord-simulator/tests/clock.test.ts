import { describe, expect, it } from 'vitest';
import { JumpClock, ManualClock } from '../src/clock.js';

describe('the manual clock', () => {
  it('fires due timers in order of due time when moved forward, and no others', async () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    const c = clock.setTimeout(() => fired.push('c'), 150);
    clock.setTimeout(() => fired.push('late'), 10_000);
    c.cancel();
    await clock.advance(500);
    expect(fired).toEqual(['a@1100', 'b@1200']);
    expect(clock.now()).toBe(1_500);
    expect(clock.pending).toBe(1);
  });

  it('runs timers that a timer sets, when they fall within the same move', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 50);
    }, 50);
    await clock.advance(120);
    expect(fired).toEqual([50, 100]);
  });
});

describe('the jump clock', () => {
  it('flows with real time and jumps forward, firing what falls due', async () => {
    const clock = new JumpClock();
    const start = clock.now();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 60 * 60 * 1000);
    clock.setTimeout(() => fired.push(2), 2 * 24 * 60 * 60 * 1000);
    await clock.advance(24 * 60 * 60 * 1000);
    expect(fired).toEqual([1]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
    await clock.advance(24 * 60 * 60 * 1000);
    expect(fired).toEqual([1, 2]);
  });

  it('still fires short timers in real time', async () => {
    const clock = new JumpClock();
    const before = clock.now();
    const done = new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), 20));
    // Fires on its own, never earlier than its due time (within the clock's 1 ms tolerance).
    expect((await done) - before).toBeGreaterThanOrEqual(19);
  });
});

describe('the jump clock and the work a timer starts', () => {
  const HOUR = 60 * 60 * 1000;

  it('waits for the work a timer returns before moving on, so the work sees the time it was due at', async () => {
    const clock = new JumpClock();
    const start = clock.now();
    const seen: Array<[string, number]> = [];
    clock.setTimeout(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      seen.push(['work done', clock.now() - start]);
    }, HOUR);
    clock.setTimeout(() => seen.push(['next timer', clock.now() - start]), 2 * HOUR);
    await clock.advance(3 * HOUR);
    expect(seen.map(([what]) => what)).toEqual(['work done', 'next timer']);
    // The work ended before time moved on to the next timer.
    expect(seen[0]![1]).toBeLessThan(2 * HOUR);
  });

  it('stops waiting for work that waits for a later timer of the same clock', async () => {
    const clock = new JumpClock({ workLimitMs: 20 });
    const fired: string[] = [];
    clock.setTimeout(async () => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, HOUR));
      fired.push('first, after the second');
    }, HOUR);
    await clock.advance(3 * HOUR);
    expect(fired).toEqual(['first, after the second']);
  });

  it('moves on from work that fails, and leaves the failure to its owner', async () => {
    const clock = new JumpClock();
    const fired: string[] = [];
    const failing = Promise.reject(new Error('owner reports this'));
    failing.catch(() => fired.push('owner saw the failure'));
    clock.setTimeout(() => failing, HOUR);
    clock.setTimeout(() => fired.push('next timer'), 2 * HOUR);
    await clock.advance(3 * HOUR);
    expect(fired).toEqual(['owner saw the failure', 'next timer']);
  });
});
