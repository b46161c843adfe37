import { describe, expect, it } from 'vitest';
import { countedPhrases, flatten, languageOf, LANGUAGES, PLURAL_CATEGORIES, resources, t } from '../../src/i18n/index.js';
import { commandPaths, mentionVariable } from '../../src/mentions.js';
import { definitions } from '../support/mentions.js';

type Named = { name: string; options?: readonly Named[] };

/** Every subcommand and option name of the bot's commands (what a Korean client shows translated). */
function optionNames(options: readonly Named[] | undefined, out = new Set<string>()): Set<string> {
  for (const o of options ?? []) {
    out.add(o.name);
    optionNames(o.options, out);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const en = flatten(resources.en);
  const ko = flatten(resources.ko);

  /** `<key>.name` next to a `<key>.description`: the localized name of a command option or subcommand. */
  const optionName = (key: string) => key.endsWith('.name') && en.has(key.replace(/\.name$/, '.description'));

  it('have every key in both English and Korean', () => {
    expect([...en.keys()].filter((k) => !ko.has(k))).toEqual([]);
    // Korean alone holds option names: the English ones are the identifiers, written in commands/*.ts.
    expect([...ko.keys()].filter((k) => !en.has(k) && !optionName(k))).toEqual([]);
    expect(en.size).toBeGreaterThan(30);
  });

  it('leave the English option and subcommand names to the command files', () => {
    expect([...en.keys()].filter(optionName)).toEqual([]);
    expect([...ko.keys()].filter(optionName).length).toBeGreaterThan(20);
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of en) expect(placeholders(ko.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('have no empty strings, and Korean text is Korean', () => {
    for (const [key, text] of ko) {
      expect(text.trim(), key).not.toBe('');
      const englishWords = (en.get(key) ?? '').replace(/\{\{\w+\}\}/g, '').match(/[A-Za-z]{3,}/g) ?? [];
      // Brand names (YouTube, Viki) are written the same in Korean.
      if (englishWords.length > 0 && !key.startsWith('video.sites.')) expect(text, key).toMatch(/\p{Script=Hangul}/u);
    }
  });

  it('never write an English subcommand or option name in Korean: commands are named through mentions', () => {
    const names = optionNames(definitions);
    expect(names).toContain('set');
    expect(names).toContain('timezone');
    expect(names).toContain('hide_counts');
    const offenders: string[] = [];
    for (const [key, text] of ko) {
      // Placeholders are filled by the code (a mention shows in the member's language).
      const words = text.replace(/\{\{\s*\w+\s*\}\}/g, ' ').toLowerCase();
      for (const name of names) if (new RegExp(`(^|[^a-z_])${name}([^a-z_]|$)`).test(words)) offenders.push(`${key}: ${name}`);
    }
    expect(offenders).toEqual([]);
    // The check would catch the old wording.
    expect(/(^|[^a-z_])set([^a-z_]|$)/.test('`/kiss-daily set channel:… time:…`')).toBe(true);
  });

  it('name commands only through placeholders the bot fills with a mention', () => {
    const variables = new Set([...commandPaths(definitions).keys()].map(mentionVariable));
    // `/kiss-data delete` is registered by the data commands; /kiss-about names it in plain text until then.
    variables.add(mentionVariable('kiss-data delete'));
    for (const [key, text] of [...en, ...ko]) {
      expect(text, key).not.toMatch(/`?\/kiss-[a-z-]+/);
      for (const [, name] of text.matchAll(/\{\{\s*(kiss\w+)\s*\}\}/g)) expect(variables, `${key}: {{${name}}}`).toContain(name);
    }
  });

  it('keep one term per concept (the glossary in src/i18n/ko/README.md), without the wording members found odd', () => {
    // Each pattern once read this way in a string members see.
    const retired: Record<'en' | 'ko', RegExp[]> = {
      en: [/behind-the-scenes kiss/i, /all of it or nothing/, /; searches follow/, /No original clip address is verified/],
      ko: [/저희/, /게시/, /서버에 대해/, /\d\}\}회 우승|\d+회 우승/, /\{\{count\}\}회 우승/, /^강수$/, /^혼자하기$/, /^지금$/, /만든 것 같은/, /못하게 해요/],
    };
    for (const [lang, texts] of [['en', en], ['ko', ko]] as const) {
      const found = [...texts].filter(([, text]) => retired[lang].some((pattern) => pattern.test(text))).map(([key, text]) => `${key}: ${text}`);
      expect(found, lang).toEqual([]);
    }
    expect(en.get('poll.defaultQuestion')).toBe('Which Kiss-scene story is your favourite?');
    expect(ko.get('poll.wins.other')).toBe(ko.get('worldcup.titles.other'));
  });

  it('follow the member’s Discord locale, falling back to English', () => {
    expect(languageOf('ko')).toBe('ko');
    expect(languageOf('en-US')).toBe('en');
    expect(languageOf('fr')).toBe('en');
    expect(languageOf(undefined)).toBe('en');
    expect(t('ko', 'scene.another')).toBe('다른 이야기');
    expect(t('ja', 'scene.another')).toBe('Another story');
  });

  it('interpolate without HTML escaping', () => {
    expect(t('en', 'scene.noMatch', { query: '<question>', suggestions: '' })).toContain('<question>');
  });

  it('throw on a missing key instead of showing it to a user', () => {
    expect(() => t('en', 'scene.doesNotExist')).toThrow(/Missing translation/);
  });

  it('throw on a placeholder left unfilled instead of showing a sentence with a hole', () => {
    expect(() => t('en', 'poll.errors.noOpenPoll')).toThrow(/Missing translation variable \{\{kissPollStart\}\}/);
    expect(t('en', 'poll.errors.noOpenPoll', { kissPollStart: '</kiss-poll start:1>' })).toContain('</kiss-poll start:1>');
  });
});

/** The words of a text, placeholders left out. */
const wordsOf = (text: string) => text.replace(/\{\{\s*\w+\s*\}\}/g, ' ').toLowerCase().match(/[a-z]+/g) ?? [];

/** A plural form's key (`poll.votes.other`). */
const isForm = (key: string) => (PLURAL_CATEGORIES as readonly string[]).includes(key.slice(key.lastIndexOf('.') + 1));

/**
 * English texts outside the counted phrases that put a number before one of `nouns` (a noun the
 * counted phrases inflect): each placeholder is filled with 1 (a command with its name), and a `1`
 * followed within three words by such a plural noun is an offender ("1 stories").
 */
function uncounted(texts: Iterable<[string, string]>, nouns: ReadonlySet<string>): string[] {
  const offenders: string[] = [];
  for (const [key, text] of texts) {
    if (isForm(key)) continue;
    const filled = text.replace(/\{\{\s*kiss\w+\s*\}\}/g, '/command').replace(/\{\{\s*\w+\s*\}\}/g, '1');
    for (const m of filled.matchAll(/(?<![\w.])1 ((?:\S+ ){0,2}\S+)/g)) {
      if ((m[1]!.toLowerCase().match(/[a-z]+/g) ?? []).some((w) => nouns.has(w))) offenders.push(`${key}: ${text}`);
    }
  }
  return offenders;
}

describe('counted phrases', () => {
  const en = flatten(resources.en);

  it('read right for one and for many, in both languages', () => {
    expect(t('en', 'story.imported', { added: 1, updated: 0, count: 1 })).toBe('Imported the file: 1 added, 0 updated. This server now has 1 story of its own.');
    expect(t('en', 'story.imported', { added: 2, updated: 0, count: 2 })).toBe('Imported the file: 2 added, 0 updated. This server now has 2 stories of its own.');
    expect(t('en', 'story.exported', { count: 1, kissStoryImport: '/kiss-story import' })).toMatch(/^This server's 1 story, as a file/);
    expect(t('en', 'story.exported', { count: 3, kissStoryImport: '/kiss-story import' })).toMatch(/^This server's 3 stories, as a file/);
    expect(t('en', 'poll.votes', { count: 0 })).toBe('0 votes');
    expect(t('en', 'poll.votes', { count: 1 })).toBe('1 vote');
    expect(t('en', 'data.retention.days', { count: 1 })).toBe('1 day');
    expect(t('en', 'about.what', { count: 1 })).toMatch(/^The story behind 1 famous K-drama kiss scene,/);
    // Korean has one form for every count (its plural rules give `other`).
    expect(new Intl.PluralRules('ko').select(1)).toBe('other');
    expect(t('ko', 'story.imported', { added: 1, updated: 0, count: 1 })).toBe('파일을 가져왔어요: 1개 추가, 0개 수정. 이제 이 서버의 이야기는 1개예요.');
    expect(t('ko', 'poll.votes', { count: 1 })).toBe('1표');
  });

  it('throw without a count rather than guess a form', () => {
    expect(() => t('en', 'poll.votes')).toThrow(/Missing count for the counted phrase poll\.votes/);
    expect(() => t('en', 'poll.votes', { count: '1' })).toThrow(/Missing count/);
  });

  it('are the same phrases in both languages, each with an `other` form holding {{count}}', () => {
    const phrases = [...countedPhrases('en')].sort();
    expect(phrases.length).toBeGreaterThan(20);
    for (const lang of LANGUAGES) {
      expect([...countedPhrases(lang)].sort()).toEqual(phrases);
      const texts = flatten(resources[lang]);
      for (const key of phrases) expect(texts.get(`${key}.other`), `${lang}: ${key}`).toMatch(/\{\{count\}\}/);
    }
  });

  it('cover every number put before a noun: no "1 stories" anywhere', () => {
    const nouns = new Set<string>();
    for (const key of countedPhrases('en')) {
      const one = new Set(wordsOf(en.get(`${key}.one`) ?? ''));
      for (const word of wordsOf(en.get(`${key}.other`) ?? '')) if (!one.has(word)) nouns.add(word);
    }
    expect(nouns).toContain('stories');
    expect(nouns).toContain('votes');
    expect(nouns).toContain('days');
    expect(uncounted(en, nouns)).toEqual([]);
    // The check would catch the old wording.
    expect(uncounted([['story.imported', 'This server now has {{total}} stories of its own.'], ['data.summary.entries', '{{n}} stored entries in all.']], nouns)).toHaveLength(2);
  });
});
