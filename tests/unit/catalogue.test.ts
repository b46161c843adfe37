import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalogue, CatalogueError, checkStoryFiles, coupleName, loadCatalogue, readStoryFiles, type StoryEntry, type StoryFile } from '../../src/catalogue/catalogue.js';
import { ARTICLE_TEN, CATALOGUE_MINIMUMS, notHaeyo, spreadOf, spreadProblems, storyProblems, unquotedTitles } from '../support/catalogue-rules.js';
import { fingerprintFile, hashWords, holdsWords, makeFingerprint, NGRAM, ngramHashes, pageText, verbatimLines, words, type SourceFingerprint } from '../support/fingerprint.js';

const files = readStoryFiles();
const entries = checkStoryFiles(files);
const byId = new Map(entries.map((e) => [e.story.id, e.story]));
const first = files.find((f) => f.file.endsWith('eric-seo-hyun-jin.json'))!;

/** The story files with one story changed (a copy). */
const withStory = (patch: (story: Record<string, unknown>) => void) => {
  const story = structuredClone(first.data) as Record<string, unknown>;
  patch(story);
  return [...files.filter((f) => f !== first), { file: first.file, data: story }];
};

const sourcesOf = (story: StoryFile) => [story.source, ...(story.also ?? [])];
function fingerprintOf(url: string): SourceFingerprint | undefined {
  const file = fingerprintFile(url);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SourceFingerprint) : undefined;
}

