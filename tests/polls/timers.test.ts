import { describe, expect, it } from 'vitest';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { KeyedTimers } from '../../src/polls/timers.js';

describe('KeyedTimers', () => {
  it('keeps one timer per key: setting it again replaces the waiting one, cancel removes it', async () => {
    const clock = new ManualClock(0);
    const timers = new KeyedTimers(clock);
    const fired: string[] = [];
    timers.set('a', 100, () => void fired.push('a1'));
    timers.set('a', 200, () => void fired.push('a2'));
    timers.set('b', 50, () => void fired.push('b'));
    timers.cancel('b');
    expect(clock.pending).toBe(1);
    await clock.advance(300);
    expect(fired).toEqual(['a2']);
  });

  it('waits for the work a timer started, and sets nothing once stopped until started again', async () => {
    const clock = new ManualClock(0);
    const timers = new KeyedTimers(clock);
    let release!: () => void;
    let done = false;
    timers.set('a', 10, async () => {
      await new Promise<void>((resolve) => (release = resolve));
      done = true;
      throw new Error('failed work is settled too');
    });
    await clock.advance(10);
    expect(timers.busy).toBe(true);
    const settled = timers.settle();
    release();
    await settled;
    expect(done).toBe(true);
    expect(timers.busy).toBe(false);

    timers.set('b', 10, () => undefined);
    timers.stop();
    expect(clock.pending).toBe(0);
    expect(timers.set('c', 10, () => undefined)).toBe(false);
    expect(clock.pending).toBe(0);
    timers.start();
    expect(timers.set('c', 10, () => undefined)).toBe(true);
    expect(clock.pending).toBe(1);
  });
});
