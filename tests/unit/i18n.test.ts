import { describe, expect, it } from 'vitest';
import { flatten, languageOf, resources, t } from '../../src/i18n/index.js';
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
