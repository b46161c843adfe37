/**
 * The World Cup's small parts on their own: candidates, custom ids, statistics, the bracket layout
 * and the reply builders.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/catalogue/random.js';
import { addChampion, EMPTY_LEADERBOARD, rankLeaderboard } from '../../src/polls/leaderboard.js';
import { decisionLine, roundButtons, roundMessage, soloStepMessage, soloWinnerMessage, statsMessage } from '../../src/replies/worldcup.js';
import { bracketLayout, LAYOUT } from '../../src/worldcup/bracket-layout.js';
import { choose, closeRound, createBracket, drawBracket, type Bracket } from '../../src/worldcup/bracket.js';
import { candidateOf, createCandidatePool, firstSentence, LINE_MAX } from '../../src/worldcup/candidates.js';
import { parseWorldCupCustomId, worldCupCustomId, type WorldCupAction } from '../../src/worldcup/ids.js';
import { testMentions } from '../support/mentions.js';
import { emptyTally, type SoloRun, type Tournament } from '../../src/worldcup/model.js';
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

function tournament(size: 4 | 8 | 16, over: Partial<Tournament> = {}): Tournament {
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
    ];
    for (const action of actions) expect(parseWorldCupCustomId(worldCupCustomId(action).split(':').slice(1))).toEqual(action);
  });

  it('refuse anything else: a forged or broken button', () => {
    for (const id of ['pick:short:0:a', 'pick:AbCdEf1234:x:a', 'pick:AbCdEf1234:0:c', 'pick:AbCdEf1234:0:a:extra', 'again:5', 'again:08', 'vote:AbCdEf1234:4:0:a', 'vote:AbCdEf1234:0:8:a', 'share:', 'explode', '']) {
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
