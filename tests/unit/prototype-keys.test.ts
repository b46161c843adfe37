/**
 * Keys that come from outside (a member's file or typing, the catalogue file, Discord's custom ids,
 * option names and locales) are never looked up as built-in properties of a plain object. Every
 * such lookup is fed the names every object inherits, and must treat them as ordinary keys.
 */
import { describe, expect, it } from 'vitest';
import kissScene from '../../commands/kiss-scene.js';
import { buildCatalogue, CatalogueError, loadCatalogue, readStoryFiles } from '../../src/catalogue/catalogue.js';
import { record, text } from '../../src/check.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { normalizeZone, isValidZone } from '../../src/daily/time.js';
import { zoneChoices } from '../../src/daily/zones.js';
import { hasTranslation, languageOf, t } from '../../src/i18n/index.js';
import { parseDataCustomId } from '../../src/lifecycle/custom-ids.js';
import { loadCommands } from '../../src/loader.js';
import { readFocused } from '../../src/options.js';
import { parsePollCustomId } from '../../src/polls/custom-ids.js';
import { addChampion, addPollResult, EMPTY_LEADERBOARD, rankLeaderboard, type Leaderboard } from '../../src/polls/leaderboard.js';
import { formProblemsMessage, importProblemsMessage } from '../../src/replies/stories.js';
import { createCoupleBook } from '../../src/stories/book.js';
import { isOwnStoryId } from '../../src/stories/schema.js';
import { planImport } from '../../src/stories/transfer.js';
import { EMPTY_BOOK } from '../../src/stories/schema.js';
import { checkVideoUrl } from '../../src/videos.js';
import { choose, createBracket, nextMatch, type Bracket } from '../../src/worldcup/bracket.js';
import { parseWorldCupCustomId } from '../../src/worldcup/ids.js';
import { addResult, coupleRecord, EMPTY_STATS, mostWon, rankStats, type WorldCupStats } from '../../src/worldcup/stats.js';
import { fields } from '../stories/helpers.js';

/** Names every plain object has (through its prototype), and the one that sets the prototype. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'] as const;

/** Through JSON, as the store and a file give it back (JSON.parse makes `__proto__` an ordinary key). */
const throughJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('a story import', () => {
  const catalogue = loadCatalogue();
  const at = { by: '111111111111111111', at: 0, newId: () => 'own.abcdefgh' };
  const plan = (entry: object) => planImport(JSON.stringify([entry]), EMPTY_BOOK, catalogue.couples, at, 200);

  it.each(PROTOTYPE_NAMES)('answers an entry with an extra field named %s with "has a field this bot does not know"', (name) => {
    // A computed key: an ordinary field, as a file's JSON would have it.
    const result = plan({ ...fields(1), [name]: true });
    expect(result).toEqual({ ok: false, reason: 'entries', entries: 1, problems: [{ entry: 1, label: 'Actor 1 Lee & Actor 1 Kim — Drama 1', part: 'entry', code: 'unknownField', detail: name }] });
    if (result.ok) return;
    expect(importProblemsMessage('en', result.problems, 1).content).toContain(`**Entry**: has a field this bot does not know (${name}).`);
    expect(importProblemsMessage('ko', result.problems, 1).content).toContain(`이 봇이 모르는 항목이 있어요 (${name}).`);
  });

  it.each(PROTOTYPE_NAMES)('answers a field named %s one level down the same way, under its part', (name) => {
    const story = fields(1);
    const result = plan({ ...story, drama: { ...story.drama, [name]: 1 } });
    expect(result).toMatchObject({ ok: false, problems: [{ part: 'drama', code: 'unknownField', detail: name }] });
  });

  it('reads a file written by hand with a literal "__proto__" key as a field, not as a prototype', () => {
    const json = JSON.stringify([fields(1)]).replace('"drama":', '"__proto__": {"source": "https://evil.example/x"}, "drama":');
    expect(planImport(json, EMPTY_BOOK, catalogue.couples, at, 200)).toMatchObject({ ok: false, problems: [{ part: 'entry', code: 'unknownField', detail: '__proto__' }] });
  });

  it.each(PROTOTYPE_NAMES)('words a form problem whose detail is %s without looking it up as a translation', (name) => {
    expect(hasTranslation(`video.refused.${name}`)).toBe(false);
    const message = formProblemsMessage('en', [{ part: 'video', code: 'video', detail: name }], { token: 'abcdefghijkl', target: { kind: 'add' } });
    expect(message.content).toContain(`• **${t('en', 'story.parts.video')}**: `);
    expect(message.content).not.toMatch(/undefined|\[object|function/);
  });
});

describe('the story files', () => {
  const files = readStoryFiles();
  const first = files[0]!.data as Record<string, unknown>;
  const withField = (patch: (story: Record<string, unknown>) => void) => {
    const story = structuredClone(first);
    patch(story);
    return [{ file: `${story.id as string}.json`, data: story }];
  };

  it.each(PROTOTYPE_NAMES)('refuses a network or a tag named %s (not a property of a list of names)', (name) => {
    expect(() => buildCatalogue(withField((s) => ((s.drama as Record<string, unknown>).network = name)))).toThrow(CatalogueError);
    expect(() => buildCatalogue(withField((s) => (s.tags = [name])))).toThrow(/tags\.0: must be one of/);
  });

  it('keeps a record of any keys (the sources) without a prototype', () => {
    const checked = record(text())(JSON.parse('{"__proto__": "a", "constructor": "b"}'));
    expect(Object.getPrototypeOf(checked)).toBeNull();
    expect(Object.entries(checked)).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'b'],
    ]);
  });

  it('finds no couple, in the catalogue or a server’s view, by a prototype name', async () => {
    const catalogue = loadCatalogue();
    const book = createCoupleBook({ catalogue });
    const view = await book.forGuild(undefined);
    for (const name of PROTOTYPE_NAMES) {
      expect(catalogue.get(name)).toBeUndefined();
      expect(view.lookup(name)).toBeUndefined();
      expect(isOwnStoryId(name)).toBe(false);
      expect(() => view.search.resolve(name)).not.toThrow();
    }
  });

  it('names a story `constructor` (a valid id, in constructor.json) and finds it', () => {
    const catalogue = buildCatalogue(withField((s) => (s.id = 'constructor')));
    expect(catalogue.get('constructor')?.id).toBe('constructor');
    expect(catalogue.sourceOf(catalogue.get('constructor')!)).toEqual(first.source);
  });
});

