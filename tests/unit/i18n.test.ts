import { describe, expect, it } from 'vitest';
import { flatten, languageOf, resources, t } from '../../src/i18n/index.js';

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
      if (englishWords.length > 0) expect(text, key).toMatch(/\p{Script=Hangul}/u);
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
});
