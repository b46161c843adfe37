/** The page's own words: every one the page names exists, in English and in Korean. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { label, type LabelKey } from '../src/page/labels.js';

const html = readFileSync(new URL('../src/page/index.html', import.meta.url), 'utf8');

/** The keys the page's HTML names in `data-label…` attributes. */
const htmlKeys = [...html.matchAll(/data-label(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1] as LabelKey);

describe('the page’s own words', () => {
  it('has every word the page’s HTML names, in both languages, with the English one as the HTML’s fallback', () => {
    expect(htmlKeys.length).toBeGreaterThan(15);
    for (const key of htmlKeys) {
      expect(label('en-US', key), key).not.toBe(key);
      expect(label('ko', key), key).not.toBe(key);
    }
    // The HTML's own text (shown before the script runs) is the English word.
    for (const m of html.matchAll(/data-label="([^"]+)"[^>]*>([^<]+)</g)) expect(m[2]).toBe(label('en-US', m[1] as LabelKey));
  });

  it('has Korean words in Korean: each differs from the English one, and none is left in English', () => {
    const same = (['servers', 'textChannels', 'simulatedTime', 'plusDay', 'members', 'movingTime', 'cancel', 'submit', 'noResponse', 'onlyYou', 'dismiss', 'edited'] as const).filter(
      (key) => label('ko', key) === label('en-US', key),
    );
    expect(same).toEqual([]);
    for (const key of htmlKeys) expect(label('ko', key), key).toMatch(/[가-힣]|^\+1/);
  });

  it('fills its placeholders, and leaves an unknown one as written', () => {
    expect(label('en-US', 'messagePlaceholder', { channel: 'general' })).toBe('Message #general — type / for commands');
    expect(label('ko', 'messagePlaceholderShort', { channel: 'general' })).toBe('#general에 메시지 보내기');
    expect(label('en-US', 'required', {})).toBe('{option}: this option is required');
    // A name like a built-in property of objects is no placeholder value.
    expect(label('en-US', 'required', Object.create({ option: 'inherited' }) as Record<string, string>)).toBe('{option}: this option is required');
  });

});
