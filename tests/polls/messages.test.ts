import { describe, expect, it } from 'vitest';
import { ButtonStyle, ComponentType, type APIButtonComponentWithCustomId } from 'discord-api-types/v10';
import { addPollResult, EMPTY_LEADERBOARD } from '../../src/polls/leaderboard.js';
import { closePoll, newPoll, type Poll } from '../../src/polls/model.js';
import { tallyPoll } from '../../src/polls/tally.js';
import { clip } from '../../src/polls/text.js';
import { leaderboardMessage, pollMessage, previewMessage, resultsMessage, voteReply, withdrawReply } from '../../src/replies/poll.js';
import { testMentions } from '../support/mentions.js';
import { catalogue } from './helpers.js';
import { ARTICLE_TEN } from '../support/catalogue-rules.js';

const mentions = testMentions();

/**
 * The ten stories of the article the catalogue began with, in its order: the names below are
 * theirs, whatever else the catalogue holds and however it is sorted.
 */
const allIds = [...ARTICLE_TEN];
const CLOSES = Date.UTC(2025, 0, 2, 12, 0, 0);

/** A poll with its members' votes beside it (member id → couple id), to tally. */
type Voted = Poll & { votes: Record<string, string> };

function poll(overrides: Partial<Voted> = {}, coupleIds: readonly string[] = allIds.slice(0, 4)): Voted {
  const built = newPoll({ id: 'AbCdEfGh12', guildId: '1', channelId: '2', starterId: '42', coupleIds, hideCounts: false, lang: 'en', createdAt: CLOSES - 86_400_000, durationMs: 86_400_000 });
  if (!built.ok) throw new Error(built.reason);
  return { ...built.poll, votes: {}, ...overrides };
}

/** 20 candidates: the article's ten, and ten ids that left the catalogue since. */
const twenty = [...allIds, ...Array.from({ length: 20 - allIds.length }, (_, i) => `retired-couple-${i}`)];

