import { describe, expect, it } from 'vitest';
import { EMPTY_ROUND, nextInRotation, putBack, shuffle, storiesLeft, type Round } from '../../src/daily/rotation.js';
import { catalogue, rotate, seeded } from './helpers.js';

const ids = catalogue.couples.map((c) => c.id);
/** Stories in a round: the whole catalogue, however many it holds. */
const n = ids.length;
const run = (list: readonly string[], count: number, random = seeded(7), round: Round = EMPTY_ROUND) => rotate(list, count, random, round);
/** The round's stories still to come, in order. */
const upcomingOf = (round: Round) => round.order.filter((id) => !round.posted.includes(id));

describe('the daily rotation', () => {
  it('has a catalogue worth rotating (more than a handful of stories)', () => {
    expect(n).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(n);
  });

  it('posts every couple of the catalogue before any repeats, round after round', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { picked } = run(ids, 3 * n, seeded(seed));
      for (let r = 0; r < 3; r++) {
        const round = picked.slice(r * n, r * n + n);
        expect(new Set(round).size).toBe(n);
        expect([...round].sort()).toEqual([...ids].sort());
      }
    }
  });

  it('shuffles: different servers (seeds) get different orders', () => {
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => run(ids, 10, seeded(seed + 1)).picked.join(',')));
    expect(orders.size).toBeGreaterThan(15);
  });

  it('never posts the same couple twice in a row, within a round and across rounds', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { picked } = run(ids, 2 * n + 1, seeded(seed));
      for (let i = 1; i < picked.length; i++) expect(picked[i]).not.toBe(picked[i - 1]);
    }
    // The round boundary, many times: a used-up round whose last story is each of the catalogue's in turn.
    for (let seed = 1; seed <= 300; seed++) {
      const order = shuffle(ids, seeded(seed));
      const used: Round = { order, posted: order };
      const next = nextInRotation(ids, used, seeded(seed + 1000));
      expect(next.id).not.toBe(order.at(-1));
      expect(next.round.posted).toEqual([next.id]);
      expect([...next.round.order].sort()).toEqual([...ids].sort());
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
    expect(storiesLeft(grown, round)).toBe(n - 4 + 2);
    // The rest of the round: the remaining old couples and both new ones, each once, before any repeat.
    const { picked: rest, round: after } = run(grown, n - 4 + 2, seeded(3), round);
    const whole = [...first, ...rest];
    expect(new Set(whole).size).toBe(n + 2);
    expect([...whole].sort()).toEqual([...grown].sort());
    expect(storiesLeft(grown, after)).toBe(n + 2);
    // They join at a random place among the stories still to come, not all at the end.
    const places = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const { round: joined } = run(grown, 1, seeded(seed), round);
      places.add(upcomingOf(joined).indexOf('new-couple-one'));
    }
    expect(places.size).toBeGreaterThan(5);
  });

  it('skips couples removed from the catalogue', () => {
    const { picked: first, round } = run(ids, 3);
    const removed = upcomingOf(round).slice(0, 2);
    const shrunk = ids.filter((id) => !removed.includes(id));
    const { picked: rest, round: after } = run(shrunk, n - 5, seeded(9), round);
    expect(rest.some((id) => removed.includes(id))).toBe(false);
    expect(new Set([...first, ...rest]).size).toBe(n - 2);
    expect(after.order.some((id) => removed.includes(id))).toBe(false);
    // The round is used up: the next pick starts a new one over the n - 2 left.
    expect(storiesLeft(shrunk, after)).toBe(n - 2);
    const { picked: next } = run(shrunk, n - 2, seeded(4), after);
    expect(new Set(next).size).toBe(n - 2);
    expect(next.some((id) => removed.includes(id))).toBe(false);
  });

  it('counts the stories left before a repeat', () => {
    expect(storiesLeft(ids, EMPTY_ROUND)).toBe(n);
    expect(storiesLeft(ids, run(ids, 3).round)).toBe(n - 3);
    expect(storiesLeft(ids, run(ids, n - 1).round)).toBe(1);
    // Used up: the next round is whole again.
    expect(storiesLeft(ids, run(ids, n).round)).toBe(n);
  });

  it('puts back a story that never reached the channel, so it comes next', () => {
    const { picked, round } = run(ids, 3);
    const back = putBack(round, picked[2]!);
    expect(storiesLeft(ids, back)).toBe(n - 2);
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
