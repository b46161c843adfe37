import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { Couple } from '../catalogue/catalogue.js';
import { t, type Language } from '../i18n/index.js';
import type { CommandMentions } from '../mentions.js';
import type { PollMessagePayload } from '../polls/publisher.js';
import { clip, discordTime } from '../polls/text.js';
import { hideNames } from '../quiz/hide.js';
import { quizCustomId } from '../quiz/ids.js';
import { soloCorrect, streakAt, type QuizGame, type SoloQuiz, type Standing } from '../quiz/model.js';
import type { AnswerReceipt } from '../quiz/games.js';
import type { BoardPeriod, MemberStats, QuizBoard } from '../quiz/stats.js';
import type { PinnedLink } from '../store/index.js';
import { searchLinks } from '../videos.js';
import type { Message } from './message.js';
import { dramaLine } from './scene.js';

/**
 * Everything `/kiss-quiz` shows (see message.ts for the convention): a question with its story's
 * names hidden, the answer with the whole story, the scoreboard, the leaderboard, the statistics
 * and the private acknowledgements. A server game's public messages use its language; private
 * answers, the member's.
 */

export const QUIZ_COLOUR = 0x8a5cf2;
const RIGHT_COLOUR = 0x3ba55c;
const WRONG_COLOUR = 0xed4245;
const LABEL_MAX = 80;
const LETTERS = ['A', 'B', 'C', 'D'] as const;
const SHOWN = 10;


/** The story of a question with every name hidden; a removed story keeps only its name, so nothing to show. */
export function hiddenStory(couple: Couple | undefined, lang: Language): string {
  return couple?.story[lang] ? hideNames(couple.story[lang], couple) : t(lang, 'quiz.storyGone');
}

function label(letter: string, name: string): string {
  return clip(`${letter} · ${name}`, LABEL_MAX);
}

/** The story's video: the server's pinned link, or a search. */
function videoButton(couple: Couple | undefined, lang: Language, pinned?: PinnedLink): APIButtonComponent | undefined {
  if (!couple) return undefined;
  const watch = pinned?.url ?? couple.own?.video;
  if (watch) return { type: ComponentType.Button, style: ButtonStyle.Link, label: t(lang, 'scene.watchVideo'), url: watch, emoji: { name: '🎬' } };
  const search = searchLinks(couple).find((l) => l.lang === lang) ?? searchLinks(couple)[0];
  return search ? { type: ComponentType.Button, style: ButtonStyle.Link, label: t(lang, 'scene.searchVideo'), url: search.url, emoji: { name: '🔎' } } : undefined;
}

/** The whole story, as an answer shows it: the couple, the drama and the story. */
function storyEmbed(couple: Couple | undefined, name: string, lang: Language, colour: number): APIEmbed {
  return {
    color: colour,
    title: `💋 ${name}`,
    description: couple?.story[lang] || t(lang, 'quiz.storyGone'),
    ...(couple ? { fields: [{ name: t(lang, 'scene.drama'), value: dramaLine(couple, lang) }] } : {}),
  };
}

// ---- solo ------------------------------------------------------------------------------------

/** A solo game's current question, privately. */
export function soloQuestionMessage(game: SoloQuiz, couple: Couple | undefined, lang: Language, notes: { replaced?: boolean; available?: number } = {}): Message<'embeds' | 'components'> {
  const q = game.answers.length;
  const question = game.questions[q]!;
  const lines: string[] = [];
  if (notes.replaced) lines.push(t(lang, 'quiz.solo.replaced'));
  if (q === 0 && game.questions.length < game.requested) lines.push(t(lang, 'quiz.capped', { count: game.questions.length, requested: game.requested }));
  const embed: APIEmbed = {
    color: QUIZ_COLOUR,
    author: { name: t(lang, 'quiz.solo.author') },
    title: t(lang, 'quiz.questionTitle', { n: q + 1, total: game.questions.length }),
    description: `${hiddenStory(couple, lang)}\n\n**${t(lang, 'quiz.whoIsIt')}**`,
    footer: { text: t(lang, 'quiz.solo.footer', { score: game.score, streak: game.streak }) },
  };
  const buttons = question.choices.map(
    (choice, c): APIButtonComponent => ({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: label(LETTERS[c]!, choice.name[lang]),
      custom_id: quizCustomId({ action: 'pick', gameId: game.id, question: q, choice: c }),
    }),
  );
  return { ...(lines.length ? { content: lines.join('\n') } : {}), embeds: [embed], components: [{ type: ComponentType.ActionRow, components: buttons }] };
}

