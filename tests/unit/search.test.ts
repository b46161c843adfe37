import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { pickRandom } from '../../src/catalogue/random.js';
import { CoupleSearch, normalize } from '../../src/catalogue/search.js';
import { choiceLabel, coupleChoices, resolveCouple } from '../../src/couple-option.js';
import { UserError } from '../../src/errors.js';

const catalogue = loadCatalogue();
const search = new CoupleSearch(catalogue);
const first = (q: string) => search.search(q)[0]?.couple.id;

describe('couple search', () => {
  it('ignores case, spaces and punctuation', () => {
    expect(normalize('  Park  Bo-Gum ')).toBe('parkbogum');
    expect(first('PARKBOGUM')).toBe('park-bo-gum-kim-yoo-jung');
    expect(first('lee joonki')).toBe('lee-joon-ki-iu');
  });

  it('finds actors by their Hangul names', () => {
    expect(first('박보검')).toBe('park-bo-gum-kim-yoo-jung');
    expect(first('아이유')).toBe('lee-joon-ki-iu');
    expect(first('크리스탈')).toBe('krystal-kang-min-hyuk');
  });

  it('finds dramas by any of their titles, Korean included', () => {
    expect(first('Answer Me 1997')).toBe('seo-in-guk-jung-eun-ji');
    expect(first('Reply 1997')).toBe('seo-in-guk-jung-eun-ji');
    expect(first('Moonlight Drawn by Clouds')).toBe('park-bo-gum-kim-yoo-jung');
    expect(first('응답하라')).toBe('seo-in-guk-jung-eun-ji');
    expect(first('프로듀사')).toBe('kim-soo-hyun-cha-tae-hyun');
  });

  it('finds couples by character names', () => {
    expect(first('Wang So')).toBe('lee-joon-ki-iu');
    expect(first('Hong Seol')).toBe('park-hae-jin-kim-go-eun');
  });

  it('finds couples by their characters’ Korean names', () => {
    expect(first('왕소')).toBe('lee-joon-ki-iu');
    expect(first('홍설')).toBe('park-hae-jin-kim-go-eun');
    expect(first('홍지홍')).toBe('kim-rae-won-park-shin-hye');
  });

  it('forgives small typos', () => {
    expect(first('Krystl')).toBe('krystal-kang-min-hyuk');
    expect(first('Cheese in the Trapp')).toBe('park-hae-jin-kim-go-eun');
    expect(first('Bubblegun')).toBe('lee-dong-wook-jung-ryeo-won');
  });

  it('lists every couple who matches a shared name, each once', () => {
    const ids = search.search('Seo Hyun Jin').map((h) => h.couple.id);
    expect(ids.slice(0, 2).sort()).toEqual(['eric-seo-hyun-jin', 'yoo-yeon-seok-seo-hyun-jin']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('offers at most 25 choices, the whole catalogue for an empty query', () => {
    expect(coupleChoices(search, '', 'en-US')).toHaveLength(10);
    expect(coupleChoices(search, 'a', 'en-US').length).toBeLessThanOrEqual(25);
  });

  it('labels choices in the member’s language within Discord’s 100 characters', () => {
    const iu = catalogue.get('lee-joon-ki-iu')!;
    expect(choiceLabel(iu, 'en')).toBe('Lee Joon Ki & IU — Moon Lovers: Scarlet Heart Ryeo (2016)');
    expect(choiceLabel(iu, 'ko')).toBe('이준기 & 아이유 — 달의 연인 – 보보경심 려 (2016)');
    for (const c of catalogue.couples) expect(choiceLabel(c, 'en').length).toBeLessThanOrEqual(100);
  });

  it('resolves an id or typed name; nothing matching is a user error with the closest names', () => {
    expect(resolveCouple(search, 'eric-seo-hyun-jin', 'en-US').id).toBe('eric-seo-hyun-jin');
    expect(resolveCouple(search, 'doctors', 'en-US').id).toBe('kim-rae-won-park-shin-hye');
    let caught: unknown;
    try {
      resolveCouple(search, 'Zzyzx *bold*', 'en-US');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).key).toBe('scene.noMatch');
    expect((caught as UserError).vars.query).toBe('Zzyzx \\*bold\\*');
    expect(String((caught as UserError).vars.suggestions).split(', ')).toHaveLength(3);
  });
});

describe('the random pick', () => {
  it('never gives the couple shown last', () => {
    for (let i = 0; i < 200; i++) {
      const previous = catalogue.couples[i % 10]!.id;
      expect(pickRandom(catalogue.couples, previous, Math.random).id).not.toBe(previous);
    }
  });

  it('can reach every other couple', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 9; i++) seen.add(pickRandom(catalogue.couples, 'eric-seo-hyun-jin', () => i / 9).id);
    expect(seen.size).toBe(9);
    expect(seen.has('eric-seo-hyun-jin')).toBe(false);
  });

  it('stays in range when the random source returns its maximum', () => {
    expect(pickRandom(catalogue.couples, undefined, () => 0.9999999).id).toBe(catalogue.couples.at(-1)!.id);
  });
});
