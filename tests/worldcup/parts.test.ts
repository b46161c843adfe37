/**
 * The World Cup's small parts on their own: candidates, custom ids, statistics, the bracket layout
 * and the reply builders.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/catalogue/random.js';
import { addChampion, EMPTY_LEADERBOARD, rankLeaderboard } from '../../src/polls/leaderboard.js';
import type { APIButtonComponent, APIEmbed } from 'discord-api-types/v10';
import { LIMITS } from '../../src/catalogue/schema.js';
import { t as t_ } from '../../src/i18n/index.js';
import { decisionLine, nameIn, roundButtons, roundMessage, roundResultsMessage, soloStepMessage, soloWinnerMessage, statsMessage } from '../../src/replies/worldcup.js';
import { bracketLayout, firstDrawnRound, IMAGE_ROUNDS, LAYOUT } from '../../src/worldcup/bracket-layout.js';
import { BRACKET_SIZES, choose, closeRound, createBracket, drawBracket, MAX_BRACKET_SIZE, type Bracket, type BracketSize } from '../../src/worldcup/bracket.js';
import { candidateOf, createCandidatePool, firstSentence, LINE_MAX, type Candidate } from '../../src/worldcup/candidates.js';
import { parseWorldCupCustomId, worldCupCustomId, type WorldCupAction } from '../../src/worldcup/ids.js';
import { testMentions } from '../support/mentions.js';
import { emptyTally, MATCHES_PER_MESSAGE, partOfMatch, partRange, roundParts, type SoloRun, type Tournament } from '../../src/worldcup/model.js';
import { addResult, EMPTY_STATS, mostWon, rankStats, resultCounts, statsOf, winRate } from '../../src/worldcup/stats.js';
import { catalogue, GUILD } from './helpers.js';

const noTie = { allTimeWins: () => 0, random: () => 0.9 };
const pool = catalogue.couples.map(candidateOf);

function finished(bracket: Bracket, pick: 'a' | 'b' = 'a'): Bracket {
  let b = bracket;
  for (let round = 0; b.rounds[round]?.some((m) => m.winner === undefined); round++) {
    b = closeRound(b, round, new Map(b.rounds[round]!.map((_, i) => [i, pick === 'a' ? [2, 1] : [1, 2]] as const)), noTie);
  }
  return b;
}

function tournament(size: BracketSize, over: Partial<Tournament> = {}): Tournament {
  const ids = Array.from({ length: size }, (_, i) => pool[i % pool.length]!.id + (i >= pool.length ? `-${i}` : ''));
  return {
    id: 'Tourney001',
    guildId: GUILD,
    channelId: '2',
    starterId: '3',
    lang: 'en',
    hideCounts: false,
    roundMs: 3_600_000,
    createdAt: 0,
    entrants: pool,
    bracket: createBracket(ids, size),
    rounds: [{ openedAt: 0, closesAt: 3_600_000, messageId: '9' }],
    status: 'running',
    ...over,
  };
}

describe('candidates', () => {
  it('come from the catalogue through candidatesFor, with both languages and a line of the story', async () => {
    const candidates = await createCandidatePool({ catalogue }).candidatesFor(GUILD);
    expect(candidates.map((c) => c.id)).toEqual(catalogue.couples.map((c) => c.id));
    const iu = candidates.find((c) => c.id === 'lee-joon-ki-iu')!;
    expect(iu.name).toEqual({ en: 'Lee Joon Ki & IU', ko: '이준기 & 아이유' });
    expect(iu.line.en).toMatch(/^Lee Joon Ki took the lead.*\.$/);
    for (const c of candidates) for (const lang of ['en', 'ko'] as const) expect([...c.line[lang]].length).toBeLessThanOrEqual(LINE_MAX);
  });

  it('take the first sentence, not stopping at an abbreviation', () => {
    expect(firstSentence('On camera, they kissed for Dr. Romantic. Then they laughed.')).toBe('On camera, they kissed for Dr. Romantic.');
    expect(firstSentence('키스신을 찍었다. 그리고 웃었다.')).toBe('키스신을 찍었다.');
    expect(firstSentence('x'.repeat(400))).toHaveLength(LINE_MAX);
  });
});

describe('World Cup button ids', () => {
  it('read back what they build', () => {
    const actions: WorldCupAction[] = [
      { action: 'pick', runId: 'AbCdEf1234', step: 6, side: 'b' },
      { action: 'share', runId: 'AbCdEf1234' },
      { action: 'again', size: 8 },
      { action: 'vote', tournamentId: 'AbCdEf1234', round: 2, match: 7, side: 'a' },
      // The largest bracket's last choice, first round's last match and final.
      { action: 'pick', runId: 'AbCdEf1234', step: MAX_BRACKET_SIZE - 2, side: 'a' },
      { action: 'again', size: 64 },
      { action: 'again', size: 32 },
      { action: 'vote', tournamentId: 'AbCdEf1234', round: 0, match: MAX_BRACKET_SIZE / 2 - 1, side: 'b' },
      { action: 'vote', tournamentId: 'AbCdEf1234', round: Math.log2(MAX_BRACKET_SIZE) - 1, match: 0, side: 'b' },
    ];
    for (const action of actions) expect(parseWorldCupCustomId(worldCupCustomId(action).split(':').slice(1))).toEqual(action);
  });

  it('refuse anything else: a forged or broken button', () => {
    for (const id of [
      'pick:short:0:a',
      'pick:AbCdEf1234:x:a',
      'pick:AbCdEf1234:0:c',
      'pick:AbCdEf1234:0:a:extra',
      'pick:AbCdEf1234:64:a',
      'again:5',
      'again:08',
      'again:128',
      'vote:AbCdEf1234:6:0:a',
      'vote:AbCdEf1234:0:32:a',
      'vote:AbCdEf1234:0:100:a',
      'share:',
      'explode',
      '',
    ]) {
      expect(parseWorldCupCustomId(id.split(':')), id).toBeUndefined();
    }
  });
});

describe('World Cup statistics', () => {
  it('count a title and every head-to-head of a finished bracket, as counters the store adds up', () => {
    const bracket = finished(createBracket(['a', 'b', 'c', 'd'], 4));
    const once = addResult(EMPTY_STATS, 'solo', bracket);
    expect({ ...once.couples }).toEqual({ a: { titles: 1, wins: 2, losses: 0 }, d: { titles: 0, wins: 0, losses: 1 }, b: { titles: 0, wins: 1, losses: 1 }, c: { titles: 0, wins: 0, losses: 1 } });
    expect(statsOf(resultCounts('solo', bracket)!)).toEqual(once);
    // An unfinished bracket counts nothing.
    expect(resultCounts('solo', createBracket(['a', 'b', 'c', 'd'], 4))).toBeUndefined();
    expect(addResult(once, 'solo', createBracket(['a', 'b', 'c', 'd'], 4))).toBe(once);
    const twice = addResult(once, 'server', finished(createBracket(['a', 'b', 'c', 'd'], 4), 'b'));
    expect(twice).toMatchObject({ runs: 1, tournaments: 1 });
    // Seeded a–d and b–c: with the second couple winning every match, c takes the title.
    expect(mostWon(twice)).toEqual(['a', 'c']);
    expect(rankStats(twice)[0]!.titles).toBe(1);
    expect(winRate({ titles: 0, wins: 1, losses: 2 })).toBe(33.3);
    expect(winRate({ titles: 0, wins: 0, losses: 0 })).toBe(0);
  });

  it('shows the most-won couple and each couple’s win rate, in both languages', () => {
    const stats = addResult(EMPTY_STATS, 'solo', finished(createBracket(pool.slice(0, 4).map((c) => c.id), 4)));
    const name = (id: string) => pool.find((c) => c.id === id)!.name.en;
    const en = statsMessage(stats, name, 'en', testMentions()).embeds[0]!;
    expect(en.description).toMatch(/^Most-won couple: \*\*.+\*\*, 1 title\n\n\*\*1\.\*\* .+\n1 title · head-to-heads won 2 of 2 \(100%\)/);
    expect(en.footer!.text).toBe('Counted: 1 solo run and 0 server World Cups');
    const ko = statsMessage(stats, (id) => pool.find((c) => c.id === id)!.name.ko, 'ko', testMentions()).embeds[0]!;
    expect(ko.description).toContain('우승 1회 · 맞대결 2번 중 2번 승리 (100%)');
    expect(statsMessage(EMPTY_STATS, name, 'en', testMentions()).embeds[0]!.description).toMatch(/No World Cup has finished/);
  });

  it('give a champion a win on the poll leaderboard, and nothing else', () => {
    const one = addChampion(EMPTY_LEADERBOARD, 'iu');
    expect(one.couples.iu).toEqual({ votes: 0, wins: 1, polls: 0 });
    expect(one.polls).toBe(0);
    expect(rankLeaderboard(one).map((r) => [r.coupleId, r.wins])).toEqual([['iu', 1]]);
  });
});

describe('the bracket layout', () => {
  it('puts a box per entrant per round and the champion last, marking exactly its way to the title', () => {
    const bracket = finished(createBracket(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 8));
    const layout = bracketLayout(bracket, (id) => id.toUpperCase());
    expect(layout.boxes.map((b) => b.round)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3]);
    const path = layout.boxes.filter((b) => b.onPath);
    expect(path.map((b) => [b.round, b.coupleId])).toEqual([[0, 'a'], [1, 'a'], [2, 'a'], [3, 'a']]);
    expect(path.at(-1)!.isChampion).toBe(true);
    expect(layout.lines.filter((l) => l.onPath)).toHaveLength(3);
    expect(layout.boxes.find((b) => b.round === 0 && b.coupleId === 'h')).toMatchObject({ lost: true, votes: 1, label: 'H' });
    // A later round's box sits halfway between its two feeders.
    const [first, second] = layout.boxes.filter((b) => b.round === 0);
    expect(layout.boxes.find((b) => b.round === 1 && b.slot === 0)!.y).toBe((first!.y + second!.y) / 2);
    expect(layout.width).toBe(LAYOUT.padding * 2 + 4 * LAYOUT.boxWidth + 3 * LAYOUT.gap);
    for (const box of layout.boxes) expect(box.y + box.h).toBeLessThanOrEqual(layout.height);
  });

  it('draws a bracket of 32 or 64 from its Round of 16: as large and legible as a bracket of 16, the champion’s way marked', () => {
    const sixteen = bracketLayout(finished(createBracket(pool.slice(0, 16).map((c) => c.id), 16)), (id) => id);
    for (const size of [32, 64] as const) {
      const bracket = finished(createBracket(pool.slice(0, size).map((c) => c.id), size), 'b');
      const from = Math.log2(size) - IMAGE_ROUNDS;
      expect(firstDrawnRound(bracket)).toBe(from);
      const layout = bracketLayout(bracket, (id) => id);
      expect([layout.width, layout.height]).toEqual([sixteen.width, sixteen.height]);
      expect(layout.boxes.map((b) => b.round)).toEqual([...Array<number>(16).fill(from), ...Array<number>(8).fill(from + 1), ...Array<number>(4).fill(from + 2), ...Array<number>(2).fill(from + 3), from + 4]);
      // The first column shows the Round of 16's entrants, in bracket order, with their votes.
      const first = layout.boxes.filter((b) => b.round === from);
      expect(first.map((b) => b.coupleId)).toEqual(bracket.rounds[from]!.flatMap((m) => [m.a, m.b]));
      expect(first.every((b) => b.votes !== undefined)).toBe(true);
      const winner = bracket.rounds.at(-1)![0]!.winner!;
      expect(layout.boxes.filter((b) => b.onPath).map((b) => [b.round, b.coupleId])).toEqual([0, 1, 2, 3, 4].map((r) => [from + r, winner]));
      expect(layout.boxes[0]!.x).toBe(LAYOUT.padding);
      for (const box of layout.boxes) expect(box.y + box.h).toBeLessThanOrEqual(layout.height);
      // The whole bracket can still be laid out when asked.
      expect(bracketLayout(bracket, (id) => id, 0).boxes.filter((b) => b.round === 0)).toHaveLength(size);
    }
    expect(firstDrawnRound({ size: 16 })).toBe(0);
    expect(firstDrawnRound({ size: 4 })).toBe(0);
  });

  it('renders a bracket of 64 with the longest Korean names as a PNG of a bracket of 16’s size, well within Discord’s 10 MiB', async () => {
    const { renderBracket, IMAGE_SCALE } = await import('../../src/worldcup/bracket-image.js');
    const entrants = longest(64);
    const bracket = finished(createBracket(entrants.map((c) => c.id), 64));
    const started = performance.now();
    const png = renderBracket(bracket, (id) => entrants.find((c) => c.id === id)!.name.ko, '키스신 이상형 월드컵 64강 · 16강부터');
    const ms = performance.now() - started;
    const layout = bracketLayout(bracket, (id) => id);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([layout.width * IMAGE_SCALE, layout.height * IMAGE_SCALE]);
    expect(png.length).toBeLessThan(10 * 1024 * 1024);
    console.info(`[figures] bracket image of 64 (drawn from the Round of 16): ${layout.width * IMAGE_SCALE}×${layout.height * IMAGE_SCALE} px, ${png.length} bytes, ${ms.toFixed(0)} ms`);
  });

  it('draws an unfinished bracket without a path', () => {
    const layout = bracketLayout(createBracket(['a', 'b', 'c', 'd'], 4), (id) => id);
    expect(layout.boxes.some((b) => b.onPath)).toBe(false);
    expect(layout.boxes.filter((b) => b.round > 0).every((b) => b.coupleId === null && b.label === '')).toBe(true);
  });
});

describe('World Cup messages', () => {
  it('show a solo step with both couples side by side and the round in each language', () => {
    const run: SoloRun = { id: 'RunRunRun1', guildId: GUILD, channelId: '2', userId: '3', entrants: pool, bracket: drawBracket(pool.map((c) => c.id), 8, seededRandom(4)), step: 0, startedAt: 0, updatedAt: 0 };
    const en = soloStepMessage(run, 'en', { replaced: true });
    expect(en.content).toMatch(/replaced/);
    expect(en.embeds[0]!.title).toBe('💋 Quarter-finals · match 1 of 4');
    expect(en.embeds[0]!.footer!.text).toMatch(/^Choice 1 of 7 · /);
    expect(en.components[0]!.components.map((c) => ('custom_id' in c ? c.custom_id : ''))).toEqual(['wc:pick:RunRunRun1:0:a', 'wc:pick:RunRunRun1:0:b']);
    const ko = soloStepMessage(run, 'ko');
    expect(ko.embeds[0]!.title).toBe('💋 8강 · 4개 대결 중 1번째');
    expect(ko.embeds[0]!.fields![0]!.value).toMatch(/\p{Script=Hangul}/u);

    let played = run;
    for (let step = 0; step < 6; step++) {
      const next = played.bracket.rounds.at(-1)!.find((m) => m.winner === undefined)!;
      const round = played.bracket.rounds.length - 1;
      played = { ...played, bracket: choose(played.bracket, round, played.bracket.rounds[round]!.indexOf(next), next.a!), step: step + 1 };
    }
    expect(soloStepMessage(played, 'ko').embeds[0]!.title).toBe('💋 결승 · 1개 대결 중 1번째');
    expect(soloStepMessage(played, 'en').embeds[0]!.title).toBe('💋 Final · match 1 of 1');
    expect(() => soloWinnerMessage(played, 'en')).toThrow(/not finished/);
  });

  it('fit every match of a 16 into five rows of buttons, two per match, labels within 80 characters', () => {
    const t = tournament(16);
    const rows = roundButtons(t, 0);
    expect(rows).toHaveLength(4);
    expect(rows.flatMap((r) => r.components)).toHaveLength(16);
    for (const row of rows) expect(row.components.length).toBeLessThanOrEqual(5);
    for (const button of rows.flatMap((r) => r.components)) expect('label' in button && button.label!.length).toBeLessThanOrEqual(80);
    expect(roundButtons(tournament(8), 0)).toHaveLength(4);
    expect(roundButtons(tournament(4), 0)).toHaveLength(2);
  });

  it('show live counts per match, or hide them, and say when the round closes', () => {
    const t = tournament(4);
    const tally = { counts: [[3, 1], [0, 0]] as const, voters: 4 };
    const shown = roundMessage(t, 0, tally).embeds[0]!.description!;
    expect(shown).toContain('`▰▰▰▰▰▰▰▰▱▱` 3 votes');
    expect(shown).toContain('4 members have voted in this round');
    expect(shown).toContain('this round closes <t:3600:R>');
    const hidden = roundMessage({ ...t, hideCounts: true }, 0, tally).embeds[0]!.description!;
    expect(hidden).not.toContain('3 votes');
    expect(hidden).toContain('🙈');
    expect(roundMessage(t, 0, emptyTally(2)).embeds[0]!.title).toBe('💋 Semi-finals');
  });

  it('name a couple with its drama wherever another entrant bears the same name (one couple in two dramas)', () => {
    const a = pool[0]!;
    const other = pool.find((c) => c.drama.en !== a.drama.en && c.drama.ko !== a.drama.ko)!;
    const same: Candidate = { ...other, name: a.name };
    const [c, d] = pool.filter((x) => x !== a && x !== other && x.name.en !== a.name.en);
    const entrants = [a, same, c!, d!];
    expect(nameIn(entrants, a.id, 'en')).toBe(`${a.name.en} (${a.drama.en})`);
    expect(nameIn(entrants, same.id, 'ko')).toBe(`${a.name.ko} (${other.drama.ko})`);
    expect(nameIn(entrants, c!.id, 'en')).toBe(c!.name.en);
    expect(nameIn([a, c!], a.id, 'en')).toBe(a.name.en);
    expect(nameIn(entrants, 'gone-story', 'en')).toBe('gone-story');
    // Seeds 1 and 4 meet: the two buttons of the match say which is which, the message names each once with its drama.
    const t = tournament(4, { entrants, bracket: createBracket([a.id, c!.id, d!.id, same.id], 4) });
    const labels = roundButtons(t, 0)[0]!.components.map((button) => ('label' in button ? button.label : ''));
    expect(labels).toEqual([`1A · ${a.name.en} (${a.drama.en})`, `1B · ${a.name.en} (${other.drama.en})`]);
    const text = roundMessage(t, 0, emptyTally(2)).embeds[0]!.description!;
    expect(text).toContain(`🅰 **${a.name.en}** — *${a.drama.en}*`);
    expect(text).toContain(`🅱 **${a.name.en}** — *${other.drama.en}*`);
    expect(decisionLine(t, { a: a.id, b: same.id, winner: same.id, decidedBy: 'votes', votes: [1, 2] })).toBe(`🏆 **${a.name.en} (${other.drama.en})** beat ${a.name.en} (${a.drama.en}), 2–1`);
  });

  it('say how each match was decided, ties included', () => {
    const t = tournament(4);
    const [a, b] = [pool[0]!, pool[1]!];
    const match = { a: a.id, b: b.id };
    expect(decisionLine(t, { ...match, winner: b.id, decidedBy: 'votes', votes: [2, 5] })).toBe(`🏆 **${b.name.en}** beat ${a.name.en}, 5–2`);
    expect(decisionLine(t, { ...match, winner: a.id, decidedBy: 'all-time-wins', votes: [1, 1], allTimeWins: [3, 1] })).toContain('tied 1–1, and went through on more all-time wins in this server (3 to 1)');
    expect(decisionLine(t, { ...match, winner: b.id, decidedBy: 'coin-flip', votes: [0, 0], allTimeWins: [2, 2] })).toContain('level on all-time wins (2 each), so a coin flip decided');
    expect(decisionLine(t, { a: a.id, b: null, winner: a.id, decidedBy: 'bye' })).toBe(`**${a.name.en}** goes through (no opponent).`);
  });
});

/** Discord's limits on a message the bot posts or edits (see the API's message and component docs). */
const DISCORD = { rows: 5, perRow: 5, components: 25, label: 80, customId: 100, title: 256, description: 4096, author: 256, footer: 2048, embed: 6000 } as const;