/** The answer to a solo game's last answered question: right or wrong, the whole story, then on (or the end). */
export function soloRevealMessage(game: SoloQuiz, couple: Couple | undefined, lang: Language, pinned?: PinnedLink): Message<'content' | 'embeds' | 'components'> {
  const q = game.answers.length - 1;
  const question = game.questions[q]!;
  const right = game.answers[q] === question.answer;
  const answerName = question.choices[question.answer]!.name[lang];
  const lines = [right ? t(lang, 'quiz.solo.right', { points: game.streak >= 3 ? 2 : 1, score: game.score, streak: game.streak }) : t(lang, 'quiz.solo.wrong', { answer: answerName, score: game.score })];
  const row: APIButtonComponent[] = [];
  const video = videoButton(couple, lang, pinned);
  if (video) row.push(video);
  if (game.finishedAt === undefined) {
    row.push({ type: ComponentType.Button, style: ButtonStyle.Primary, label: t(lang, 'quiz.solo.next'), custom_id: quizCustomId({ action: 'next', gameId: game.id, question: q + 1 }), emoji: { name: '➡️' } });
  } else {
    lines.push('', t(lang, 'quiz.solo.over', { score: game.score, correct: soloCorrect(game), total: game.questions.length, best: game.bestStreak }));
    row.push(
      { type: ComponentType.Button, style: ButtonStyle.Success, label: t(lang, 'quiz.solo.share'), custom_id: quizCustomId({ action: 'share', gameId: game.id }), emoji: { name: '📣' } },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: t(lang, 'quiz.solo.again'), custom_id: quizCustomId({ action: 'again', questions: Math.max(5, Math.min(20, game.requested)) }), emoji: { name: '🎲' } },
    );
  }
  return { content: lines.join('\n'), embeds: [storyEmbed(couple, answerName, lang, right ? RIGHT_COLOUR : WRONG_COLOUR)], components: [{ type: ComponentType.ActionRow, components: row }] };
}

/** A finished solo game, posted in the channel by its player (in the server's language). */
export function soloSharedMessage(game: SoloQuiz, memberName: string, lang: Language): Message<'embeds'> {
  return {
    embeds: [
      {
        color: QUIZ_COLOUR,
        author: { name: t(lang, 'quiz.solo.sharedAuthor', { name: clip(memberName, 80) }) },
        title: t(lang, 'quiz.solo.sharedTitle', { score: game.score }),
        description: t(lang, 'quiz.solo.over', { score: game.score, correct: soloCorrect(game), total: game.questions.length, best: game.bestStreak }),
      },
    ],
  };
}

// ---- server games ----------------------------------------------------------------------------

/** A server game's question: the hidden story, four buttons, the deadline; the hint once given. */
export function questionMessage(game: QuizGame, q: number, couple: Couple | undefined, live: { out: number }): PollMessagePayload {
  const lang = game.lang;
  const question = game.questions[q]!;
  const state = game.rounds[q]!;
  const lines = [hiddenStory(couple, lang), '', `**${t(lang, 'quiz.whoIsIt')}** ${t(lang, 'quiz.server.closes', { when: discordTime(state.closesAt) })}`];
  if (state.hinted) lines.push(`💡 ${t(lang, 'quiz.server.hint', { couple: question.choices[question.hint]!.name[lang] })}`);
  if (live.out > 0) lines.push(t(lang, 'quiz.server.out', { count: live.out }));
  const buttons = question.choices.map(
    (choice, c): APIButtonComponent => ({
      type: ComponentType.Button,
      style: ButtonStyle.Primary,
      label: label(LETTERS[c]!, choice.name[lang]),
      custom_id: quizCustomId({ action: 'answer', gameId: game.id, question: q, choice: c }),
      ...(state.hinted && c === question.hint ? { disabled: true, style: ButtonStyle.Secondary } : {}),
    }),
  );
  return {
    embeds: [
      {
        color: QUIZ_COLOUR,
        author: { name: t(lang, 'quiz.server.author') },
        title: t(lang, 'quiz.questionTitle', { n: q + 1, total: game.questions.length }),
        description: lines.join('\n'),
        footer: { text: t(lang, 'quiz.server.rules') },
      },
    ],
    components: [{ type: ComponentType.ActionRow, components: buttons }],
  };
}

/** A closed question: who got it (or nobody), the answer and the whole story. */
export function revealMessage(game: QuizGame, q: number, couple: Couple | undefined, points: number): PollMessagePayload {
  const lang = game.lang;
  const question = game.questions[q]!;
  const state = game.rounds[q]!;
  const name = question.choices[question.answer]!.name[lang];
  const head = state.winner
    ? t(lang, 'quiz.server.gotIt', { member: `<@${state.winner}>`, points, streak: streakAt(game, q, state.winner) })
    : game.endedBy === 'stopped' && state.closedAt !== undefined && state.closedAt < state.closesAt
      ? t(lang, 'quiz.server.stoppedHere')
      : t(lang, 'quiz.server.nobody');
  const embed = storyEmbed(couple, name, lang, state.winner ? RIGHT_COLOUR : WRONG_COLOUR);
  const video = videoButton(couple, lang);
  return {
    embeds: [{ ...embed, author: { name: t(lang, 'quiz.questionTitle', { n: q + 1, total: game.questions.length }) }, description: `${head}\n\n${embed.description ?? ''}` }],
    components: video ? [{ type: ComponentType.ActionRow, components: [video] }] : [],
  };
}

