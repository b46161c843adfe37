import { describe, expect, it } from 'vitest';
import { loadCatalogue, type Couple } from '../../src/catalogue/catalogue.js';
import { pickRandom, seededRandom } from '../../src/catalogue/random.js';
import { CoupleSearch, nameIndex, normalize, substringEdits } from '../../src/catalogue/search.js';
import { choiceLabel, coupleChoices, resolveCouple } from '../../src/couple-option.js';
import { UserError } from '../../src/errors.js';
import { largeCatalogue } from '../support/large-catalogue.js';

const catalogue = loadCatalogue();
const search = new CoupleSearch(catalogue);
const first = (q: string) => search.search(q)[0]?.couple.id;
const ids = (q: string) => search.search(q, 50).map((h) => h.couple.id);
/** The ids of every story whose actors, or drama, are these: what a search by that name must list first. */
const withActor = (name: string) => catalogue.couples.filter((c) => c.actors.some((a) => a.name === name)).map((c) => c.id);
const ofDrama = (title: string) => catalogue.couples.filter((c) => c.drama.title === title).map((c) => c.id);
/** The first `n` hits, sorted: the stories a name should bring up before anything else. */
const top = (q: string, n: number) => ids(q).slice(0, n).sort();

// However many stories the catalogue holds, a name brings up the stories that name it, first.
describe('couple search', () => {
  it('ignores case, spaces and punctuation', () => {
    expect(normalize('  Park  Bo-Gum ')).toBe('parkbogum');
    expect(top('PARKBOGUM', withActor('Park Bo Gum').length)).toEqual(withActor('Park Bo Gum').sort());
    expect(ids('PARKBOGUM')).toContain('park-bo-gum-kim-yoo-jung');
    expect(top('lee joonki', withActor('Lee Joon Ki').length)).toEqual(withActor('Lee Joon Ki').sort());
  });

  it('finds actors by their Hangul names', () => {
    expect(top('박보검', withActor('Park Bo Gum').length)).toEqual(withActor('Park Bo Gum').sort());
    expect(top('아이유', withActor('IU').length)).toEqual(withActor('IU').sort());
    expect(ids('아이유')).toContain('lee-joon-ki-iu');
    expect(first('크리스탈')).toBe('krystal-kang-min-hyuk');
  });

  it('finds dramas by any of their titles, Korean included', () => {
    expect(first('Answer Me 1997')).toBe('seo-in-guk-jung-eun-ji');
    expect(top('Reply 1997', ofDrama('Reply 1997').length)).toEqual(ofDrama('Reply 1997').sort());
    expect(ids('Moonlight Drawn by Clouds')).toContain('park-bo-gum-kim-yoo-jung');
    // 응답하라 names three dramas: all their stories come before any other.
    const reply = [...ofDrama('Reply 1997'), ...ofDrama('Reply 1994'), ...ofDrama('Reply 1988')].sort();
    expect(reply.length).toBeGreaterThan(2);
    expect(top('응답하라', reply.length)).toEqual(reply);
    expect(first('프로듀사')).toBe('kim-soo-hyun-cha-tae-hyun');
  });

  it('finds every story of an actor, or a drama, by the names fans type (acting and real names, abbreviations)', () => {
    expect(ids('정수정')).toEqual(expect.arrayContaining(withActor('Krystal')));
    expect(top('이지은', withActor('IU').length)).toEqual(withActor('IU').sort());
    expect(withActor('IU').length).toBeGreaterThan(1);
    expect(first('응칠')).toBe('seo-in-guk-jung-eun-ji');
    expect(top('치인트', ofDrama('Cheese in the Trap').length)).toEqual(ofDrama('Cheese in the Trap').sort());
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
    expect(top('Cheese in the Trapp', ofDrama('Cheese in the Trap').length)).toEqual(ofDrama('Cheese in the Trap').sort());
    expect(ids('Bubblegun')).toContain('lee-dong-wook-jung-ryeo-won');
  });

  it('lists every couple who matches a shared name, each once', () => {
    const found = ids('Seo Hyun Jin');
    const hers = withActor('Seo Hyun Jin').sort();
    expect(hers).toEqual(expect.arrayContaining(['eric-seo-hyun-jin', 'yoo-yeon-seok-seo-hyun-jin']));
    expect(found.slice(0, hers.length).sort()).toEqual(hers);
    expect(new Set(found).size).toBe(found.length);
  });

  it('offers at most 25 choices, the whole catalogue for an empty query', () => {
    expect(coupleChoices(search, '', 'en-US')).toHaveLength(Math.min(25, catalogue.couples.length));
    expect(coupleChoices(search, 'a', 'en-US').length).toBeLessThanOrEqual(25);
  });

  it('labels choices in the member’s language within Discord’s 100 characters', () => {
    const iu = catalogue.get('lee-joon-ki-iu')!;
    const episode = iu.episode === undefined ? '' : `, ep ${iu.episode}`;
    const episodeKo = iu.episode === undefined ? '' : `, ${iu.episode}회`;
    expect(choiceLabel(iu, 'en')).toBe(`Lee Joon Ki & IU — Moon Lovers: Scarlet Heart Ryeo (2016${episode})`);
    expect(choiceLabel(iu, 'ko')).toBe(`이준기 & 아이유 — 달의 연인 – 보보경심 려 (2016${episodeKo})`);
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
      const previous = catalogue.couples[i % catalogue.couples.length]!.id;
      expect(pickRandom(catalogue.couples, previous, Math.random).id).not.toBe(previous);
    }
  });

  it('can reach every other couple', () => {
    const seen = new Set<string>();
    const others = catalogue.couples.length - 1;
    for (let i = 0; i < others; i++) seen.add(pickRandom(catalogue.couples, 'eric-seo-hyun-jin', () => (i + 0.5) / others).id);
    expect(seen.size).toBe(others);
    expect(seen.has('eric-seo-hyun-jin')).toBe(false);
  });

  it('stays in range when the random source returns its maximum', () => {
    expect(pickRandom(catalogue.couples, undefined, () => 0.9999999).id).toBe(catalogue.couples.at(-1)!.id);
  });
});

