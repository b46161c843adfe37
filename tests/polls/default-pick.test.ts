import { describe, expect, it } from 'vitest';
import { loadCatalogue, type Couple } from '../../src/catalogue/catalogue.js';
import { seededRandom } from '../../src/catalogue/random.js';
import { pickDefaultCouples } from '../../src/polls/default-pick.js';
import { MAX_COUPLES } from '../../src/polls/model.js';

const catalogue = loadCatalogue();
const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

/** A story shaped like the catalogue's, with its own id, actors and drama. */
function story(id: string, actors: [string, string], drama: { title: string; korean?: string; network?: string; year?: number }): Couple {
  const base = catalogue.couples[0]!;
  return {
    ...base,
    id,
    actors: actors.map((name) => ({ name, hangul: name })),
    drama: { ...base.drama, title: drama.title, korean: drama.korean ?? drama.title, network: drama.network, year: drama.year },
  };
}

/** `count` stories, each its own drama and pair of actors, over the networks and years given (in turn). */
function distinct(count: number, networks: readonly string[], years: readonly number[], prefix = 's'): Couple[] {
  return Array.from({ length: count }, (_, i) =>
    story(`${prefix}-${i}`, [`${prefix} Actor ${i}a`, `${prefix} Actor ${i}b`], { title: `${prefix} Drama ${i}`, network: networks[i % networks.length], year: years[i % years.length] }),
  );
}

const counts = <T,>(values: readonly T[]) => {
  const out = new Map<T, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
};
const byId = (couples: readonly Couple[]) => new Map(couples.map((c) => [c.id, c]));