describe('the story files (data/stories)', () => {
  const catalogue = loadCatalogue();

  it('are read in file-name order, one story each, named by its id', () => {
    const names = files.map((f) => f.file.split(/[\\/]/).pop()!);
    expect(names).toEqual([...names].sort());
    expect(catalogue.couples.map((c) => `${c.id}.json`)).toEqual(names);
  });

  it('hold the source article’s ten stories, each crediting DramaFever', () => {
    for (const id of ARTICLE_TEN) {
      const couple = catalogue.get(id);
      expect(couple, id).toBeDefined();
      expect(catalogue.sourceOf(couple!).publisher).toBe('DramaFever');
      expect(catalogue.sourceOf(couple!).note?.ko).toMatch(/요\.$/);
    }
    expect(coupleName(catalogue.get('lee-joon-ki-iu')!, 'ko')).toBe('이준기 & 아이유');
  });

  it('list every page once among the catalogue’s sources', () => {
    const urls = entries.flatMap((e) => sourcesOf(e.story).map((s) => s.url));
    expect(catalogue.sources.map((s) => s.url)).toEqual([...new Set(urls)]);
  });

  it('fill in what a file may leave out: the Hangul name and Korean title fall back to the romanised ones, the drama’s aliases are its altTitles', () => {
    const grown = buildCatalogue(
      withStory((s) => {
        s.id = 'eric-seo-hyun-jin';
        delete (s.actors as Array<Record<string, unknown>>)[0]!.hangul;
        delete (s.drama as Record<string, unknown>).korean;
      }),
    );
    const eric = grown.get('eric-seo-hyun-jin')!;
    expect(eric.actors[0]!.hangul).toBe('Eric');
    expect(eric.drama.korean).toBe('Another Oh Hae Young');
    expect(eric.drama.altTitles).toEqual(['Oh Hae Young Again']);
    expect(catalogue.get('seo-in-guk-jung-eun-ji')!.drama.altTitles).toContain('응칠');
  });

  it('give no video address: none is verified', () => {
    for (const { story } of entries) expect(JSON.stringify(story.video), story.id).not.toMatch(/https?:\/\//);
  });

  it('looks stories up by their stable id', () => {
    expect(catalogue.get('lee-joon-ki-iu')?.drama.korean).toBe('달의 연인 – 보보경심 려');
    expect(catalogue.get('nobody')).toBeUndefined();
  });
});

describe('a story file that cannot be used', () => {
  it('is refused in one line naming the file, the field and the reason', () => {
    const broken = withStory((s) => delete (s.story as Record<string, unknown>).ko);
    expect(() => buildCatalogue(broken)).toThrowError(CatalogueError);
    try {
      buildCatalogue(broken);
    } catch (error) {
      expect((error as Error).message).toBe(`Catalogue error in ${first.file}: story.ko: must be text`);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('is refused for a bad slug, an id that is not its file name, an unknown network, an http source or an unexpected field', () => {
    expect(() => buildCatalogue(withStory((s) => (s.id = 'Eric & Seo')))).toThrowError(/eric-seo-hyun-jin\.json: id: must be a lowercase slug/);
    expect(() => buildCatalogue(withStory((s) => (s.id = 'park-bo-gum-kim-yoo-jung')))).toThrowError(/id: "park-bo-gum-kim-yoo-jung" must be the file's name \("eric-seo-hyun-jin"\)/);
    expect(() => buildCatalogue(withStory((s) => ((s.drama as Record<string, unknown>).network = 'KBS 2TV')))).toThrowError(/drama\.network: must be one of/);
    expect(() => buildCatalogue(withStory((s) => ((s.source as Record<string, unknown>).url = 'http://www.dramafever.com/news/')))).toThrowError(/source\.url: must be an https URL/);
    expect(() => buildCatalogue(withStory((s) => ((s.video as Record<string, unknown>).url = 'https://www.youtube.com/watch?v=x')))).toThrowError(/video\.url: is not a known field/);
    expect(() => buildCatalogue(withStory((s) => ((s.source as Record<string, unknown>).published = '2017-13')))).toThrowError(/source\.published: must be a date/);
  });

  it('is refused for a line marked as our translation without the reported Korean it translates', () => {
    const broken = withStory((s) => (s.quotes = [{ speaker: 'Eric', text: 'Hello', textKind: 'translation', ko: { text: '안녕', kind: 'translation' } }]));
    expect(() => buildCatalogue(broken)).toThrowError(/quotes\.0\.ko: a line whose English is a translation needs the Korean words/);
  });

  it('is refused for a character played by someone else, or a Korean speaker label not in Hangul', () => {
    // Someone outside the couple may speak: Korean members see their Korean label where a page gives one.
    expect(() => buildCatalogue(withStory((s) => (s.quotes = [{ speaker: 'Producer', text: 'Cut!' }])))).not.toThrow();
    expect(() => buildCatalogue(withStory((s) => (s.quotes = [{ speaker: 'Producer', speakerKo: '제작진', text: 'Cut!' }])))).not.toThrow();
    expect(() => buildCatalogue(withStory((s) => (s.quotes = [{ speaker: 'Producer', speakerKo: 'PD', text: 'Cut!' }])))).toThrowError(/quotes\.0\.speakerKo: must be written in Hangul/);
    expect(() => buildCatalogue(withStory((s) => (s.characters = [{ actor: 'Somebody Else', name: 'X' }])))).toThrowError(/characters\.0\.actor: "Somebody Else" is not one of/);
  });

  it('is refused when it repeats a source, or is not JSON (named)', () => {
    expect(() => buildCatalogue(withStory((s) => (s.also = [s.source])))).toThrowError(/also\.0\.url: repeats another source/);
    const dir = mkdtempSync(join(tmpdir(), 'stories-'));
    writeFileSync(join(dir, 'broken.json'), '{ "id": ');
    expect(() => loadCatalogue(dir)).toThrowError(/broken\.json: not valid JSON/);
  });

  it('takes a new story as a file alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stories-'));
    for (const f of files) writeFileSync(join(dir, f.file.split(/[\\/]/).pop()!), JSON.stringify(f.data));
    writeFileSync(join(dir, 'a-new-story.json'), JSON.stringify({ ...(first.data as object), id: 'a-new-story' }));
    writeFileSync(join(dir, 'notes.txt'), 'not a story');
    const grown = loadCatalogue(dir);
    expect(grown.couples).toHaveLength(files.length + 1);
    expect(grown.couples[0]!.id).toBe('a-new-story');
  });
});

describe('every story, beside its sources’ fingerprints (tests/fixtures/sources)', () => {
  const cases = entries.map((e) => [e.story.id, e.story] as const);

  it.each(cases)('%s: each of its sources has a fingerprint', (_id, story) => {
    for (const source of sourcesOf(story)) {
      const fingerprint = fingerprintOf(source.url);
      expect(fingerprint, `no ${fingerprintFile(source.url).pathname.split('/').pop()} for ${source.url}: run scripts/source-fingerprint.ts`).toBeDefined();
      expect(fingerprint!.url).toBe(source.url);
      expect(fingerprint!.ngram).toBe(NGRAM);
    }
  });

  it.each(cases)('%s: is retold in its own words, English and Korean (no run of eight words is a source’s)', (_id, story) => {
    const ngrams = new Set(sourcesOf(story).flatMap((s) => fingerprintOf(s.url)?.ngrams ?? []));
    for (const lang of ['en', 'ko'] as const) {
      const shared = ngramHashes(story.story[lang]).filter((h) => ngrams.has(h));
      expect(shared, `story.${lang} shares ${shared.length} runs of ${NGRAM} words with its sources`).toEqual([]);
    }
  });

  it.each(cases)('%s: quotes verbatim what its sources print (English as printed, Korean where reported)', (_id, story) => {
    const quotes = new Set(sourcesOf(story).flatMap((s) => fingerprintOf(s.url)?.quotes ?? []));
    for (const line of verbatimLines(story)) expect(quotes.has(hashWords(words(line))), `not verbatim in its sources: ${line}`).toBe(true);
  });

  it('the checks catch a copied sentence and a quote changed by one word', () => {
    const article = fingerprintOf(byId.get('park-hae-jin-kim-go-eun')!.source.url)!;
    expect(article.ngrams.length).toBeGreaterThan(500);
    const lifted = byId.get('park-hae-jin-kim-go-eun')!.quotes!.find((q) => words(q.text).length >= NGRAM)!;
    const copied = `On set that day, as everyone remembers, ${lifted.text}`;
    expect(ngramHashes(copied).some((h) => article.ngrams.includes(h))).toBe(true);
    expect(article.quotes).toContain(hashWords(words(lifted.text)));
    expect(article.quotes).not.toContain(hashWords(words(lifted.text.replace('deep', 'long'))));
  });
});

describe('the fingerprint of a page', () => {
  const saved = 'URL: https://example.org/a\nTITLE: A page\n\nShe said "I did!" and laughed, then the crew filmed the kiss again in the rain.\n';

  it('hashes the text without its header, and keeps only the quoted lines the text holds word for word', () => {
    const page = pageText(saved);
    expect(page.url).toBe('https://example.org/a');
    expect(page.text.startsWith('She said')).toBe(true);
    const { fingerprint, missing } = makeFingerprint('https://example.org/a', page.text, ['I did!', 'I did not!']);
    expect(fingerprint.quotes).toEqual([hashWords(['i', 'did'])]);
    expect(missing).toEqual(['I did not!']);
    expect(fingerprint.ngrams).toHaveLength(words(page.text).length - NGRAM + 1);
    expect(fingerprint.ngrams).not.toContain(ngramHashes('URL https example org a TITLE A page She')[0]);
    expect(JSON.stringify(fingerprint)).not.toMatch(/crew|kiss|rain/);
  });

  it('compares words as every check does: case, curly apostrophes and punctuation aside', () => {
    expect(words('It’s ON fire! Put off—that fire.')).toEqual(["it's", 'on', 'fire', 'put', 'off', 'that', 'fire']);
    expect(holdsWords('He said: “It’s so hot!” twice', "it's so HOT")).toBe(true);
    expect(holdsWords('He said it is so hot', "it's so hot")).toBe(false);
  });
});

describe('the catalogue’s rules (tests/support/catalogue-rules.ts)', () => {
  it.each(entries.map((e) => [e.story.id, e] as const))('%s keeps every rule of a story', (_id, entry) => {
    expect(storyProblems(entry)).toEqual([]);
  });

  it(`meets the minimums: ${CATALOGUE_MINIMUMS.stories} stories, ${CATALOGUE_MINIMUMS.dramas} dramas, ${CATALOGUE_MINIMUMS.firstYear}–${CATALOGUE_MINIMUMS.lastYear}, ${CATALOGUE_MINIMUMS.networks} networks, at most ${CATALOGUE_MINIMUMS.maxStoriesPerActor} stories per actor`, () => {
    expect(spreadProblems(spreadOf(entries.map((e) => e.story)))).toEqual([]);
  });

  it('the minimums pass a catalogue that meets them and name each shortfall', () => {
    const story = (i: number): StoryFile => ({
      ...byId.get('eric-seo-hyun-jin')!,
      id: `story-${i}`,
      actors: [{ name: `Actor ${i % 60}` }, { name: `Actress ${i % 60}` }],
      drama: { title: `Drama ${i % 80}`, network: (['KBS2', 'MBC', 'SBS', 'tvN', 'JTBC', 'ENA', 'Netflix', 'Disney+'] as const)[i % 8]!, year: 2005 + (i % 21) },
    });
    const good = Array.from({ length: 120 }, (_, i) => story(i));
    expect(spreadProblems(spreadOf(good))).toEqual([]);
    expect(spreadProblems(spreadOf(good.slice(0, 119)))).toEqual(['119 stories, fewer than 120']);
    const samey = good.map((s) => ({ ...s, drama: { ...s.drama, network: 'tvN' as const, year: 2016 } }));
    expect(spreadProblems(spreadOf(samey))).toEqual(['1 networks, fewer than 8', 'years 2016–2016, not spanning 2005–2025']);
    const fewDramas = good.map((s, i) => ({ ...s, drama: { ...s.drama, title: `Drama ${i % 79}`, year: 2005 + ((i % 79) % 21) } }));
    expect(spreadProblems(spreadOf(fewDramas))).toEqual(['79 dramas, fewer than 80']);
    const busy = good.map((s, i) => (i < 5 ? { ...s, actors: [{ name: 'Park Bo-gum' }, s.actors[1]!] } : s));
    expect(spreadProblems(spreadOf(busy))).toContain('Park Bo-gum is in 5 stories, more than 4');
  });

  it('a story’s rules catch a missing Hangul name, plain narration, an unquoted title, a long quote and a source that is not a public https page', () => {
    const eric = entries.find((e) => e.story.id === 'eric-seo-hyun-jin')!;
    const bad: StoryEntry = {
      file: 'data/stories/eric-seo-hyun-jin.json',
      story: {
        ...eric.story,
        actors: [{ name: 'Eric' }, eric.story.actors[1]!],
        story: { en: eric.story.story.en, ko: '또 오해영의 에릭과 서현진이 키스했다. 감독이 좋아했어요.' },
        quotes: [{ speaker: 'Eric', text: Array.from({ length: 26 }, () => 'word').join(' ') }],
        source: { publisher: ' ', url: 'http://example.org/page' },
      },
    };
    expect(storyProblems(bad)).toEqual([
      'actors: Eric has no Hangul name',
      'story.ko: not 해요체: "또 오해영의 에릭과 서현진이 키스했다."',
      'story.ko: the title 또 오해영 is not in single quotes',
      'quotes.0.text: more than 25 words',
      'source.url: not https',
      'source.publisher: empty',
    ]);
  });

  it('reads 해요체 past quoted words and titles', () => {
    expect(notHaeyo("그는 \"불붙었다. 꺼라.\"라고 외쳤어요. '또 오해영'은 재밌죠!")).toEqual([]);
    expect(notHaeyo('웃었어요. 울었다.')).toEqual(['울었다.']);
    expect(unquotedTitles("'달의 연인 – 보보경심 려'에서 만난 달의 연인", ['달의 연인 – 보보경심 려', '달의 연인'])).toEqual(['달의 연인']);
  });
});