describe('the poll message', () => {
  it('fits 20 couples, Withdraw, My vote and Close in Discord’s 5 rows of 5 buttons', () => {
    const message = pollMessage(poll({}, twenty), tallyPoll(poll({}, twenty)), catalogue);
    expect(message.components).toHaveLength(5);
    for (const row of message.components) {
      expect(row.type).toBe(ComponentType.ActionRow);
      expect(row.components.length).toBeLessThanOrEqual(5);
    }
    const buttons = message.components.flatMap((r) => r.components) as APIButtonComponentWithCustomId[];
    expect(buttons).toHaveLength(23);
    const ids = buttons.map((b) => b.custom_id);
    expect(new Set(ids).size).toBe(23);
    expect(ids.slice(0, 20)).toEqual(twenty.map((_, i) => `poll:vote:AbCdEfGh12:${i}`));
    expect(ids.slice(20)).toEqual(['poll:withdraw:AbCdEfGh12', 'poll:results:AbCdEfGh12', 'poll:close:AbCdEfGh12']);
    expect(buttons.at(-1)?.style).toBe(ButtonStyle.Danger);
    for (const b of buttons) {
      expect(b.label?.length ?? 0).toBeGreaterThan(0);
      expect(b.label?.length ?? 0).toBeLessThanOrEqual(80);
      expect(b.custom_id.length).toBeLessThanOrEqual(100);
    }
    expect(buttons[0]?.label).toBe('1. Park Bo Gum & Kim Yoo Jung');
  });

  it('lists the candidates with their dramas, the live counts, the deadline and the starter', () => {
    const p = poll({ votes: { a: allIds[1]!, b: allIds[1]!, c: allIds[0]! } });
    const embed = pollMessage(p, tallyPoll(p), catalogue).embeds[0]!;
    expect(embed.title).toBe('💋 Which Kiss-scene story is your favourite?');
    expect(embed.description).toContain('**Park Bo Gum & Kim Yoo Jung** — *Love in the Moonlight*');
    expect(embed.description).toContain('**Eric & Seo Hyun Jin** — *Another Oh Hae Young*');
    expect(embed.description).toContain('2 votes · 66.7%');
    expect(embed.description).toContain('1 vote · 33.3%');
    expect(embed.description).toContain('3 members have voted');
    expect(embed.description).toContain(`<t:${CLOSES / 1000}:R>`);
    expect(embed.description).toContain('<@42>');
    expect(embed.timestamp).toBe(new Date(CLOSES).toISOString());
  });

  it('hides the counts when the poll was started that way', () => {
    const p = poll({ hideCounts: true, votes: { a: allIds[1]! } });
    const description = pollMessage(p, tallyPoll(p), catalogue).embeds[0]!.description!;
    expect(description).not.toMatch(/\d+ votes?|%|has voted/);
    expect(description).toContain('hidden until the poll closes');
  });

  it('is written in the poll’s language (the server’s), Korean included', () => {
    const p = poll({ lang: 'ko', votes: { a: allIds[0]! } });
    const message = pollMessage(p, tallyPoll(p), catalogue);
    expect(message.embeds[0]!.title).toBe('💋 어떤 키스신 비하인드가 제일 좋아요?');
    expect(message.embeds[0]!.description).toContain('**박보검 & 김유정** — *구르미 그린 달빛*');
    expect(message.embeds[0]!.description).toContain('1표 · 100%');
    const labels = message.components.flatMap((r) => r.components).map((b) => ('label' in b ? b.label : ''));
    expect(labels).toContain('내 표 취소');
    expect(labels).toContain('1. 박보검 & 김유정');
  });

  it('says how the candidates were picked when the starter gave none, in the poll’s language', () => {
    const from = catalogue.couples.length;
    const picked = (how: 'varied' | 'random' | 'all', lang: 'en' | 'ko', ids: readonly string[] = twenty) => {
      const p = { ...poll({ lang }, ids), defaultPick: { from: how === 'all' ? ids.length : from, how } };
      return pollMessage(p, tallyPoll(p), catalogue).embeds[0]!.description!.split('\n');
    };
    expect(picked('varied', 'en').slice(0, 3)).toEqual([`Started by <@42> · closes <t:${CLOSES / 1000}:R>`, `🎲 20 stories picked at random from ${from}, one per drama.`, '']);
    expect(picked('varied', 'ko')[1]).toBe(`🎲 이야기 ${from}개 중 드라마마다 하나씩 무작위로 20개를 골랐어요.`);
    expect(picked('random', 'en')[1]).toBe(`🎲 20 stories picked at random from ${from}.`);
    expect(picked('random', 'ko')[1]).toBe(`🎲 이야기 ${from}개 중 무작위로 20개를 골랐어요.`);
    expect(picked('all', 'en', allIds)[1]).toBe('Every story is a candidate: 10 in all.');
    expect(picked('all', 'ko', allIds)[1]).toBe('이야기 10개가 모두 후보예요.');
    // With the catalogue's 20 longest candidates and their counts, the whole message still fits (nothing cut).
    const longest = [...catalogue.couples].sort((a, b) => JSON.stringify(b.actors).length + b.drama.title.length - (JSON.stringify(a.actors).length + a.drama.title.length)).slice(0, 20).map((c) => c.id);
    const lines = picked('varied', 'en', longest);
    expect(lines.join('\n').length).toBeLessThanOrEqual(4096);
    expect(lines.at(-1)).toBe('One vote each: click a couple to vote, another one to change your vote.');
    // A record this version cannot read (a later version's way of picking) shows no line rather than fail.
    const later = { ...poll({}, twenty), defaultPick: { from, how: 'weighted' } } as unknown as Poll;
    expect(pollMessage(later, tallyPoll({ ...later, votes: {} }), catalogue).embeds[0]!.description!.split('\n')[1]).toBe('');
    // A poll whose couples the starter chose: straight from the first line to the candidates.
    const chosen = poll({}, twenty);
    expect(pollMessage(chosen, tallyPoll(chosen), catalogue).embeds[0]!.description!.split('\n')[1]).toBe('');
  });

  it('shows the member’s own question', () => {
    const p = poll({ question: 'Sweetest rehearsal?' });
    expect(pollMessage(p, tallyPoll(p), catalogue).embeds[0]!.title).toBe('💋 Sweetest rehearsal?');
  });
});

