import { describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { createCommandMentions } from '../../src/mentions.js';
import { definitions } from '../support/mentions.js';

/** Discord's rule for a chat-input command's name, in every language: lowercase letters, digits, - and _, up to 32. */
const DISCORD_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

describe('the commands’ Korean names', () => {
  const korean = definitions.map((d) => [d.name, d.name_localizations?.ko] as const);

  it('give every top-level command a Korean name, all starting with 키스신 so typing /키스 finds them', () => {
    expect(Object.fromEntries(korean)).toEqual({
      'kiss-about': '키스신-소개',
      'kiss-daily': '키스신-매일',
      'kiss-data': '키스신-데이터',
      'kiss-poll': '키스신-투표',
      'kiss-quiz': '키스신-퀴즈',
      'kiss-scene': '키스신',
      'kiss-story': '키스신-서버-이야기',
      'kiss-video': '키스신-영상',
      'kiss-video-link': '키스신-영상-링크',
      'kiss-worldcup': '키스신-월드컵',
    });
  });

  it('are valid Discord names: lowercase, no spaces, at most 32 characters, each used once', () => {
    const names = korean.map(([, ko]) => ko!);
    for (const name of names) {
      expect(name, name).toMatch(DISCORD_NAME);
      expect(name).toBe(name.toLowerCase());
    }
    expect(new Set(names).size).toBe(names.length);
    expect(DISCORD_NAME.test('키스신 투표')).toBe(false);
    expect(DISCORD_NAME.test('키'.repeat(33))).toBe(false);
  });

  it('come with Korean descriptions', () => {
    for (const definition of definitions) expect(definition.description_localizations?.ko, definition.name).toMatch(/\p{Script=Hangul}/u);
  });

  it('are what a Korean member reads in command mentions before the ids are known', () => {
    const mentions = createCommandMentions(definitions);
    expect(mentions.mention('kiss-daily set', 'ko')).toBe(`\`/키스신-매일 ${t('ko', 'daily.command.set.name')}\``);
    expect(mentions.mention('kiss-scene', 'ko')).toBe('`/키스신`');
    expect(mentions.mention('kiss-scene', 'en')).toBe('`/kiss-scene`');
  });
});