/** Candidates as long as a story may make them: 60-character actor names, an 80-character drama title, the longest line. */
function longest(count: number): Candidate[] {
  const name = (i: number, lang: string) => `${`${lang}${i}`.padEnd(LIMITS.actorName, 'x')} & ${'y'.repeat(LIMITS.actorName)}`;
  return Array.from({ length: count }, (_, i) => ({
    id: `couple-${i}`,
    name: { en: name(i, 'en'), ko: name(i, '한') },
    drama: { en: 'D'.repeat(LIMITS.title), ko: '드'.repeat(LIMITS.title) },
    year: 2020,
    line: { en: 'L'.repeat(LINE_MAX), ko: '줄'.repeat(LINE_MAX) },
  }));
}

/** Every text of an embed Discord counts toward its 6,000 characters. */
function embedChars(embed: APIEmbed): number {
  const texts = [embed.title, embed.description, embed.author?.name, embed.footer?.text, ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])];
  return texts.reduce((n, text) => n + [...(text ?? '')].length, 0);
}

function expectWithinLimits(payload: { embeds: APIEmbed[]; components: ReadonlyArray<{ components: ReadonlyArray<unknown> }> }, label: string): void {
  expect(payload.components.length, label).toBeLessThanOrEqual(DISCORD.rows);
  for (const row of payload.components) expect(row.components.length, label).toBeLessThanOrEqual(DISCORD.perRow);
  const buttons = payload.components.flatMap((r) => r.components) as APIButtonComponent[];
  expect(buttons.length, label).toBeLessThanOrEqual(DISCORD.components);
  for (const b of buttons) {
    expect([...('label' in b ? (b.label ?? '') : '')].length, label).toBeLessThanOrEqual(DISCORD.label);
    expect(('custom_id' in b ? b.custom_id : '').length, label).toBeLessThanOrEqual(DISCORD.customId);
  }
  expect(payload.embeds).toHaveLength(1);
  const embed = payload.embeds[0]!;
  expect([...(embed.title ?? '')].length, label).toBeLessThanOrEqual(DISCORD.title);
  expect([...(embed.description ?? '')].length, label).toBeLessThanOrEqual(DISCORD.description);
  expect([...(embed.author?.name ?? '')].length, label).toBeLessThanOrEqual(DISCORD.author);
  expect([...(embed.footer?.text ?? '')].length, label).toBeLessThanOrEqual(DISCORD.footer);
  expect(embedChars(embed), label).toBeLessThanOrEqual(DISCORD.embed);
}