describe('the results message', () => {
  const closed = (votes: Record<string, string>, by?: string) => closePoll(poll({ votes }), CLOSES - 1000, by ? 'manual' : 'deadline', by).poll;

  it('names the winner with votes and share, ranks the couples that got votes, counts voters and shows the chart', () => {
    const p = closed({ a: allIds[2]!, b: allIds[2]!, c: allIds[0]!, d: allIds[2]! }, '42');
    const chart = { name: 'poll-AbCdEfGh12.png', data: Buffer.from('png') };
    const message = resultsMessage(p, tallyPoll(p), catalogue, chart);
    const embed = message.embeds[0]!;
    expect(embed.description).toMatch(/^🏆 The favourite: \*\*Eric & Seo Hyun Jin\*\* with 3 votes \(75%\)/);
    const lines = embed.description!.split('\n').slice(2);
    expect(lines[0]).toMatch(/^\*\*1\.\*\* \*\*Eric & Seo Hyun Jin\*\*.*3 votes · 75%$/);
    expect(lines[1]).toMatch(/^\*\*2\.\*\* \*\*Park Bo Gum & Kim Yoo Jung\*\*.*1 vote · 25%$/);
    // The two couples nobody voted for are one line, not two "0 votes · 0%" rows.
    expect(lines.slice(2)).toEqual(['*2 more with no votes*']);
    expect(embed.fields).toEqual([
      { name: 'Voters', value: '4', inline: true },
      { name: 'Closed', value: `by <@42>, <t:${(CLOSES - 1000) / 1000}:f>`, inline: true },
    ]);
    expect(embed.image).toEqual({ url: 'attachment://poll-AbCdEfGh12.png' });
    expect(message.files).toEqual([chart]);
    expect(message.components).toEqual([]);
  });

  it('handles a tie, and a poll nobody voted in', () => {
    const tie = closed({ a: allIds[0]!, b: allIds[3]! });
    expect(resultsMessage(tie, tallyPoll(tie), catalogue).embeds[0]!.description).toMatch(
      /^🏆 A tie between \*\*Park Bo Gum & Kim Yoo Jung\*\*, \*\*Seo In Guk & Jung Eun Ji\*\*, with 1 vote each \(50%\)/,
    );
    const none = closed({});
    const embed = resultsMessage(none, tallyPoll(none), catalogue).embeds[0]!;
    expect(embed.description).toBe('Nobody voted in this poll.');
    expect(embed.fields?.[1]?.value).toMatch(/^at the deadline/);
    expect(embed.image).toBeUndefined();
  });

  it('folds the couples with no votes into one line, in both languages, with plurals', () => {
    // A two-vote poll among ten couples: two ranked rows, then the other eight on one line.
    const ten = (lang: 'en' | 'ko') => closePoll({ ...poll({ lang, votes: { a: allIds[4]!, b: allIds[7]! } }, allIds) }, CLOSES, 'deadline').poll;
    const en = resultsMessage(ten('en'), tallyPoll(ten('en')), catalogue).embeds[0]!.description!;
    expect(en).not.toMatch(/0 votes/);
    expect(en.split('\n').slice(2)).toEqual([expect.stringMatching(/^\*\*1\.\*\* .*1 vote · 50%$/), expect.stringMatching(/^\*\*1\.\*\* .*1 vote · 50%$/), '*8 more with no votes*']);
    const ko = resultsMessage(ten('ko'), tallyPoll(ten('ko')), catalogue).embeds[0]!.description!;
    expect(ko).not.toMatch(/0표/);
    expect(ko.split('\n').at(-1)).toBe('*그 밖에 표를 받지 못한 커플 8개*');
    // One couple left without a vote.
    const three = closed({ a: allIds[0]!, b: allIds[1]!, c: allIds[2]! });
    expect(resultsMessage(three, tallyPoll(three), catalogue).embeds[0]!.description!.split('\n').at(-1)).toBe('*1 more with no votes*');
    // Every couple got a vote: no such line.
    const all = closed({ a: allIds[0]!, b: allIds[1]!, c: allIds[2]!, d: allIds[3]! });
    expect(resultsMessage(all, tallyPoll(all), catalogue).embeds[0]!.description).not.toMatch(/no votes/);
  });

  it('shows a closed poll’s final results privately the same way', () => {
    const p = closed({ a: allIds[2]!, b: allIds[2]! });
    const description = previewMessage(p, tallyPoll(p), catalogue, 'en', allIds[2]).embeds[0]!.description!;
    expect(description).toMatch(/^🏆 The favourite: \*\*Eric & Seo Hyun Jin\*\* with 2 votes \(100%\)\n\n\*\*1\.\*\* .*2 votes · 100%\n\*3 more with no votes\*\n/);
    expect(description).not.toMatch(/0 votes/);
  });

  it('reveals the counts of a poll that hid them', () => {
    const p = closePoll(poll({ hideCounts: true, votes: { a: allIds[1]! } }), CLOSES, 'deadline').poll;
    expect(resultsMessage(p, tallyPoll(p), catalogue).embeds[0]!.description).toContain('1 vote · 100%');
  });
});

