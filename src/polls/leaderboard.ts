import type { Tally } from './tally.js';

/** A couple's all-time record in one server. */
export interface LeaderboardEntry {
  readonly votes: number;
  readonly wins: number;
  /** Polls the couple was a candidate in. */
  readonly polls: number;
}

/**
 * A server's aggregate over every closed poll (and World Cup champions), counted once per poll at
 * its close, so closed polls can be pruned without losing history. The store keeps it as named
 * counters (see `pollResultCounts`), added to atomically: two polls finishing at once in two
 * processes are both counted, and a poll counted again after a crash changes nothing.
 */
export interface Leaderboard {
  readonly polls: number;
  readonly votes: number;
  /** By couple id (a null-prototype record). */
  readonly couples: Readonly<Record<string, LeaderboardEntry>>;
}

export const EMPTY_LEADERBOARD: Leaderboard = Object.freeze({ polls: 0, votes: 0, couples: Object.freeze(Object.create(null) as Record<string, LeaderboardEntry>) });

/** The counters of a leaderboard: `polls`, `votes`, and `votes:<couple>`, `wins:<couple>`, `polls:<couple>`. */
const FIELDS = ['votes', 'wins', 'polls'] as const;

/** What one closed poll adds to the leaderboard's counters. Every tied winner gets a win; a poll without votes has no winner. */
export function pollResultCounts(tally: Tally): Array<[string, number]> {
  const winners = new Set(tally.winners);
  const counts: Array<[string, number]> = [
    ['polls', 1],
    ['votes', tally.totalVoters],
  ];
  for (const row of tally.rows) {
    counts.push([`votes:${row.coupleId}`, row.votes], [`polls:${row.coupleId}`, 1]);
    if (winners.has(row.coupleId)) counts.push([`wins:${row.coupleId}`, 1]);
  }
  return counts;
}

/** What a World Cup champion adds: one more win for the couple (its votes and polls stay as they are). */
export function championCounts(coupleId: string): Array<[string, number]> {
  return [[`wins:${coupleId}`, 1]];
}

/** A leaderboard with the given counters added to `base` (a board stored in the older one-record format, or none). */
export function leaderboardOf(counts: Iterable<readonly [string, number]>, base: Leaderboard = EMPTY_LEADERBOARD): Leaderboard {
  let { polls, votes } = base;
  const couples: Record<string, LeaderboardEntry> = Object.create(null) as Record<string, LeaderboardEntry>;
  for (const [id, entry] of Object.entries(base.couples)) couples[id] = entry;
  for (const [name, n] of counts) {
    if (name === 'polls') polls += n;
    else if (name === 'votes') votes += n;
    else {
      const at = name.indexOf(':');
      const field = FIELDS.find((f) => f === name.slice(0, at));
      if (at < 0 || !field) continue;
      const id = name.slice(at + 1);
      const before = Object.hasOwn(couples, id) ? couples[id]! : { votes: 0, wins: 0, polls: 0 };
      couples[id] = { ...before, [field]: before[field] + n };
    }
  }
  return { polls, votes, couples };
}

/** Adds one closed poll's tally (pure; the store counts each poll once). */
export function addPollResult(board: Leaderboard, tally: Tally): Leaderboard {
  return leaderboardOf(pollResultCounts(tally), board);
}

/** Adds a World Cup champion's win (pure; the store counts each tournament once). */
export function addChampion(board: Leaderboard, coupleId: string): Leaderboard {
  return leaderboardOf(championCounts(coupleId), board);
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
