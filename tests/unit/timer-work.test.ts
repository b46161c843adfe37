/**
 * Each of the bot's clock timers hands the clock the work it started, so a clock that jumps (the
 * playground's) can wait for that work before moving time on, instead of guessing how long it takes.
 */
import { describe, expect, it } from 'vitest';
import type { Clock, TimerCallback } from '../../src/clock.js';
import { DueScheduler } from '../../src/daily/scheduler.js';
import { LiveEdits } from '../../src/polls/live-edits.js';
import { KeyedTimers } from '../../src/polls/timers.js';

/** A clock that never fires on its own: the test fires the newest timer and keeps what it returned. */
class HandClock implements Clock {
  readonly callbacks: TimerCallback[] = [];
  now(): number {
    return 0;
  }
  setTimeout(fn: TimerCallback): { cancel(): void } {
    this.callbacks.push(fn);
    return { cancel: () => undefined };
  }
  fireNewest(): unknown {
    const fn = this.callbacks.at(-1);
    if (!fn) throw new Error('no timer set');
    return fn();
  }
}

/** A promise the test settles, and whether a promise has settled yet. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
async function settled(p: unknown): Promise<boolean> {
  let done = false;
  void (p as Promise<unknown>).then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('a clock timer hands back the work it started', () => {
  it('the daily scheduler: the runs of the keys that fell due', async () => {
    const clock = new HandClock();
    const run = gate();
    const scheduler = new DueScheduler({ clock, run: () => run.promise, onError: () => undefined });
    scheduler.start();
    scheduler.schedule('guild-1', 0);
    const work = clock.fireNewest();
    expect(work).toBeInstanceOf(Promise);
    expect(await settled(work)).toBe(false);
    run.open();
    expect(await settled(work)).toBe(true);
  });

  it('a poll’s timer: what its deadline started', async () => {
    const clock = new HandClock();
    const timers = new KeyedTimers(clock);
    const close = gate();
    timers.set('poll', 1000, () => close.promise);
    const work = clock.fireNewest();
    expect(await settled(work)).toBe(false);
    close.open();
    expect(await settled(work)).toBe(true);
  });

  it('a live poll edit: the edit', async () => {
    const clock = new HandClock();
    const edit = gate();
    const live = new LiveEdits(clock, 2000, () => edit.promise.then(() => 'ok' as const), () => undefined);
    live.touch('poll');
    const work = clock.fireNewest();
    expect(work).toBeInstanceOf(Promise);
    expect(await settled(work)).toBe(false);
    edit.open();
    expect(await settled(work)).toBe(true);
  });
});