describe('the typo measure', () => {
  /** Sellers' dynamic programme, cell by cell: what the bit-parallel version must equal. */
  function reference(q: string, term: string): number {
    let row = Array.from({ length: q.length + 1 }, (_, i) => i);
    let best = row[q.length]!;
    for (const c of term) {
      const next = [0];
      for (let i = 1; i <= q.length; i++) next[i] = Math.min(row[i - 1]! + (q[i - 1] === c ? 0 : 1), row[i]! + 1, next[i - 1]! + 1);
      row = next;
      best = Math.min(best, row[q.length]!);
    }
    return best;
  }

  it('equals the cell-by-cell edit distance to the closest substring, Hangul and 32 letters included', () => {
    const random = seededRandom(22);
    const alphabet = 'abcde가나';
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 2000; i++) {
      const q = word(1 + Math.floor(random() * 32));
      const term = word(Math.floor(random() * 40));
      expect(substringEdits(q, term), `${q} in ${term}`).toBe(reference(q, term));
    }
    expect(substringEdits('krystl', 'krystalkangminhyuk')).toBe(1);
  });
});

describe('the search over a grown catalogue (synthetic, with aliases)', () => {
  const large = largeCatalogue(140);
  const big = new CoupleSearch(large);
  const story = large.couples[3]!;
  const ids = (q: string, limit = 25) => big.search(q, limit).map((h) => h.couple.id);

  it('finds a story by an actor’s alias, the Korean title and a drama abbreviation, whatever the case and spacing', () => {
    expect(ids(story.actors[0]!.aliases![0]!.toUpperCase())).toContain(story.id);
    expect(ids(story.drama.korean.replace(/\s+/g, ''))[0]).toBe(story.id);
    expect(ids(story.drama.altTitles[1]!)[0]).toBe(story.id);
    expect(ids(` ${story.drama.altTitles[0]!.toLowerCase().split('').join(' ')} `)[0]).toBe(story.id);
  });

  it('finds a story by each actor’s Hangul, and forgives a typo in a long name', () => {
    expect(ids(story.actors[1]!.hangul)).toContain(story.id);
    const title = story.drama.title;
    expect(ids(`${title.slice(0, 4)}${title.slice(5)}`)[0]).toBe(story.id);
  });

  it('lists every story of a pair, and labels them apart within Discord’s 100 characters', () => {
    const pairs = new Map<string, Couple[]>();
    for (const c of large.couples) {
      const key = c.actors.map((a) => a.name).join('+');
      pairs.set(key, [...(pairs.get(key) ?? []), c]);
    }
    const twice = [...pairs.values()].filter((list) => list.length > 1);
    expect(twice.length).toBeGreaterThan(1);
    for (const list of twice) {
      const found = ids(list[0]!.actors[0]!.name, 50);
      for (const c of list) expect(found).toContain(c.id);
      for (const lang of ['en', 'ko'] as const) {
        const labels = list.map((c) => choiceLabel(c, lang));
        expect(new Set(labels).size).toBe(list.length);
      }
    }
    for (const c of large.couples) for (const lang of ['en', 'ko'] as const) expect(choiceLabel(c, lang).length).toBeLessThanOrEqual(100);
  });

  it('keeps the names, year and episode whole in a label too long for Discord, shortening the title', () => {
    const long = { ...story, episode: 12, drama: { ...story.drama, title: `${'Very Long Title '.repeat(8)}End` } } as Couple;
    const label = choiceLabel(long, 'en');
    expect(label.length).toBeLessThanOrEqual(100);
    expect(label.startsWith(`${story.actors[0]!.name} & ${story.actors[1]!.name} — Very Long`)).toBe(true);
    expect(label.endsWith(`… (${story.drama.year}, ep 12)`)).toBe(true);
  });

  it('never names two choices alike', () => {
    const twin = { ...story, id: `${story.id}-twin` } as Couple;
    const twins = new CoupleSearch({ couples: [story, twin], get: () => undefined });
    const names = coupleChoices(twins, story.actors[0]!.name, 'en-US').map((c) => c.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
  });

  it('offers at most 25 of a catalogue larger than that, and matches nothing for gibberish', () => {
    expect(big.search('')).toHaveLength(25);
    expect(big.search('a')).toHaveLength(25);
    expect(big.search('zzyzxqwv')).toEqual([]);
  });

  it('indexes a list of stories once, whoever searches it', () => {
    expect(nameIndex(large.couples)).toBe(nameIndex(large.couples));
    expect(new CoupleSearch(large).search(story.drama.title)[0]?.couple.id).toBe(story.id);
  });
});