describe('counts kept by couple id', () => {
  const tally = {
    rows: PROTOTYPE_NAMES.map((coupleId, i) => ({ coupleId, votes: i + 1, percent: 0 })),
    totalVoters: 15,
    winners: ['hasOwnProperty'],
  };

  it('the poll leaderboard counts couples with prototype names, also once stored and read back', () => {
    let board: Leaderboard = EMPTY_LEADERBOARD;
    board = throughJson(addPollResult(board, tally));
    board = throughJson(addPollResult(board, tally));
    board = throughJson(addChampion(board, '__proto__'));
    board = throughJson(addChampion(board, 'constructor'));
    const rows = rankLeaderboard(board);
    expect(rows.map((r) => [r.coupleId, r.votes, r.wins, r.polls])).toEqual([
      ['hasOwnProperty', 10, 2, 2],
      ['constructor', 4, 1, 2],
      ['__proto__', 2, 1, 2],
      ['valueOf', 8, 0, 2],
      ['toString', 6, 0, 2],
    ]);
  });

  it('the World Cup statistics count couples with prototype names, also once stored and read back', () => {
    let bracket: Bracket = createBracket(['__proto__', 'constructor', 'toString', 'valueOf'], 4);
    // `__proto__` wins every match it plays; the other first-round match goes to its first side.
    for (let next = nextMatch(bracket); next; next = nextMatch(bracket)) {
      const { match, round, index } = next;
      bracket = choose(bracket, round, index, match.a === '__proto__' || match.b === '__proto__' ? '__proto__' : match.a!);
    }
    let stats: WorldCupStats = EMPTY_STATS;
    stats = throughJson(addResult(stats, 'solo', bracket));
    stats = throughJson(addResult(stats, 'solo', bracket));
    expect(coupleRecord(stats, '__proto__')).toEqual({ titles: 2, wins: 4, losses: 0 });
    expect(coupleRecord(stats, 'hasOwnProperty')).toEqual({ titles: 0, wins: 0, losses: 0 });
    expect(mostWon(stats)).toEqual(['__proto__']);
    expect(rankStats(stats).map((r) => r.coupleId)).toContain('__proto__');
    expect(rankStats(stats).reduce((n, r) => n + r.losses, 0)).toBe(6);
  });
});

describe('what Discord sends', () => {
  it.each(PROTOTYPE_NAMES)('treats a custom id part %s as a forged button', async (name) => {
    const registry = await loadCommands();
    expect(registry.components.get(name)).toBeUndefined();
    expect(registry.commands.get(name)).toBeUndefined();
    expect(parsePollCustomId([name, 'abcdefghij'])).toBeUndefined();
    expect(parsePollCustomId(['vote', 'abcdefghij', name])).toBeUndefined();
    expect(parseWorldCupCustomId([name])).toBeUndefined();
    expect(parseWorldCupCustomId(['vote', 'abcdefghij', name, '0', 'a'])).toBeUndefined();
    expect(parseDataCustomId([name, '123456789012345678', 'token'])).toBeUndefined();
  });

  it.each(PROTOTYPE_NAMES)('offers nothing for a focused option named %s', (name) => {
    const focused = { options: { getFocused: () => ({ name, value: 'x' }) } } as never;
    expect(readFocused(kissScene.data, focused)).toBeUndefined();
  });

  it.each(PROTOTYPE_NAMES)('answers a member whose locale is %s in English', (name) => {
    expect(languageOf(name)).toBe('en');
    expect(t(name, 'about.title')).toBe(t('en', 'about.title'));
  });
});

describe('what a member types', () => {
  it.each(PROTOTYPE_NAMES)('finds no timezone named %s, and suggests without failing', (name) => {
    expect(normalizeZone(name)).toBeUndefined();
    expect(isValidZone(name)).toBe(false);
    expect(() => zoneChoices(name, 0)).not.toThrow();
  });

  it.each(PROTOTYPE_NAMES)('refuses a video link on a host named %s', (name) => {
    expect(checkVideoUrl(`https://${name}/watch?v=1`)).toEqual({ ok: false, reason: 'not-a-video-site' });
  });
});

describe('the settings', () => {
  it.each(PROTOTYPE_NAMES)('refuses a cooldown or a retention whose unit is %s', (name) => {
    expect(() => loadConfig({ DISCORD_TOKEN: 'token', SCENE_COOLDOWN: `1/1${name}` })).toThrow(ConfigError);
    expect(() => loadConfig({ DISCORD_TOKEN: 'token', DATA_RETENTION_AFTER_REMOVAL: `1${name}` })).toThrow(ConfigError);
  });
});
