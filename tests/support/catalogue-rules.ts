/**
 * The rules the built-in catalogue keeps (issue 22), as plain functions over story files, so a test
 * runs them on every file in data/stories and other tests prove each rule catches what it should.
 * The numbers are in one place: CATALOGUE_MINIMUMS.
 */
import type { StoryEntry, StoryFile } from '../../src/catalogue/catalogue.js';
import { words } from './fingerprint.js';

/** The ids of the source article's ten stories, the catalogue's first: tests that need stories of their own kind name these. */
export const ARTICLE_TEN = Object.freeze([
  'park-bo-gum-kim-yoo-jung',
  'lee-dong-wook-jung-ryeo-won',
  'eric-seo-hyun-jin',
  'seo-in-guk-jung-eun-ji',
  'yoo-yeon-seok-seo-hyun-jin',
  'park-hae-jin-kim-go-eun',
  'kim-rae-won-park-shin-hye',
  'krystal-kang-min-hyuk',
  'lee-joon-ki-iu',
  'kim-soo-hyun-cha-tae-hyun',
]);

export const CATALOGUE_MINIMUMS = Object.freeze({
  /** Four months of daily stories without a repeat. */
  stories: 120,
  dramas: 80,
  /** The years the dramas span, at least from the first to the last. */
  firstYear: 2005,
  lastYear: 2025,
  networks: 8,
  /** No actor in more than this many stories. */
  maxStoriesPerActor: 4,
  /** A quote is a line, not a passage. */
  maxQuoteWords: 25,
});
export type CatalogueMinimums = typeof CATALOGUE_MINIMUMS;

/** A name compared loosely: "Park Bo-gum" and "park bo gum" are one actor. */
const key = (name: string) => name.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

export interface Spread {
  readonly stories: number;
  readonly dramas: number;
  readonly networks: number;
  readonly firstYear: number;
  readonly lastYear: number;
  /** Stories per actor (by romanised name), the most first. */
  readonly perActor: ReadonlyArray<readonly [string, number]>;
}

export function spreadOf(stories: readonly StoryFile[]): Spread {
  const years = stories.map((s) => s.drama.year);
  const perActor = new Map<string, { name: string; count: number }>();
  for (const story of stories) {
    for (const actor of story.actors) {
      const entry = perActor.get(key(actor.name)) ?? { name: actor.name, count: 0 };
      entry.count++;
      perActor.set(key(actor.name), entry);
    }
  }
  return {
    stories: stories.length,
    dramas: new Set(stories.map((s) => `${key(s.drama.title)}@${s.drama.year}`)).size,
    networks: new Set(stories.map((s) => s.drama.network)).size,
    firstYear: Math.min(...years),
    lastYear: Math.max(...years),
    perActor: [...perActor.values()].map((e) => [e.name, e.count] as const).sort((a, b) => b[1] - a[1]),
  };
}

/** What the catalogue as a whole lacks against `minimums`; empty when it meets them all. */
export function spreadProblems(spread: Spread, minimums: CatalogueMinimums = CATALOGUE_MINIMUMS): string[] {
  const problems: string[] = [];
  if (spread.stories < minimums.stories) problems.push(`${spread.stories} stories, fewer than ${minimums.stories}`);
  if (spread.dramas < minimums.dramas) problems.push(`${spread.dramas} dramas, fewer than ${minimums.dramas}`);
  if (spread.networks < minimums.networks) problems.push(`${spread.networks} networks, fewer than ${minimums.networks}`);
  if (spread.firstYear > minimums.firstYear || spread.lastYear < minimums.lastYear) {
    problems.push(`years ${spread.firstYear}–${spread.lastYear}, not spanning ${minimums.firstYear}–${minimums.lastYear}`);
  }
  for (const [name, count] of spread.perActor) if (count > minimums.maxStoriesPerActor) problems.push(`${name} is in ${count} stories, more than ${minimums.maxStoriesPerActor}`);
  return problems;
}

/** Quoted spans ("…", “…”, '…', ‘…’): a title or someone's words, not the narration's own sentences. */
const QUOTED = /"[^"]*"|“[^”]*”|'[^']*'|‘[^’]*’|「[^」]*」/g;

/**
 * Sentences of Korean narration that do not end in 해요체 (…요, …죠): the bot speaks in one voice.
 * Quoted words are left out first, so a reported line may keep its own ending.
 */
export function notHaeyo(ko: string): string[] {
  const narration = ko.replace(QUOTED, '“”');
  return narration
    .split(/(?<=[.!?…])\s+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .filter((sentence) => !/[요죠][.!?…~]*[”)\]]*$/u.test(sentence));
}

/**
 * Titles (Korean, or any with Hangul) that `ko` names outside single quotes: '또 오해영', never 또 오해영
 * (read as "again"). Titles of fewer than three letters are not looked for: they are also ordinary words.
 */
export function unquotedTitles(ko: string, titles: readonly string[]): string[] {
  const spans = [...ko.matchAll(/'[^']*'|‘[^’]*’/g)].map((m) => [m.index, m.index + m[0].length] as const);
  const inQuotes = (at: number, length: number) => spans.some(([start, end]) => at > start && at + length < end);
  const out: string[] = [];
  for (const title of titles) {
    for (let at = ko.indexOf(title); at >= 0; at = ko.indexOf(title, at + 1)) {
      if (!inQuotes(at, title.length)) {
        out.push(title);
        break;
      }
    }
  }
  return out;
}

const HANGUL = /\p{Script=Hangul}/u;

/** What one story file breaks of the catalogue's rules; empty when it keeps them all. */
export function storyProblems({ file, story }: StoryEntry, minimums: CatalogueMinimums = CATALOGUE_MINIMUMS): string[] {
  const problems: string[] = [];
  const base = file.split(/[\\/]/).pop();
  if (base !== `${story.id}.json`) problems.push(`id "${story.id}" is not the file's name (${base})`);
  // Korean members read every actor's name in Hangul: one of the story's pages gives it.
  for (const actor of story.actors) if (actor.hangul === undefined) problems.push(`actors: ${actor.name} has no Hangul name`);
  if (!HANGUL.test(story.story.ko)) problems.push('story.ko is not in Korean');
  for (const sentence of notHaeyo(story.story.ko)) problems.push(`story.ko: not 해요체: "${sentence}"`);
  const titles = [story.drama.korean, story.drama.title, ...(story.drama.aliases ?? [])].filter((t): t is string => t !== undefined && HANGUL.test(t) && t.replace(/\s/g, '').length >= 3);
  const longestFirst = [...new Set(titles)].sort((a, b) => b.length - a.length);
  for (const title of unquotedTitles(story.story.ko, longestFirst)) problems.push(`story.ko: the title ${title} is not in single quotes`);
  (story.quotes ?? []).forEach((quote, i) => {
    if (!quote.speaker.trim()) problems.push(`quotes.${i}: no speaker`);
    for (const [field, text] of [['text', quote.text], ['ko', quote.ko?.text]] as const) {
      if (text !== undefined && words(text).length > minimums.maxQuoteWords) problems.push(`quotes.${i}.${field}: more than ${minimums.maxQuoteWords} words`);
    }
  });
  const sources = [story.source, ...(story.also ?? [])];
  sources.forEach((source, i) => {
    const where = i === 0 ? 'source' : `also.${i - 1}`;
    if (!source.url.startsWith('https://')) problems.push(`${where}.url: not https`);
    if (!source.publisher.trim()) problems.push(`${where}.publisher: empty`);
  });
  return problems;
}