/** The end of a server game: rank, member, points, best streak. */
export function scoreboardMessage(game: QuizGame, standings: readonly Standing[]): PollMessagePayload {
  const lang = game.lang;
  const medal = (i: number) => ['🥇', '🥈', '🥉'][i] ?? `**${i + 1}.**`;
  const rows = standings.slice(0, 15).map((s, i) => `${medal(i)} <@${s.userId}> · ${t(lang, 'quiz.points', { count: s.points })} · ${t(lang, 'quiz.bestStreak', { count: s.bestStreak })}`);
  const asked = game.rounds.filter((r) => r.closedAt !== undefined).length;
  return {
    embeds: [
      {
        color: QUIZ_COLOUR,
        author: { name: t(lang, 'quiz.server.author') },
        title: t(lang, 'quiz.server.overTitle'),
        description: [t(lang, `quiz.server.endedBy.${game.endedBy ?? 'questions'}`, { asked, total: game.questions.length }), '', ...(rows.length ? rows : [t(lang, 'quiz.server.noScores')])].join('\n'),
      },
    ],
    components: [],
  };
}

/** The starter's private answer: the game is up, and how many questions it has. */
export function gameStartedReply(game: QuizGame, lang: Language): Message<'content'> {
  const messageId = game.rounds[0]?.messageId;
  const link = messageId ? `https://discord.com/channels/${game.guildId}/${game.channelId}/${messageId}` : `<#${game.channelId}>`;
  const lines = [t(lang, 'quiz.server.started', { link, count: game.questions.length, seconds: Math.round(game.questionMs / 1000) })];
  if (game.questions.length < game.requested) lines.push(t(lang, 'quiz.capped', { count: game.questions.length, requested: game.requested }));
  return { content: lines.join('\n') };
}

/** The private acknowledgement of an answer. */
export function answerReply(receipt: AnswerReceipt, lang: Language): Message<'content'> {
  switch (receipt.outcome) {
    case 'correct':
      return { content: receipt.points > 1 ? t(lang, 'quiz.answer.correctStreak', { points: receipt.points, streak: receipt.streak }) : t(lang, 'quiz.answer.correct') };
    case 'wrong':
      return { content: t(lang, 'quiz.answer.wrong') };
    case 'too-late':
      return { content: t(lang, 'quiz.answer.tooLate', { member: `<@${receipt.winner}>` }) };
    case 'already':
      return { content: t(lang, receipt.right ? 'quiz.answer.alreadyRight' : 'quiz.answer.locked') };
  }
}

export function stoppedReply(lang: Language): Message<'content'> {
  return { content: t(lang, 'quiz.server.stopped') };
}

// ---- leaderboard and statistics --------------------------------------------------------------

export function leaderboardMessage(board: QuizBoard, period: BoardPeriod, lang: Language, mentions: Pick<CommandMentions, 'vars'>): Message<'embeds'> {
  const rows = board.rows
    .slice(0, SHOWN)
    .map((r, i) => `**${i + 1}.** <@${r.userId}> · ${t(lang, 'quiz.points', { count: r.points })} · ${t(lang, 'quiz.board.row', { correct: r.correct, games: r.games })}`);
  return {
    embeds: [
      {
        color: QUIZ_COLOUR,
        title: t(lang, period === 'month' ? 'quiz.board.titleMonth' : 'quiz.board.titleAll'),
        description: rows.length ? rows.join('\n') : t(lang, 'quiz.board.empty', mentions.vars(lang)),
        footer: { text: t(lang, 'quiz.board.footer', { count: board.games }) },
      },
    ],
  };
}

export function memberStatsMessage(stats: MemberStats, member: string, nameOf: (coupleId: string) => string, lang: Language, mentions: Pick<CommandMentions, 'vars'>): Message<'embeds'> {
  if (!stats.games) return { embeds: [{ color: QUIZ_COLOUR, title: t(lang, 'quiz.stats.title', { member }), description: t(lang, 'quiz.stats.none', mentions.vars(lang)) }] };
  const couples = stats.couples.map((c) => `${nameOf(c.id)} (${c.count})`).join(', ');
  const lines = [
    t(lang, 'quiz.stats.games', { games: stats.games, solo: stats.solo, server: stats.server }),
    t(lang, 'quiz.stats.correct', { correct: stats.correct, accuracy: Math.round(stats.accuracy * 100) }),
    t(lang, 'quiz.stats.best', { best: stats.bestStreak }),
    ...(couples ? [t(lang, 'quiz.stats.couples', { couples })] : []),
  ];
  return { embeds: [{ color: QUIZ_COLOUR, title: t(lang, 'quiz.stats.title', { member }), description: lines.join('\n') }] };
}