describe('round messages of every size', () => {
  it('show every match of a round once, across as few messages as fit Discord: one for 16, two for 32, four for 64', () => {
    const parts = (size: BracketSize) => roundParts(size / 2);
    expect(BRACKET_SIZES.map(parts)).toEqual([1, 1, 1, 2, 4]);
    expect(MATCHES_PER_MESSAGE * 2).toBeLessThanOrEqual(DISCORD.components);
    expect([0, 7, 8, 31].map(partOfMatch)).toEqual([0, 0, 1, 3]);
    expect(partRange(32, 3)).toEqual({ from: 24, to: 32 });
    expect(partRange(2, 0)).toEqual({ from: 0, to: 2 });
  });

  it('stay within Discord’s limits, with every match voted in exactly one message, for the longest names, in both languages', () => {
    const entrants = longest(MAX_BRACKET_SIZE);
    for (const size of BRACKET_SIZES) {
      for (const lang of ['en', 'ko'] as const) {
        for (const hideCounts of [false, true]) {
          let t: Tournament = { ...tournament(size), id: 'Tourney001', lang, hideCounts, entrants, bracket: createBracket(entrants.slice(0, size).map((c) => c.id), size) };
          for (let round = 0; round < Math.log2(size); round++) {
            const matches = t.bracket.rounds[round]!;
            // Six-digit counts in every match: the longest count lines.
            const tally = { counts: matches.map(() => [123_456, 654_321] as const), voters: 777_777 };
            const voted = new Map<string, number>();
            for (let part = 0; part < roundParts(matches.length); part++) {
              const label = `${size} ${lang} hide=${hideCounts} round ${round} part ${part}`;
              const message = roundMessage(t, round, tally, part);
              expectWithinLimits(message, label);
              const { from, to } = partRange(matches.length, part);
              // Nothing clipped: every match of the part is listed, and the closing lines are there.
              const text = message.embeds[0]!.description!;
              for (let m = from; m < to; m++) expect(text, label).toContain(t_(lang, 'worldcup.server.match', { match: m + 1 }));
              expect(text.endsWith(t_(lang, 'worldcup.server.howTo')), label).toBe(true);
              for (const b of message.components.flatMap((r) => r.components)) {
                const id = 'custom_id' in b ? b.custom_id : '';
                voted.set(id, (voted.get(id) ?? 0) + 1);
                const action = parseWorldCupCustomId(id.split(':').slice(1));
                expect(action, label).toMatchObject({ action: 'vote', round });
                if (action?.action === 'vote') expect(partOfMatch(action.match), label).toBe(part);
              }
            }
            // Each match's two buttons, once each, in the whole round.
            const expected = matches.flatMap((_, m) => (['a', 'b'] as const).map((side) => worldCupCustomId({ action: 'vote', tournamentId: t.id, round, match: m, side })));
            expect([...voted.keys()].sort(), `${size} round ${round}`).toEqual(expected.sort());
            expect([...voted.values()].every((n) => n === 1)).toBe(true);
            // Closed with ties broken by a coin flip (the longest decision lines): each part's results fit too.
            t = { ...t, bracket: closeRound(t.bracket, round, new Map(), { allTimeWins: () => 0, random: () => 0.9 }), rounds: [...t.rounds, { openedAt: 0, closesAt: 1 }] };
            for (let part = 0; part < roundParts(matches.length); part++) {
              const results = roundResultsMessage({ ...t, rounds: t.rounds.map((r) => ({ ...r, closedAt: 1 })) }, round, part);
              expectWithinLimits(results, `${size} ${lang} results round ${round} part ${part}`);
              const { from, to } = partRange(matches.length, part);
              const text = results.embeds[0]!.description!;
              for (let m = from; m < to; m++) expect(text).toContain(t_(lang, 'worldcup.server.match', { match: m + 1 }));
              expect(text.endsWith(t_(lang, 'worldcup.server.nextRound'))).toBe(true);
            }
          }
        }
      }
    }
  });

  it('name the part of a big round in its title, and its results, in both languages', () => {
    const t = tournament(64);
    const tally = emptyTally(32);
    expect([0, 1, 2, 3].map((part) => roundMessage(t, 0, tally, part).embeds[0]!.title)).toEqual([
      '💋 Round of 64 · matches 1–8 of 32',
      '💋 Round of 64 · matches 9–16 of 32',
      '💋 Round of 64 · matches 17–24 of 32',
      '💋 Round of 64 · matches 25–32 of 32',
    ]);
    expect(roundMessage(t, 0, tally, 1).embeds[0]!.description).toContain("This round's matches are in 4 messages, all open until the round closes: vote in each.");
    expect(roundMessage({ ...t, lang: 'ko' }, 0, tally, 2).embeds[0]!.title).toBe('💋 64강 · 32개 대결 중 17–24번째');
    expect(roundMessage({ ...t, lang: 'ko' }, 0, tally, 0).embeds[0]!.description).toContain('이번 라운드의 대결은 메시지 4개에 나뉘어 있고');
    expect(roundResultsMessage(t, 0, 3).embeds[0]!.title).toBe('💋 Round of 64 · matches 25–32 · results');
    expect(roundResultsMessage({ ...t, lang: 'ko' }, 0, 1).embeds[0]!.title).toBe('💋 64강 · 9–16번째 대결 · 결과');
    // A round that fits one message is named as before.
    const sixteen = tournament(16);
    expect(roundMessage(sixteen, 0, emptyTally(8)).embeds[0]!.title).toBe('💋 Round of 16');
    expect(roundMessage(sixteen, 0, emptyTally(8)).embeds[0]!.description).not.toContain('messages');
    expect(roundResultsMessage(sixteen, 0).embeds[0]!.title).toBe('💋 Round of 16 · results');
    const thirtyTwo = tournament(32);
    expect(roundMessage({ ...thirtyTwo, lang: 'ko' }, 0, emptyTally(16), 1).embeds[0]!.title).toBe('💋 32강 · 16개 대결 중 9–16번째');
  });
});
