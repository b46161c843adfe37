import type { Language } from '../i18n/index.js';
import type { DefaultPick } from './default-pick.js';

/** Fewest and most candidates a poll may have: 20 couple buttons fill four rows of five. */
export const MIN_COUPLES = 2;
export const MAX_COUPLES = 20;
/** Longest custom question (an embed title allows 256 characters; the emoji and prefix need some). */
export const MAX_QUESTION_LENGTH = 200;

export type PollStatus = 'open' | 'closed';

/** How a poll ended: at its deadline, or closed early by its starter or a moderator (`closedBy`). */
export type CloseReason = 'deadline' | 'manual';

/**
 * One favourite-kiss poll, as stored. Plain data: every change is a pure function below. The votes
 * are not part of it: each member's vote and the counts are stored beside it (see store/polls.ts),
 * so a vote costs the same however many members voted. A vote never leaves the bot (replies show
 * only counts, and each member only their own vote).
 */
export interface Poll {
  readonly id: string;
  readonly guildId: string;
  readonly channelId: string;
  /** The public poll message, once posted. */
  readonly messageId?: string | undefined;
  readonly starterId: string;
  /** The member's own question; undefined shows the translated default. */
  readonly question?: string | undefined;
  /** Candidates, in button order. */
  readonly coupleIds: readonly string[];
  /** Set when the starter gave no couples: how the default candidates were picked (the message says it). */
  readonly defaultPick?: DefaultPick | undefined;
  /** Counts stay hidden until the poll closes. */
  readonly hideCounts: boolean;
  /** Language of the public message and chart: the server's, when the poll started. */
  readonly lang: Language;
  readonly createdAt: number;
  readonly closesAt: number;
  readonly status: PollStatus;
  readonly closedAt?: number | undefined;
  readonly closeReason?: CloseReason | undefined;
  readonly closedBy?: string | undefined;
  /** True once the leaderboard was updated and the results were posted (or could not be). */
  readonly finalized?: boolean | undefined;
  readonly resultsMessageId?: string | undefined;
}

export interface NewPoll {
  id: string;
  guildId: string;
  channelId: string;
  starterId: string;
  question?: string | undefined;
  coupleIds: readonly string[];
  defaultPick?: DefaultPick | undefined;
  hideCounts: boolean;
  lang: Language;
  createdAt: number;
  durationMs: number;
}

export type PollRuleBreak = 'too-few-couples' | 'too-many-couples' | 'duplicate-couple' | 'question-too-long';

/** Builds a new open poll, or says which rule the input breaks. The duration is checked by parseDuration. */
export function newPoll(input: NewPoll): { ok: true; poll: Poll } | { ok: false; reason: PollRuleBreak } {
  const question = input.question?.trim() || undefined;
  if (question && question.length > MAX_QUESTION_LENGTH) return { ok: false, reason: 'question-too-long' };
  if (new Set(input.coupleIds).size !== input.coupleIds.length) return { ok: false, reason: 'duplicate-couple' };
  if (input.coupleIds.length < MIN_COUPLES) return { ok: false, reason: 'too-few-couples' };
  if (input.coupleIds.length > MAX_COUPLES) return { ok: false, reason: 'too-many-couples' };
  return {
    ok: true,
    poll: {
      id: input.id,
      guildId: input.guildId,
      channelId: input.channelId,
      starterId: input.starterId,
      question,
      coupleIds: [...input.coupleIds],
      ...(input.defaultPick ? { defaultPick: input.defaultPick } : {}),
      hideCounts: input.hideCounts,
      lang: input.lang,
      createdAt: input.createdAt,
      closesAt: input.createdAt + input.durationMs,
      status: 'open',
    },
  };
}

/** Open, and its deadline not yet reached. */
export function acceptsVotes(poll: Poll, now: number): boolean {
  return poll.status === 'open' && now < poll.closesAt;
}

export type VoteChange =
  | { ok: true; outcome: 'new' | 'same'; coupleId: string }
  | { ok: true; outcome: 'changed'; coupleId: string; previous: string }
  | { ok: false; reason: 'closed' | 'not-a-candidate' };

/**
 * One vote per member: a vote for another couple replaces the member's earlier one (`previous`,
 * the couple they chose before, if any).
 */
export function castVote(poll: Poll, previous: string | undefined, coupleId: string, now: number): VoteChange {
  if (!acceptsVotes(poll, now)) return { ok: false, reason: 'closed' };
  if (!poll.coupleIds.includes(coupleId)) return { ok: false, reason: 'not-a-candidate' };
  if (previous === coupleId) return { ok: true, outcome: 'same', coupleId };
  return previous === undefined ? { ok: true, outcome: 'new', coupleId } : { ok: true, outcome: 'changed', coupleId, previous };
}

export type WithdrawChange = { ok: true; outcome: 'withdrawn'; previous: string } | { ok: true; outcome: 'none' } | { ok: false; reason: 'closed' };

/** Removes the member's vote (`previous`), if they have one. */
export function withdrawVote(poll: Poll, previous: string | undefined, now: number): WithdrawChange {
  if (!acceptsVotes(poll, now)) return { ok: false, reason: 'closed' };
  return previous === undefined ? { ok: true, outcome: 'none' } : { ok: true, outcome: 'withdrawn', previous };
}

export type CloseChange<P extends Poll = Poll> = { outcome: 'closed'; poll: P } | { outcome: 'already-closed'; poll: P };

/** Closes an open poll; closing a closed poll changes nothing. */
export function closePoll<P extends Poll>(poll: P, at: number, reason: CloseReason, by?: string): CloseChange<P> {
  if (poll.status === 'closed') return { outcome: 'already-closed', poll };
  return { outcome: 'closed', poll: { ...poll, status: 'closed', closedAt: at, closeReason: reason, closedBy: by } };
}

/** Whether `userId` may close the poll: its starter, or a member who may manage the server. */
export function mayClose(poll: Poll, userId: string, canManageGuild: boolean): boolean {
  return canManageGuild || poll.starterId === userId;
}
