import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCatalogue, CatalogueError, coupleName, DEFAULT_CATALOGUE, loadCatalogue } from '../../src/catalogue/catalogue.js';
import { hashWords, NGRAM, ngramHashes, words, type ArticleFingerprint } from '../support/fingerprint.js';

/** The source article is not in the repository: its fingerprint is (scripts/article-fingerprint.ts). */
const article = JSON.parse(readFileSync(new URL('../fixtures/article-fingerprint.json', import.meta.url), 'utf8')) as ArticleFingerprint;
const articleNgrams = new Set(article.ngrams);

const raw = JSON.parse(readFileSync(DEFAULT_CATALOGUE, 'utf8')) as { sources: unknown; couples: Array<Record<string, unknown>> };
const withCouple = (patch: (c: Record<string, unknown>) => void) => {
  const copy = structuredClone(raw);
  patch(copy.couples[2]!);
  return copy;
};

describe('the catalogue', () => {
  const catalogue = loadCatalogue();

  it('holds the ten couples of the source article, in its order', () => {
    expect(catalogue.couples.map((c) => coupleName(c))).toEqual([
      'Park Bo Gum & Kim Yoo Jung',
      'Lee Dong Wook & Jung Ryeo Won',
      'Eric & Seo Hyun Jin',
      'Seo In Guk & Jung Eun Ji',
      'Yoo Yeon Seok & Seo Hyun Jin',
      'Park Hae Jin & Kim Go Eun',
      'Kim Rae Won & Park Shin Hye',
      'Krystal & Kang Min Hyuk',
      'Lee Joon Ki & IU',
      'Kim Soo Hyun & Cha Tae Hyun',
    ]);
  });

  it('gives every couple Hangul names, a Korean drama title, both story languages and a known source', () => {
    for (const couple of catalogue.couples) {
      expect(couple.actors.every((a) => /\p{Script=Hangul}/u.test(a.hangul))).toBe(true);
      expect(couple.drama.korean).toMatch(/\p{Script=Hangul}/u);
      expect(couple.story.ko).toMatch(/\p{Script=Hangul}/u);
      expect(couple.story.en.length).toBeGreaterThan(80);
      expect(catalogue.sourceOf(couple).publisher).toBe('DramaFever');
    }
  });

  it('gives every couple Hangul character names, and every spoken line a Korean speaker label', () => {
    for (const couple of catalogue.couples) {
      expect(couple.characters?.length, couple.id).toBe(2);
      for (const character of couple.characters ?? []) expect(character.hangul, `${couple.id}: ${character.name}`).toMatch(/\p{Script=Hangul}/u);
      for (const quote of couple.quotes) {
        const label = quote.speakerKo ?? couple.actors.find((a) => a.name === quote.speaker)?.hangul;
        expect(label, `${couple.id}: ${quote.speaker}`).toMatch(/^[\p{Script=Hangul}\s]+$/u);
      }
    }
  });

  it('lists every fact that is not in the article (Korean names, reported words) with the page that confirms it', () => {
    const sources = readFileSync(new URL('../../data/SOURCES.md', import.meta.url), 'utf8').split('\n');
    const facts = catalogue.couples.flatMap((c) => [
      ...(c.characters ?? []).map((ch) => ({ id: c.id, text: ch.hangul ?? '' })),
      ...c.quotes.filter((q) => q.ko?.kind === 'reported').map((q) => ({ id: c.id, text: q.ko!.text })),
    ]);
    expect(facts.length).toBeGreaterThanOrEqual(21);
    for (const fact of facts) {
      const line = sources.find((l) => l.includes(`\`${fact.id}\``) && l.includes(fact.text));
      expect(line, `${fact.id}: ${fact.text}`).toBeDefined();
      expect(line, `${fact.id}: ${fact.text}`).toMatch(/https?:\/\/\S+/);
    }
  });

  it('keeps the actors’ spoken lines verbatim from the article', () => {
    const quotes = catalogue.couples.flatMap((c) => c.quotes);
    expect(quotes.length).toBeGreaterThanOrEqual(8);
    for (const quote of quotes) expect(article.quotes, quote.text).toContain(hashWords(words(quote.text)));
  });

  it('retells every story in its own words: no run of eight words is the article’s', () => {
    const copied = catalogue.couples.flatMap((c) => {
      const ngrams = ngramHashes(c.story.en);
      return ngrams.filter((h) => articleNgrams.has(h)).map(() => c.id);
    });
    expect(copied).toEqual([]);
  });

  it('the retelling check catches a sentence lifted from the article', () => {
    // A quote is the article's own words; a story made of one, with eight words or more, is a copy.
    const lifted = catalogue.couples.flatMap((c) => c.quotes).find((q) => words(q.text).length >= NGRAM);
    expect(lifted).toBeDefined();
    const story = `On set that day, as everyone remembers, ${lifted!.text}`;
    expect(ngramHashes(story).filter((h) => articleNgrams.has(h)).length).toBeGreaterThan(0);
    // And the fingerprint is of the whole article, not a stub.
    expect(articleNgrams.size).toBeGreaterThan(500);
  });

  it('has no video address in the catalogue: none is verified', () => {
    expect(JSON.stringify(raw.couples)).not.toMatch(/https?:\/\//);
  });

  it('looks couples up by their stable id', () => {
    expect(catalogue.get('lee-joon-ki-iu')?.drama.korean).toBe('달의 연인 – 보보경심 려');
    expect(catalogue.get('nobody')).toBeUndefined();
  });

  it('rejects an entry with a missing field, naming the file, the entry and the reason', () => {
    const broken = withCouple((c) => delete c.story);
    expect(() => buildCatalogue(broken, 'data/couples.json')).toThrowError(CatalogueError);
    expect(() => buildCatalogue(broken, 'data/couples.json')).toThrowError(/data\/couples\.json, couple #3 "eric-seo-hyun-jin": story/);
  });

  it('rejects a bad slug, a duplicate id, an unknown source and an unexpected key', () => {
    expect(() => buildCatalogue(withCouple((c) => (c.id = 'Eric & Seo')))).toThrowError(/id: must be a lowercase slug/);
    expect(() => buildCatalogue(withCouple((c) => (c.id = 'park-bo-gum-kim-yoo-jung')))).toThrowError(/duplicate id/);
    expect(() => buildCatalogue(withCouple((c) => (c.source = 'nowhere')))).toThrowError(/source: "nowhere" is not listed/);
    expect(() => buildCatalogue(withCouple((c) => (c.videoUrl = 'https://example.com')))).toThrowError(/couple #3.*videoUrl/);
  });

  it('rejects a quote by someone outside the couple without a Korean speaker label', () => {
    const broken = withCouple((c) => (c.quotes = [{ speaker: 'Producer', text: 'Cut!' }]));
    expect(() => buildCatalogue(broken)).toThrowError(/quotes\.0\.speakerKo: "Producer" is not one of the couple's actors/);
    const fixed = withCouple((c) => (c.quotes = [{ speaker: 'Producer', speakerKo: '제작진', text: 'Cut!' }]));
    expect(() => buildCatalogue(fixed)).not.toThrow();
  });

  it('rejects a character played by someone outside the couple', () => {
    const broken = withCouple((c) => (c.characters = [{ actor: 'Somebody Else', name: 'X' }]));
    expect(() => buildCatalogue(broken)).toThrowError(/characters\.0\.actor: "Somebody Else" is not one of the couple's actors/);
  });

  it('reports a file that is not JSON', () => {
    expect(() => loadCatalogue(new URL('../../package.json', import.meta.url).pathname.replace('package.json', 'README.md'))).toThrowError(CatalogueError);
  });

  it('takes a new couple as data alone', () => {
    const grown = structuredClone(raw);
    grown.couples.push({ ...structuredClone(raw.couples[0]!), id: 'new-couple' });
    expect(buildCatalogue(grown).couples).toHaveLength(11);
  });
});
