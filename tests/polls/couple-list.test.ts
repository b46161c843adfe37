import { describe, expect, it } from 'vitest';
import { CoupleSearch } from '../../src/catalogue/search.js';
import { UserError } from '../../src/errors.js';
import { coupleListChoices, parseCoupleList, resolveCandidate } from '../../src/polls/couple-list.js';
import { catalogue } from './helpers.js';

const search = new CoupleSearch(catalogue);

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
    expect(parseCoupleList('Park Bo Gum, Reply 1997; eric-seo-hyun-jin，아이유、Love in the Moonlight', search, catalogue, 'en')).toEqual([
      'park-bo-gum-kim-yoo-jung',
      'seo-in-guk-jung-eun-ji',
      'eric-seo-hyun-jin',
      'lee-joon-ki-iu',
    ]);
  });

  it('names a name that matches no couple, with suggestions', () => {
    const error = refusal('Park Bo Gum, abc');
    expect(error.key).toBe('poll.errors.unknownCouple');
    expect(error.vars.name).toBe('abc');
    expect(String(error.vars.suggestions)).toMatch(/\*\*.+\*\*/);
    expect(refusal('Park Bo Gum, xyzzy').key).toBe('poll.errors.unknownCouple');
  });

  it('asks to be more precise when a name fits several couples equally', () => {
    const error = refusal('Seo Hyun Jin, IU');
    expect(error.key).toBe('poll.errors.ambiguousCouple');
    expect(error.vars.options).toContain('Eric & Seo Hyun Jin');
    expect(error.vars.options).toContain('Yoo Yeon Seok & Seo Hyun Jin');
    expect(resolveCandidate(search, catalogue, 'Eric & Seo Hyun Jin')).toMatchObject({ ok: true, couple: { id: 'eric-seo-hyun-jin' } });
  });

  it('needs at least two different couples', () => {
    expect(refusal('IU').key).toBe('poll.errors.tooFewCouples');
    expect(refusal('IU, Lee Joon Ki, 아이유').key).toBe('poll.errors.tooFewCouples');
    expect(refusal(' , ,').key).toBe('poll.errors.tooFewCouples');
  });

  it('escapes markdown in the echoed name', () => {
    expect(refusal('IU, **zzzqqq**').vars.name).toBe('\\*\\*zzzqqq\\*\\*');
  });
});

describe('couples autocomplete', () => {
  it('completes the last name and keeps the earlier ones', () => {
    const choices = coupleListChoices('Park Bo Gum, reply', search, catalogue, 'en');
    expect(choices[0]).toEqual({ value: 'park-bo-gum-kim-yoo-jung, seo-in-guk-jung-eun-ji', name: 'Park Bo Gum & Kim Yoo Jung, Seo In Guk & Jung Eun Ji — Reply 1997' });
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
  });

  it('offers only couples not chosen yet, at most 25', () => {
    const choices = coupleListChoices('eric-seo-hyun-jin, ', search, catalogue, 'ko');
    expect(choices).toHaveLength(catalogue.couples.length - 1);
    expect(choices.some((c) => c.value.endsWith(', eric-seo-hyun-jin'))).toBe(false);
    expect(choices[0]?.name).toMatch(/^에릭 & 서현진, /);
  });

  it('stops offering once the list no longer fits in a choice', () => {
    const long = catalogue.couples.slice(0, 5).map((c) => c.id).join(', ');
    expect(coupleListChoices(`${long}, `, search, catalogue, 'en')).toEqual([]);
  });

  it('every offered value reads back as the same couples', () => {
    for (const choice of coupleListChoices('IU, ', search, catalogue, 'en')) {
      expect(parseCoupleList(choice.value, search, catalogue, 'en')).toEqual(choice.value.split(', '));
    }
  });
});
