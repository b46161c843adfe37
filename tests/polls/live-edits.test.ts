import { describe, expect, it } from 'vitest';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { LiveEdits, type EditResult } from '../../src/polls/live-edits.js';

function setup(result: () => Promise<EditResult> = async () => 'ok') {
  const clock = new ManualClock(0);
  const edits: number[] = [];
  const errors: unknown[] = [];
  let state = 0;
  let shown = -1;
  const live = new LiveEdits(
    clock,
    2_000,
    async () => {
      edits.push(clock.now());
      const seen = state;
      const r = await result();
      shown = seen;
      return r;
    },
    (_key, error) => errors.push(error),
  );
  return {
    clock,
    edits,
    errors,
    live,
    change: () => {
      state += 1;
      live.touch('p');
    },
    shown: () => shown,
    state: () => state,
  };
}

describe('live edits', () => {
  it('count the interval from the end of the previous edit, so a slow edit and the next reach Discord 2 s apart', async () => {
    let finish: (() => void) | undefined;
    const s = setup(() => new Promise<EditResult>((resolve) => (finish = () => resolve('ok'))));
    s.change();
    await s.clock.advance(0);
    expect(s.edits).toEqual([0]);
    s.change();
    // The first edit takes 1.5 s to be answered.
    await s.clock.advance(1_500);
    finish!();
    await new Promise((resolve) => setImmediate(resolve));
    await s.clock.advance(1_999);
    expect(s.edits).toEqual([0]);
    await s.clock.advance(1);
    expect(s.edits).toEqual([0, 3_500]);
    finish!();
  });

  it('edit at most once per interval however many changes arrive, and end on the final state', async () => {
    const s = setup();
    for (let i = 0; i < 1000; i++) {
      s.change();
      if (i % 100 === 0) await s.clock.advance(150);
    }
    await s.clock.advance(10_000);
    const gaps = s.edits.slice(1).map((t, i) => t - (s.edits[i] ?? 0));
    expect(gaps.every((g) => g >= 2_000)).toBe(true);
    expect(s.edits.length).toBeLessThanOrEqual(2);
    expect(s.shown()).toBe(s.state());
  });

  it('edit right away after a quiet spell', async () => {
    const s = setup();
    s.change();
    await s.clock.advance(0);
    await s.clock.advance(30_000);
    s.change();
    await s.clock.advance(0);
    expect(s.edits).toEqual([0, 30_000]);
  });

  it('stop after the message is gone', async () => {
    const s = setup(async () => 'gone');
    s.change();
    await s.clock.advance(0);
    s.change();
    await s.clock.advance(10_000);
    expect(s.edits).toHaveLength(1);
  });

  it('retry a failed edit a few times, then wait for the next change', async () => {
    const s = setup(async () => {
      throw new Error('503');
    });
    s.change();
    await s.clock.advance(60_000);
    expect(s.edits).toHaveLength(3);
    expect(s.errors).toHaveLength(3);
    s.change();
    await s.clock.advance(0);
    expect(s.edits).toHaveLength(4);
  });

  it('after stop, no edit runs any more', async () => {
    const s = setup();
    s.change();
    await s.clock.advance(0);
    s.change();
    await s.live.stop('p');
    s.change();
    await s.clock.advance(60_000);
    expect(s.edits).toHaveLength(1);
    expect(s.clock.pending).toBe(0);
  });
});