describe('the default candidates of a poll', () => {
  it('are MAX_COUPLES of the catalogue when it holds more, each once, in the catalogue’s order', () => {
    expect(catalogue.couples.length).toBeGreaterThan(MAX_COUPLES);
    const { coupleIds, pick } = pickDefaultCouples(catalogue.couples, MAX_COUPLES, seededRandom(7));
    expect(coupleIds).toHaveLength(MAX_COUPLES);
    expect(new Set(coupleIds).size).toBe(MAX_COUPLES);
    const order = catalogue.couples.map((c) => c.id);
    expect(coupleIds).toEqual(order.filter((id) => coupleIds.includes(id)));
    expect(pick).toEqual({ from: catalogue.couples.length, how: 'varied' });
  });

  it('never hold two stories of one drama, nor an actor twice, nor more than 5 of a network or 3 of a year', () => {
    const ids = byId(catalogue.couples);
    // The catalogue does hold dramas told twice and actors in several stories: the rules have work to do.
    expect(new Set(catalogue.couples.map((c) => c.drama.title)).size).toBeLessThan(catalogue.couples.length);
    expect(new Set(catalogue.couples.flatMap((c) => c.actors.map((a) => a.name))).size).toBeLessThan(catalogue.couples.length * 2);
    for (const seed of SEEDS) {
      const picked = pickDefaultCouples(catalogue.couples, MAX_COUPLES, seededRandom(seed)).coupleIds.map((id) => ids.get(id)!);
      expect(picked, `seed ${seed}`).toHaveLength(MAX_COUPLES);
      expect(new Set(picked.map((c) => c.drama.title)).size, `seed ${seed}: dramas`).toBe(MAX_COUPLES);
      expect(new Set(picked.map((c) => c.drama.korean)).size, `seed ${seed}: Korean titles`).toBe(MAX_COUPLES);
      const actors = picked.flatMap((c) => c.actors.map((a) => a.name));
      expect(new Set(actors).size, `seed ${seed}: actors`).toBe(actors.length);
      // One actor romanised two ways (Lee Joon Ki, Lee Joon Gi) is one Hangul name.
      const hangul = picked.flatMap((c) => c.actors.map((a) => a.hangul));
      expect(new Set(hangul).size, `seed ${seed}: actors in Hangul`).toBe(hangul.length);
      expect(Math.max(...counts(picked.map((c) => c.drama.network)).values()), `seed ${seed}: networks`).toBeLessThanOrEqual(5);
      expect(Math.max(...counts(picked.map((c) => c.drama.year)).values()), `seed ${seed}: years`).toBeLessThanOrEqual(3);
    }
  });

  it('are the same for the same random sequence, and vary from one to the next', () => {
    const once = pickDefaultCouples(catalogue.couples, MAX_COUPLES, seededRandom(42));
    expect(pickDefaultCouples(catalogue.couples, MAX_COUPLES, seededRandom(42))).toEqual(once);
    const sets = SEEDS.map((seed) => pickDefaultCouples(catalogue.couples, MAX_COUPLES, seededRandom(seed)).coupleIds.join());
    expect(new Set(sets).size).toBe(SEEDS.length);
    // Over many polls, every story comes up: none is left out for good.
    const seen = new Set(SEEDS.flatMap((seed) => pickDefaultCouples(catalogue.couples, MAX_COUPLES, seededRandom(seed)).coupleIds));
    expect(seen.size).toBe(catalogue.couples.length);
  });

  it('hold back a network or a year that most stories share', () => {
    // 60 stories: 40 on one network in one year, 20 spread over four others and many years.
    const couples = [...distinct(40, ['tvN'], [2016], 'crowd'), ...distinct(20, ['KBS2', 'MBC', 'SBS', 'JTBC'], [2005, 2008, 2011, 2014, 2019, 2022], 'rest')];
    const ids = byId(couples);
    for (const seed of SEEDS.slice(0, 50)) {
      const picked = pickDefaultCouples(couples, MAX_COUPLES, seededRandom(seed)).coupleIds.map((id) => ids.get(id)!);
      expect(picked).toHaveLength(MAX_COUPLES);
      // By chance alone, about 13 of 20 would be the crowd's.
      expect(picked.filter((c) => c.drama.network === 'tvN').length, `seed ${seed}`).toBeLessThanOrEqual(5);
      expect(picked.filter((c) => c.drama.year === 2016).length, `seed ${seed}`).toBeLessThanOrEqual(3);
    }
  });

  it('are every story, in order, when the catalogue holds no more than a poll', () => {
    for (const size of [2, 12, MAX_COUPLES]) {
      // Two stories of one drama with the same actors: with a catalogue this small, both are candidates.
      const couples = [...distinct(size - 1, ['tvN'], [2016]), story('again', ['s Actor 0a', 's Actor 0b'], { title: 's Drama 0' })];
      expect(pickDefaultCouples(couples, MAX_COUPLES, seededRandom(1))).toEqual({ coupleIds: couples.map((c) => c.id), pick: { from: size, how: 'all' } });
    }
    const ten = catalogue.couples.slice(0, 10);
    expect(pickDefaultCouples(ten, MAX_COUPLES, () => 0.5)).toEqual({ coupleIds: ten.map((c) => c.id), pick: { from: 10, how: 'all' } });
  });

  it('still fill the poll when the catalogue cannot keep every rule, and say which they kept', () => {
    // 30 dramas all with one actor: one story per drama still holds, the actor repeats.
    const oneActor = Array.from({ length: 30 }, (_, i) => story(`fan-${i}`, ['Park Bo Gum', `Partner ${i}`], { title: `Drama ${i}`, network: 'KBS2', year: 2016 }));
    const fan = pickDefaultCouples(oneActor, MAX_COUPLES, seededRandom(3));
    expect(fan.coupleIds).toHaveLength(MAX_COUPLES);
    expect(fan.pick).toEqual({ from: 30, how: 'varied' });
    // 25 stories of 10 dramas: one per drama gives 10, so the rest repeat a drama, and the message does not claim it.
    const fewDramas = Array.from({ length: 25 }, (_, i) => story(`few-${i}`, [`A${i}`, `B${i}`], { title: `Drama ${i % 10}` }));
    const few = pickDefaultCouples(fewDramas, MAX_COUPLES, seededRandom(3));
    expect(few.coupleIds).toHaveLength(MAX_COUPLES);
    expect(few.pick).toEqual({ from: 25, how: 'random' });
    // Each of the ten dramas is in: the one-per-drama pass took them all before any repeat.
    const dramasOf = byId(fewDramas);
    expect(new Set(few.coupleIds.map((id) => dramasOf.get(id)!.drama.title)).size).toBe(10);
  });

  it('know one actor or one drama however its name is spelt', () => {
    const actor = (name: string, hangul: string) => ({ name, hangul });
    const spelt = [
      { ...story('x', ['Park Bo Gum', 'Kim Yoo Jung'], { title: 'Drama X' }), actors: [actor('Park Bo Gum', '박보검'), actor('Kim Yoo Jung', '김유정')] },
      // The same actor with a hyphen, in another drama.
      { ...story('y', ['Park Bo-gum', 'IU'], { title: 'Drama Y' }), actors: [actor('Park Bo-gum', '박보검'), actor('IU', '아이유')] },
      // The same actor romanised otherwise: the Hangul tells.
      { ...story('z', ['Park Bo Geom', 'Suzy'], { title: 'Drama Z' }), actors: [actor('Park Bo Geom', '박보검'), actor('Suzy', '수지')] },
      ...distinct(MAX_COUPLES, ['tvN', 'SBS', 'MBC', 'KBS2', 'JTBC'], [2010, 2012, 2014, 2016, 2018, 2020, 2022]),
    ];
    for (const seed of SEEDS.slice(0, 50)) {
      const { coupleIds } = pickDefaultCouples(spelt, MAX_COUPLES, seededRandom(seed));
      expect(coupleIds.filter((id) => ['x', 'y', 'z'].includes(id)).length, `seed ${seed}`).toBeLessThanOrEqual(1);
    }

    const couples = [
      story('a', ['Park Bo Gum', 'Kim Yoo Jung'], { title: 'Love in the Moonlight', korean: '구르미 그린 달빛' }),
      // A server's own story of the same drama, typed otherwise.
      story('b', ['Park Bo-gum', 'Kim Yoo-jung'], { title: 'love in the moonlight!', korean: '구르미 그린 달빛' }),
      // The same drama under another English title: its Korean title tells.
      story('c', ['Someone', 'Else'], { title: 'Moonlight Drawn by Clouds', korean: '구르미  그린 달빛' }),
      ...distinct(MAX_COUPLES, ['tvN', 'SBS', 'MBC', 'KBS2', 'JTBC'], [2010, 2012, 2014, 2016, 2018, 2020, 2022]),
    ];
    for (const seed of SEEDS.slice(0, 50)) {
      const { coupleIds, pick } = pickDefaultCouples(couples, MAX_COUPLES, seededRandom(seed));
      expect(coupleIds.filter((id) => ['a', 'b', 'c'].includes(id)).length, `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(pick.how).toBe('varied');
    }
  });
});
