import { describe, expect, it } from 'vitest';
import { commandPaths, createCommandMentions, mentionVariable } from '../../src/mentions.js';
import { definitions, testMentions } from '../support/mentions.js';

const DAILY = '111111111111111111';
const POLL = '222222222222222222';

describe('command mentions', () => {
  it('know every path a member can run: each subcommand, or the command itself', () => {
    const paths = [...commandPaths(definitions).keys()];
    expect(paths).toContain('kiss-daily set');
    expect(paths).toContain('kiss-poll start');
    expect(paths).toContain('kiss-scene');
    expect(paths).toContain('kiss-about');
    expect(paths).not.toContain('kiss-daily');
  });

  it('name a command as plain text in the member’s language until its id is known', () => {
    const mentions = testMentions();
    expect(mentions.mention('kiss-daily set', 'en')).toBe('`/kiss-daily set`');
    expect(mentions.mention('kiss-daily set', 'ko')).toBe('`/키스신-매일 설정`');
    expect(mentions.mention('kiss-poll start', 'ko')).toBe('`/키스신-투표 시작`');
    expect(mentions.vars('ko').kissDailySet).toBe('`/키스신-매일 설정`');
  });

  it('mention it, in every language alike, once the ids of the registered commands are learnt', () => {
    const mentions = testMentions();
    const known = mentions.learn([
      { name: 'kiss-daily', id: DAILY },
      { name: 'kiss-poll', id: POLL },
      { name: 'someone-elses-command', id: '333333333333333333' },
      { name: 'kiss-scene', id: 'not-an-id' },
    ]);
    expect(known).toBe(2);
    for (const lang of ['en', 'ko'] as const) {
      expect(mentions.mention('kiss-daily set', lang)).toBe(`</kiss-daily set:${DAILY}>`);
      expect(mentions.vars(lang).kissPollStart).toBe(`</kiss-poll start:${POLL}>`);
    }
    // An id that is not one falls back to plain text, in the member's language.
    expect(mentions.vars('en').kissScene).toBe('`/kiss-scene`');
    expect(mentions.vars('ko').kissScene).toBe('`/키스신`');
  });

  it('name a command the bot does not define in plain text, never as a mention', () => {
    const mentions = createCommandMentions(definitions);
    mentions.learn([{ name: 'kiss-nothing', id: DAILY }]);
    expect(mentions.mention('kiss-nothing delete', 'ko')).toBe('`/kiss-nothing delete`');
    expect(mentions.mention('kiss-daily sett', 'en')).toBe('`/kiss-daily sett`');
  });

  it('turn a path into its translation variable', () => {
    expect(mentionVariable('kiss-daily set')).toBe('kissDailySet');
    expect(mentionVariable('kiss-video')).toBe('kissVideo');
    expect(mentionVariable('kiss-poll hide_counts')).toBe('kissPollHideCounts');
  });
});
