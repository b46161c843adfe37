import { describe, expect, it } from 'vitest';
import { CoupleSearch } from '../../src/catalogue/search.js';
import { UserError } from '../../src/errors.js';
import { coupleName } from '../../src/catalogue/catalogue.js';
import { coupleListChoices, parseCoupleList, resolveCandidate } from '../../src/polls/couple-list.js';
import { catalogue } from './helpers.js';

const search = new CoupleSearch(catalogue);

/** Every story naming the actor `name`, as the errors list them ("**Eric & Seo Hyun Jin**"). */
const storiesOf = (name: string) => catalogue.couples.filter((c) => c.actors.some((a) => a.name === name)).map((c) => `**${coupleName(c)}**`);

function refusal(text: string): UserError {
  try {
    parseCoupleList(text, search, catalogue, 'en');
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the couples option', () => {
  it('reads actors, dramas, Korean names and ids, in the order given, each once', () => {
    // Names each of one story: an actor, a drama, an id, a Korean name, and the first couple's drama again.
    expect(parseCoupleList('Jung Ryeo Won, Reply 1997; eric-seo-hyun-jin，크리스탈、Bubblegum', search, catalogue, 'en')).toEqual([
      'lee-dong-wook-jung-ryeo-won',
      'seo-in-guk-jung-eun-ji',
      'eric-seo-hyun-jin',
      'krystal-kang-min-hyuk',
    ]);
  });

  it('names a name that matches no couple, with suggestions', () => {
    const error = refusal('Jung Ryeo Won, abc');
    expect(error.key).toBe('poll.errors.unknownCouple');
    expect(error.vars.name).toBe('abc');
    expect(String(error.vars.suggestions)).toMatch(/\*\*.+\*\*/);
    expect(refusal('Love in the Moonlight, xyzzy').key).toBe('poll.errors.unknownCouple');
  });

  it('asks to be more precise when a name fits several couples equally', () => {
    const error = refusal('Seo Hyun Jin, Krystal');
    expect(error.key).toBe('poll.errors.ambiguousCouple');
    expect(error.vars.name).toBe('Seo Hyun Jin');
    // Every story of hers is offered, however many there are.
    expect(storiesOf('Seo Hyun Jin').length).toBeGreaterThan(1);
    expect(String(error.vars.options).split(', ').toSorted()).toEqual(storiesOf('Seo Hyun Jin').toSorted());
    expect(resolveCandidate(search, catalogue, 'Eric & Seo Hyun Jin')).toMatchObject({ ok: true, couple: { id: 'eric-seo-hyun-jin' } });
    // An actor in several stories, typed alone, in either alphabet.
    for (const name of ['Park Bo Gum', 'IU', '아이유']) {
      const shared = refusal(`${name}, Krystal`);
      expect(shared.key, name).toBe('poll.errors.ambiguousCouple');
      expect(shared.vars.name, name).toBe(name);
    }
    expect(String(refusal('Park Bo Gum, Krystal').vars.options).split(', ').toSorted()).toEqual(storiesOf('Park Bo Gum').toSorted());
  });

  it('needs at least two different couples', () => {
    expect(refusal('Lee Joon Ki').key).toBe('poll.errors.tooFewCouples');
    expect(refusal('Lee Joon Ki, Moon Lovers, 달의 연인, lee-joon-ki-iu').key).toBe('poll.errors.tooFewCouples');
    expect(refusal(' , ,').key).toBe('poll.errors.tooFewCouples');
  });

  it('escapes markdown in the echoed name', () => {
    expect(refusal('Krystal, **zzzqqq**').vars.name).toBe('\\*\\*zzzqqq\\*\\*');
  });
});

describe('couples autocomplete', () => {
  it('completes the last name and keeps the earlier ones', () => {
    const choices = coupleListChoices('Love in the Moonlight, reply 1997', search, catalogue, 'en');
    expect(choices[0]).toEqual({ value: 'park-bo-gum-kim-yoo-jung, seo-in-guk-jung-eun-ji', name: 'Park Bo Gum & Kim Yoo Jung, Seo In Guk & Jung Eun Ji — Reply 1997' });
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
    // A name that could be several couples stays as typed: the member still has to say which.
    expect(coupleListChoices('Park Bo Gum, reply 1997', search, catalogue, 'en')[0]).toEqual({ value: 'Park Bo Gum, seo-in-guk-jung-eun-ji', name: 'Park Bo Gum, Seo In Guk & Jung Eun Ji — Reply 1997' });
  });

  it('offers only couples not chosen yet, at most 25', () => {
    const choices = coupleListChoices('eric-seo-hyun-jin, ', search, catalogue, 'ko');
    // The couple already chosen leaves no gap: Discord's 25 choices are filled when the catalogue has that many others.
    expect(choices).toHaveLength(Math.min(25, catalogue.couples.length - 1));
    expect(new Set(choices.map((c) => c.value)).size).toBe(choices.length);
    expect(choices.some((c) => c.value.endsWith(', eric-seo-hyun-jin'))).toBe(false);
    expect(choices[0]?.name).toMatch(/^에릭 & 서현진, /);
  });

  it('stops offering once the list no longer fits in a choice', () => {
    const long = catalogue.couples.slice(0, 5).map((c) => c.id).join(', ');
    expect(coupleListChoices(`${long}, `, search, catalogue, 'en')).toEqual([]);
  });

  it('every offered value reads back as the same couples', () => {
    const choices = coupleListChoices('Krystal, ', search, catalogue, 'en');
    expect(choices.length).toBeGreaterThan(0);
    for (const choice of choices) {
      expect(parseCoupleList(choice.value, search, catalogue, 'en')).toEqual(choice.value.split(', '));
    }
    // After a name shared by several couples, a choice reads back as that question, listing them.
    const shared = coupleListChoices('IU, ', search, catalogue, 'en');
    expect(shared.length).toBeGreaterThan(0);
    for (const choice of shared) {
      expect(choice.value.startsWith('IU, ')).toBe(true);
      const error = refusal(choice.value);
      expect(error.key).toBe('poll.errors.ambiguousCouple');
      expect(String(error.vars.options).split(', ').toSorted()).toEqual(storiesOf('IU').toSorted());
    }
  });
});