describe('a member’s private view', () => {
  it('shows the counts and their own vote', () => {
    const p = poll({ votes: { me: allIds[1]!, other: allIds[1]! } });
    const description = previewMessage(p, tallyPoll(p), catalogue, 'en', allIds[1]).embeds[0]!.description!;
    expect(description).toContain('2 votes · 100%');
    expect(description).toContain('Your vote: **Lee Dong Wook & Jung Ryeo Won**');
  });

  it('respects hidden counts until the close, but still shows the member’s own vote', () => {
    const p = poll({ hideCounts: true, votes: { me: allIds[1]!, other: allIds[0]! } });
    const description = previewMessage(p, tallyPoll(p), catalogue, 'ko', allIds[1]).embeds[0]!.description!;
    expect(description).not.toMatch(/\d+표|%|명이 투표/);
    expect(description).toContain('내 표: **이동욱 & 정려원**');
  });

  it('never shows who voted for what', () => {
    const p = poll({ votes: { '777777777777777777': allIds[1]! } });
    const text = JSON.stringify(previewMessage(p, tallyPoll(p), catalogue, 'en', undefined)) + JSON.stringify(pollMessage(p, tallyPoll(p), catalogue));
    expect(text).not.toContain('777777777777777777');
  });
});

describe('private confirmations', () => {
  it('say what happened, in the member’s language', () => {
    expect(voteReply({ outcome: 'new', coupleId: allIds[0]! }, catalogue, 'en')).toEqual({ content: 'You voted for **Park Bo Gum & Kim Yoo Jung**.' });
    expect(voteReply({ outcome: 'new', coupleId: allIds[0]! }, catalogue, 'ko')).toEqual({ content: '**박보검 & 김유정**에 투표했어요.' });
    expect(voteReply({ outcome: 'changed', coupleId: allIds[1]!, previous: allIds[0]! }, catalogue, 'en')).toEqual({
      content: 'You changed your vote from **Park Bo Gum & Kim Yoo Jung** to **Lee Dong Wook & Jung Ryeo Won**.',
    });
    expect(voteReply({ outcome: 'same', coupleId: allIds[0]! }, catalogue, 'en').content).toContain('already counted');
    expect(withdrawReply({ outcome: 'withdrawn', previous: allIds[0]! }, catalogue, 'ko')).toEqual({ content: '**박보검 & 김유정**에 준 표를 취소했어요.' });
    expect(withdrawReply({ outcome: 'none' }, catalogue, 'en')).toEqual({ content: 'You have no vote to withdraw in this poll.' });
  });
});

describe('the leaderboard', () => {
  it('ranks the server’s favourites with wins, votes and polls', () => {
    let board = EMPTY_LEADERBOARD;
    board = addPollResult(board, tallyPoll({ coupleIds: allIds.slice(0, 3), votes: { a: allIds[2]!, b: allIds[2]!, c: allIds[0]! } }));
    board = addPollResult(board, tallyPoll({ coupleIds: allIds.slice(0, 3), votes: { a: allIds[2]! } }));
    const embed = leaderboardMessage(board, catalogue, 'en', mentions).embeds[0]!;
    const lines = embed.description!.split('\n');
    expect(lines[0]).toBe('**1.** **Eric & Seo Hyun Jin** — *Another Oh Hae Young*');
    expect(lines[1]).toBe('2 wins · 3 votes · in 2 polls');
    expect(lines[2]).toMatch(/^\*\*2\.\*\* \*\*Park Bo Gum/);
    expect(embed.description).not.toContain('Lee Dong Wook');
    expect(embed.footer?.text).toBe('2 polls closed · 4 votes in all');
    expect(leaderboardMessage(board, catalogue, 'ko', mentions).embeds[0]!.description).toContain('우승 2회 · 3표 · 투표 2건 참여');
  });

  it('says so when no poll has closed yet', () => {
    expect(leaderboardMessage(EMPTY_LEADERBOARD, catalogue, 'en', mentions).embeds[0]!.description).toMatch(/No poll has closed/);
  });
});

describe('clip', () => {
  it('cuts long text with an ellipsis and keeps short text', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
    expect([...clip('가'.repeat(300), 256)]).toHaveLength(256);
  });
});
