import type { Language } from '../i18n/index.js';
import { champion, currentRound, entrantsIn, type Bracket, type BracketSize, type Match } from './bracket.js';
import type { Candidate } from './candidates.js';
import type { Side } from './ids.js';

/*
 * What the World Cup stores: a member's solo run and a server tournament. Plain data, changed by
 * the pure functions here and in bracket.ts; the services store it (store/worldcup.ts).
 */

/** A member's private game in one channel: one match at a time, their choice decides it. */
export interface SoloRun {
  readonly id: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  /** The candidates drawn for this run, as they were when it started. */
  readonly entrants: readonly Candidate[];
  readonly bracket: Bracket;
  /** Choices made so far: the step a button was built for, so a stale click is recognised. */
  readonly step: number;
  readonly startedAt: number;
  /** The last choice (or the start); the run expires `SOLO_EXPIRY_MS` after it. */
  readonly updatedAt: number;
  readonly finishedAt?: number | undefined;
  /** The champion was posted in the channel (once). */
  readonly shared?: boolean | undefined;
}

/** An unfinished solo run expires this long after its last choice; a finished one can be shared until then. */
export const SOLO_EXPIRY_MS = 15 * 60_000;

export function soloExpiresAt(run: Pick<SoloRun, 'updatedAt'>): number {
  return run.updatedAt + SOLO_EXPIRY_MS;
}

export function isSoloLive(run: SoloRun, now: number): boolean {
  return now < soloExpiresAt(run);
}

/** One round of a server tournament: its messages and its deadline. */
export interface RoundState {
  readonly openedAt: number;
  readonly closesAt: number;
  /** The round's (first) message, once posted. */
  readonly messageId?: string | undefined;
  /**
   * Every message of the round, in order, as far as posted: a round of more than
   * `MATCHES_PER_MESSAGE` matches is shown in several (see `roundParts`). Absent in rounds stored
   * by an earlier version (one message each, `messageId`).
   */
  readonly messageIds?: readonly string[] | undefined;
  readonly closedAt?: number | undefined;
  /** The round's messages were replaced by its results. */
  readonly resultsShown?: boolean | undefined;
}

/**
 * Most matches one round message shows. Discord allows five rows of five buttons per message and a
 * 4,096-character embed description: eight matches are 16 buttons in four rows of four (two
 * matches a row), and their lines stay well within the description even with the longest names.
 * A round of 16 (8 matches) is one message; a round of 32, two; a round of 64, four, all open
 * until the same deadline.
 */
export const MATCHES_PER_MESSAGE = 8;

/** How many messages show a round of `matches` matches (at least one). */
export function roundParts(matches: number): number {
  return Math.max(1, Math.ceil(matches / MATCHES_PER_MESSAGE));
}

/** The message (part) of its round a match is shown in. */
export function partOfMatch(match: number): number {
  return Math.floor(match / MATCHES_PER_MESSAGE);
}

/** The matches one message of a round shows: indexes `from` (inclusive) to `to` (exclusive). */
export function partRange(matches: number, part: number): { readonly from: number; readonly to: number } {
  const from = Math.min(matches, part * MATCHES_PER_MESSAGE);
  return { from, to: Math.min(matches, from + MATCHES_PER_MESSAGE) };
}

/** The round's messages posted so far, in order (a round stored by an earlier version has its one `messageId`). */
export function roundMessageIds(state: RoundState | undefined): readonly string[] {
  if (!state) return [];
  return state.messageIds ?? (state.messageId !== undefined ? [state.messageId] : []);
}

/** How many messages a tournament's round is shown in. */
export function partsOf(t: Pick<Tournament, 'bracket'>, round: number): number {
  return roundParts(t.bracket.rounds[round]?.length ?? 0);
}

/** Whether every message of a round is posted. */
export function roundPosted(t: Pick<Tournament, 'bracket' | 'rounds'>, round: number): boolean {
  return roundMessageIds(t.rounds[round]).length >= partsOf(t, round);
}

export type TournamentStatus = 'running' | 'finished';

/** A tournament the whole server votes in, one round at a time, in one channel. */
export interface Tournament {
  readonly id: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly starterId: string;
  /** The language of its public messages: the server's, when it started. */
  readonly lang: Language;
  readonly hideCounts: boolean;
  readonly roundMs: number;
  readonly createdAt: number;
  readonly entrants: readonly Candidate[];
  readonly bracket: Bracket;
  /** One entry per round opened so far; the last is the one being voted on while running. */
  readonly rounds: readonly RoundState[];
  readonly status: TournamentStatus;
  readonly champion?: string | undefined;
  readonly finishedAt?: number | undefined;
  /** The champion's message (with the bracket image), once posted. */
  readonly finalMessageId?: string | undefined;
  /** True once the champion was counted and the final message posted (or could not be). */
  readonly finalized?: boolean | undefined;
}

/** Shortest and longest round of a server tournament, and the default. */
export const MIN_ROUND_MS = 5 * 60_000;
export const MAX_ROUND_MS = 7 * 24 * 60 * 60_000;
export const DEFAULT_ROUND_MS = 60 * 60_000;

/** The size a member gets when they name none: the largest of 8 and 4 the pool fills. */
export function defaultSize(available: readonly BracketSize[]): BracketSize | undefined {
  return available.includes(8) ? 8 : available.at(-1);
}

export function candidateById(entrants: readonly Candidate[], id: string): Candidate | undefined {
  return entrants.find((c) => c.id === id);
}

/** The round whose votes are open, while the tournament runs. */
export function openRound(t: Tournament): number | undefined {
  if (t.status !== 'running') return undefined;
  const round = currentRound(t.bracket);
  return round !== undefined && round === t.rounds.length - 1 ? round : undefined;
}

/** Whether a vote in `round` is counted now. */
export function acceptsVotes(t: Tournament, round: number, now: number): boolean {
  const state = t.rounds[round];
  return openRound(t) === round && state !== undefined && state.closedAt === undefined && now < state.closesAt;
}

/** The matches of a round. */
export function matchesOf(t: Pick<Tournament, 'bracket'>, round: number): readonly Match[] {
  return t.bracket.rounds[round] ?? [];
}

/** How many entrants a round starts with (64, 32, 16, 8, 4, 2): what its name says ("8강", "Final"). */
export function roundEntrants(bracket: Pick<Bracket, 'size'>, round: number): number {
  return entrantsIn(bracket, round);
}

/** A solo run's champion, once it is over. */
export function soloChampion(run: SoloRun): string | undefined {
  return champion(run.bracket);
}

/** Votes per match of one round (`[a, b]`), and the members who voted in any of its matches. */
export interface RoundTally {
  readonly counts: ReadonlyArray<readonly [number, number]>;
  readonly voters: number;
}

/** One member's votes in one round: a side per match, or null. */
export type Ballot = ReadonlyArray<Side | null>;

/** The counts of a round nobody voted in yet. */
export function emptyTally(matches: number): RoundTally {
  return { counts: Array.from({ length: matches }, () => [0, 0] as const), voters: 0 };
}

/** What a vote in a round did: counted, already counted, or moved from the match's other couple. */
export type TournamentVoteReceipt =
  | { readonly outcome: 'new' | 'same'; readonly coupleId: string; readonly round: number; readonly match: number }
  | { readonly outcome: 'changed'; readonly coupleId: string; readonly previous: string; readonly round: number; readonly match: number };
