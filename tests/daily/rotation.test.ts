import { describe, expect, it } from 'vitest';
import { EMPTY_ROUND, nextInRotation, putBack, shuffle, storiesLeft, type Round } from '../../src/daily/rotation.js';
import { catalogue, rotate, seeded } from './helpers.js';

const ids = catalogue.couples.map((c) => c.id);
const run = (list: readonly string[], n: number, random = seeded(7), round: Round = EMPTY_ROUND) => rotate(list, n, random, round);

describe('the daily rotation', () => {
  it('posts all ten couples before any repeats, round after round', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { picked } = run(ids, 30, seeded(seed));
      for (let r = 0; r < 3; r++) expect(new Set(picked.slice(r * 10, r * 10 + 10)).size).toBe(10);
    }
  });

  it('shuffles: different servers (seeds) get different orders', () => {
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => run(ids, 10, seeded(seed + 1)).picked.join(',')));
    expect(orders.size).toBeGreaterThan(15);
  });

  it('never posts the same couple twice in a row across rounds', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { picked } = run(ids, 21, seeded(seed));
      for (let i = 1; i < picked.length; i++) expect(picked[i]).not.toBe(picked[i - 1]);
    }
  });

  it('starts a new round whose first story differs from the last one even when the shuffle puts it first', () => {
    // A random source that always returns 0 makes Fisher–Yates rotate: force the clash.
    const zero = () => 0;
    let round: Round = EMPTY_ROUND;
    const picked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const pick = nextInRotation(['a', 'b', 'c'], round, zero);
      picked.push(pick.id);
      round = pick.round;
    }
    for (let i = 1; i < picked.length; i++) expect(picked[i]).not.toBe(picked[i - 1]);
  });

  it('lets couples added to the catalogue join the current round', () => {
    const { picked: first, round } = run(ids, 4);
    const grown = [...ids, 'new-couple-one', 'new-couple-two'];
    const { picked: rest } = run(grown, 8, seeded(3), round);
    // The remaining 6 old couples and both new ones, each once, before any repeat.
    expect(new Set([...first, ...rest]).size).toBe(12);
    expect(rest).toContain('new-couple-one');
    expect(rest).toContain('new-couple-two');
    expect(storiesLeft(grown, round)).toBe(8);
  });

  it('skips couples removed from the catalogue', () => {
    const { picked: first, round } = run(ids, 3);
    const upcoming = round.order.filter((id) => !round.posted.includes(id));
    const removed = upcoming.slice(0, 2);
    const shrunk = ids.filter((id) => !removed.includes(id));
    const { picked: rest, round: after } = run(shrunk, 5, seeded(9), round);
    expect(rest.some((id) => removed.includes(id))).toBe(false);
    expect(new Set([...first, ...rest]).size).toBe(8);
    expect(after.order.some((id) => removed.includes(id))).toBe(false);
    // The round is used up: the next pick starts a new one over the 8 left.
    const { picked: next } = run(shrunk, 8, seeded(4), after);
    expect(new Set(next).size).toBe(8);
  });

  it('counts the stories left before a repeat', () => {
    expect(storiesLeft(ids, EMPTY_ROUND)).toBe(10);
    expect(storiesLeft(ids, run(ids, 3).round)).toBe(7);
    expect(storiesLeft(ids, run(ids, 9).round)).toBe(1);
    // Used up: the next round is whole again.
    expect(storiesLeft(ids, run(ids, 10).round)).toBe(10);
  });

  it('puts back a story that never reached the channel, so it comes next', () => {
    const { picked, round } = run(ids, 3);
    const back = putBack(round, picked[2]!);
    expect(storiesLeft(ids, back)).toBe(8);
    expect(nextInRotation(ids, back, seeded(1)).id).toBe(picked[2]);
    // Only the latest pick can be put back.
    expect(putBack(round, picked[0]!)).toBe(round);
  });

  it('works with a catalogue of one', () => {
    expect(run(['only'], 3).picked).toEqual(['only', 'only', 'only']);
  });

  it('refuses an empty catalogue', () => {
    expect(() => nextInRotation([], EMPTY_ROUND, Math.random)).toThrow(/empty/);
  });

  it('shuffles with the injected random source and keeps every item', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const a = shuffle(items, seeded(5));
    expect(a).toEqual(shuffle(items, seeded(5)));
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
  });
});
