import { describe, expect, it } from 'vitest';
import { loadCatalogue, type Couple } from '../../src/catalogue/catalogue.js';
import { HIDDEN, hiddenTerms, hideNames } from '../../src/quiz/hide.js';
import { toCouple } from '../../src/stories/model.js';

const catalogue = loadCatalogue();

/** Every word a member could recognise the couple by: names, their parts, titles (both languages). */
function answerWords(couple: Couple): string[] {
  const words: string[] = [];
  const aliases = (v: object) => ((v as { aliases?: unknown }).aliases as string[] | undefined) ?? [];
  for (const actor of couple.actors) {
    words.push(actor.name, actor.hangul, ...aliases(actor));
    // Each part of a romanised name ("Park", "Bo Gum"), as a whole word.
    const parts = actor.name.split(' ');
    if (parts.length > 1) words.push(parts[0]!, parts.slice(1).join(' '));
  }
  for (const character of couple.characters ?? []) words.push(character.name, ...(character.hangul ? [character.hangul] : []));
  // A title counts whatever its length: "W", 궁.
  const titles = [couple.drama.title, couple.drama.korean, ...couple.drama.altTitles, ...aliases(couple.drama)];
  return [...words.filter((w) => w.length >= 2), ...titles];
}

/** Whether `word` is left in `text`: a romanised one as a whole word (any case, any spacing; Hangul may follow: IU와), a Hangul one anywhere. */
function leftIn(text: string, word: string): boolean {
  const body = word
    .split(/[\s-]+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\-]*');
  const hangul = /\p{Script=Hangul}/u.test(word);
  // One character ("W", 궁) is left when it stands as a word (a Hangul one with a particle after it).
  const pattern =
    [...word].length === 1
      ? hangul
        ? `(?<![\\p{L}\\p{N}])${body}(?=(?:에서|으로|[은는이가을를의에와과도로만])?(?![\\p{L}\\p{N}]))`
        : `(?<![\\p{Script=Latin}\\p{N}])${body}(?![\\p{Script=Latin}\\p{N}])`
      : hangul
        ? body
        : `(?<![\\p{Script=Latin}\\p{N}])${body}(?![\\p{Script=Latin}\\p{N}])`;
  return new RegExp(pattern, 'iu').test(text);
}

describe('a quiz question hides every name of its couple', () => {
  it.each(catalogue.couples.map((c) => [c.id, c] as const))('in both languages: %s', (_id, couple) => {
    for (const lang of ['en', 'ko'] as const) {
      const hidden = hideNames(couple.story[lang], couple);
      for (const word of answerWords(couple)) expect(leftIn(hidden, word), `${lang}: "${word}" in ${hidden}`).toBe(false);
      expect(hidden).toContain(HIDDEN);
    }
  });

  it('hides a server’s own story the same way, aliases and title parts included', () => {
    const couple = toCouple(
      {
        id: 'own-1',
        actors: [
          { name: 'Song Joong Ki', hangul: '송중기' },
          { name: 'Song Hye Kyo', hangul: '송혜교' },
        ],
        drama: { title: 'Descendants of the Sun: Special', korean: '태양의 후예 – 스페셜' },
        story: { en: 'Song Joong-ki and song hye kyo kissed in Descendants of the Sun; Joong Ki laughed.', ko: '태양의 후예에서 송중기와 송혜교가 키스했다. 스페셜 방송에서도 송중기가 웃었다.' },
        source: 'https://example.com/story',
        addedBy: '1',
        addedAt: 0,
      },
      '123',
    );
    const withAliases = { ...couple, actors: couple.actors.map((a, i) => ({ ...a, aliases: i === 0 ? ['Joongki'] : [] })), drama: { ...couple.drama, aliases: ['DOTS'] } } as Couple;
    expect(hideNames('Joongki loved DOTS.', withAliases)).toBe(`${HIDDEN} loved ${HIDDEN}.`);
    for (const lang of ['en', 'ko'] as const) {
      const hidden = hideNames(couple.story[lang], couple);
      for (const word of answerWords(couple)) expect(leftIn(hidden, word), `${lang}: "${word}" in ${hidden}`).toBe(false);
    }
    expect(hiddenTerms(couple)).toEqual(expect.arrayContaining(['Descendants of the Sun', '태양의 후예', '스페셜']));
  });

  it('hides a one-letter or one-syllable title as a word, and leaves other words containing it', () => {
    const w = catalogue.couples.find((c) => c.drama.title === 'W')!;
    expect(hideNames("Before W premiered, we watched 'W' twice.", w)).toBe(`Before ${HIDDEN} premiered, we watched '${HIDDEN}' twice.`);
    expect(hideNames('W-두 개의 세계 방송 전, W에서', w)).toBe(`${HIDDEN} 방송 전, ${HIDDEN}에서`);
    const goong = catalogue.couples.find((c) => c.drama.korean === '궁')!;
    expect(hideNames("'궁' 주지훈은 궁금했고 궁에서 웃었다", goong)).toBe(`'${HIDDEN}' ${HIDDEN}은 궁금했고 ${HIDDEN}에서 웃었다`);
  });

  it('leaves words that only contain a name alone', () => {
    const couple = catalogue.couples.find((c) => c.actors.some((a) => a.name === 'Cha Tae Hyun'))!;
    expect(hideNames('By chance, Cha laughed.', couple)).toBe(`By chance, ${HIDDEN} laughed.`);
  });
});
