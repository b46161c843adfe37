import { ownRecord, ownValue } from '../records.js';
import type { Tally } from './tally.js';

/** A couple's all-time record in one server. */
export interface LeaderboardEntry {
  readonly votes: number;
  readonly wins: number;
  /** Polls the couple was a candidate in. */
  readonly polls: number;
}

/**
 * A server's aggregate over every closed poll, updated once per poll at close, so closed polls can
 * be pruned without losing history. `recent` remembers the last polls counted so that finishing a
 * close again after a crash never counts one twice.
 */
export interface Leaderboard {
  readonly polls: number;
  readonly votes: number;
  /** By couple id (read with `ownValue`: an id is never looked up as a built-in property). */
  readonly couples: Readonly<Record<string, LeaderboardEntry>>;
  readonly recent: readonly string[];
}

/** How many poll ids `recent` keeps: far more than the polls a server can have open at once. */
export const RECENT_POLLS_KEPT = 200;

export const EMPTY_LEADERBOARD: Leaderboard = Object.freeze({ polls: 0, votes: 0, couples: Object.freeze({}), recent: Object.freeze([]) });

/**
 * Adds one closed poll's tally. Every tied winner gets a win; a poll without votes has no winner.
 * Returns the board unchanged (and `applied: false`) when this poll was already counted.
 */
export function addPollResult(board: Leaderboard, pollId: string, tally: Tally): { board: Leaderboard; applied: boolean } {
  if (board.recent.includes(pollId)) return { board, applied: false };
  const couples = ownRecord(board.couples);
  const winners = new Set(tally.winners);
  for (const row of tally.rows) {
    const before = ownValue(couples, row.coupleId) ?? { votes: 0, wins: 0, polls: 0 };
    couples[row.coupleId] = {
      votes: before.votes + row.votes,
      wins: before.wins + (winners.has(row.coupleId) ? 1 : 0),
      polls: before.polls + 1,
    };
  }
  return {
    board: {
      polls: board.polls + 1,
      votes: board.votes + tally.totalVoters,
      couples,
      recent: [...board.recent, pollId].slice(-RECENT_POLLS_KEPT),
    },
    applied: true,
  };
}

/**
 * Adds a World Cup champion: one more win for the couple (its votes and polls stay as they are).
 * `resultId` names the tournament; adding the same one again changes nothing.
 */
export function addChampion(board: Leaderboard, resultId: string, coupleId: string): { board: Leaderboard; applied: boolean } {
  if (board.recent.includes(resultId)) return { board, applied: false };
  const before = ownValue(board.couples, coupleId) ?? { votes: 0, wins: 0, polls: 0 };
  const couples = ownRecord(board.couples);
  couples[coupleId] = { ...before, wins: before.wins + 1 };
  return {
    board: {
      ...board,
      couples,
      recent: [...board.recent, resultId].slice(-RECENT_POLLS_KEPT),
    },
    applied: true,
  };
}

export interface LeaderboardRow extends LeaderboardEntry {
  readonly coupleId: string;
  /** 1 for the best; couples with the same wins and votes share a rank. */
  readonly rank: number;
}

/** Most wins first, then most votes; couples never voted for and never winning are left out. */
export function rankLeaderboard(board: Leaderboard): LeaderboardRow[] {
  const rows = Object.entries(board.couples)
    .filter(([, e]) => e.votes > 0 || e.wins > 0)
    .map(([coupleId, e]) => ({ coupleId, ...e }))
    .sort((a, b) => b.wins - a.wins || b.votes - a.votes || a.coupleId.localeCompare(b.coupleId));
  let rank = 0;
  return rows.map((row, i) => {
    const prev = rows[i - 1];
    if (!prev || prev.wins !== row.wins || prev.votes !== row.votes) rank = i + 1;
    return { ...row, rank };
  });
}
