import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { CommandMentions } from '../mentions.js';
import { t, type Language } from '../i18n/index.js';
import type { DataSummary } from '../store/lifecycle.js';
import type { Message } from './message.js';

/** The answers of `/kiss-data` (see message.ts for the convention). */

const DAY_MS = 86_400_000;
const UNITS = [
  ['days', DAY_MS],
  ['hours', 3_600_000],
  ['minutes', 60_000],
  ['seconds', 1_000],
] as const;

/** "7 days", "12 hours": the largest unit the duration is a whole number of (at least seconds). */
export function durationText(lang: Language, ms: number): string {
  const [unit, size] = UNITS.find(([, size]) => ms % size === 0 && ms >= size) ?? UNITS[3];
  return t(lang, `data.retention.${unit}`, { count: Math.round(ms / size) });
}

/** One bullet per kind of data the server has, in `lang`. */
export function summaryLines(summary: DataSummary, lang: Language): string[] {
  const lines: string[] = [];
  const add = (count: number, key: string) => {
    if (count > 0) lines.push(`• ${t(lang, `data.summary.${key}`, { n: count })}`);
  };
  add(summary.dailySchedule, 'dailySchedule');
  add(summary.dailyPosts, 'dailyPosts');
  add(summary.pinnedLinks, 'pinnedLinks');
  add(summary.polls, 'polls');
  add(summary.votes, 'votes');
  add(summary.leaderboard, 'leaderboard');
  add(summary.lastShown, 'lastShown');
  add(summary.ownStories, 'ownStories');
  add(summary.storyDrafts, 'storyDrafts');
  add(summary.quizGames, 'quizGames');
  add(summary.quizMembers, 'quizMembers');
  add(summary.quizLeaderboard, 'quizLeaderboard');
  return lines;
}

/** How long things are kept: the numbers come from the code (the same as PRIVACY.md states). */
export interface RetentionFacts {
  /** Days a vote is kept after its poll's deadline. */
  readonly voteDays: number;
  /** How long a server's data is kept after the bot is removed from it. */
  readonly afterRemovalMs: number;
}

/** `/kiss-data show`: what is stored, and for how long. */
export function dataSummaryMessage(summary: DataSummary, lang: Language, retention: RetentionFacts, mentions: Pick<CommandMentions, 'vars'>): Message<'content'> {
  const footer = t(lang, 'data.summary.retention', { ...mentions.vars(lang), voteRetention: durationText(lang, retention.voteDays * DAY_MS), retention: durationText(lang, retention.afterRemovalMs) });
  if (!summary.entries) return { content: `${t(lang, 'data.summary.nothing')}\n\n${footer}` };
  return {
    content: [t(lang, 'data.summary.title'), ...summaryLines(summary, lang), t(lang, 'data.summary.entries', { count: summary.entries }), '', footer].join('\n'),
  };
}

/** `/kiss-data delete`: what will be deleted, with a red confirm button and a cancel button. */
export function deletePromptMessage(summary: DataSummary, lang: Language, ids: { confirm: string; cancel: string }): Message<'content' | 'components'> {
  return {
    content: [t(lang, 'data.delete.prompt'), '', ...summaryLines(summary, lang), t(lang, 'data.summary.entries', { count: summary.entries }), '', t(lang, 'data.delete.effects')].join('\n'),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: ids.confirm, label: t(lang, 'data.delete.confirm'), emoji: { name: '🗑️' } },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.cancel, label: t(lang, 'data.delete.cancel') },
        ],
      },
    ],
  };
}

/** Nothing is stored: nothing to confirm. */
export function nothingToDeleteMessage(lang: Language): Message<'content'> {
  return { content: t(lang, 'data.delete.nothing') };
}

/** After the confirm button: what was deleted (the buttons are gone). */
export function deletedMessage(summary: DataSummary, lang: Language): Message<'content' | 'components'> {
  return {
    content: [t(lang, 'data.delete.done'), ...summaryLines(summary, lang), t(lang, 'data.summary.entries', { count: summary.entries })].join('\n'),
    components: [],
  };
}

/** After the cancel button (the buttons are gone). */
export function cancelledMessage(lang: Language): Message<'content' | 'components'> {
  return { content: t(lang, 'data.delete.cancelled'), components: [] };
}
