import { ownRecord, ownValue } from '../records.js';
import { champion, headToHeads, type Bracket } from './bracket.js';

/** One couple's World Cup record in a server. */
export interface CoupleRecord {
  /** World Cups it won (solo runs and server tournaments). */
  readonly titles: number;
  /** Head-to-head matches it won and lost. */
  readonly wins: number;
  readonly losses: number;
}

/**
 * A server's World Cup statistics: every finished solo run and server tournament, aggregated when
 * it ends, so nothing else has to be kept. `recent` remembers the last results counted so that
 * counting one again (a retry after a crash) changes nothing.
 */
export interface WorldCupStats {
  readonly runs: number;
  readonly tournaments: number;
  /** By couple id (read with `coupleRecord`: an id is never looked up as a built-in property). */
  readonly couples: Readonly<Record<string, CoupleRecord>>;
  readonly recent: readonly string[];
}

export type ResultKind = 'solo' | 'server';

/** How many result ids `recent` keeps: far more than can finish at once in one server. */
export const RECENT_RESULTS_KEPT = 200;

export const EMPTY_STATS: WorldCupStats = Object.freeze({ runs: 0, tournaments: 0, couples: Object.freeze({}), recent: Object.freeze([]) });

const NONE: CoupleRecord = { titles: 0, wins: 0, losses: 0 };

/** A couple's record in these statistics (none yet: all zero). */
export function coupleRecord(stats: WorldCupStats, coupleId: string): CoupleRecord {
  return ownValue(stats.couples, coupleId) ?? NONE;
}

/**
 * Adds a finished bracket: a title for its champion, a win and a loss for each head-to-head. A
 * bracket that is not finished, or a result already counted, leaves the statistics as they are.
 */
export function addResult(stats: WorldCupStats, resultId: string, kind: ResultKind, bracket: Bracket): { stats: WorldCupStats; applied: boolean } {
  const winner = champion(bracket);
  if (winner === undefined || stats.recent.includes(resultId)) return { stats, applied: false };
  const couples = ownRecord(stats.couples);
  const change = (id: string, delta: Partial<CoupleRecord>) => {
    const before = ownValue(couples, id) ?? NONE;
    couples[id] = { titles: before.titles + (delta.titles ?? 0), wins: before.wins + (delta.wins ?? 0), losses: before.losses + (delta.losses ?? 0) };
  };
  change(winner, { titles: 1 });
  for (const { winner: w, loser } of headToHeads(bracket)) {
    change(w, { wins: 1 });
    change(loser, { losses: 1 });
  }
  return {
    stats: {
      runs: stats.runs + (kind === 'solo' ? 1 : 0),
      tournaments: stats.tournaments + (kind === 'server' ? 1 : 0),
      couples,
      recent: [...stats.recent, resultId].slice(-RECENT_RESULTS_KEPT),
    },
    applied: true,
  };
}

export interface StatsRow extends CoupleRecord {
  readonly coupleId: string;
  /** Share of its head-to-heads won, 0–100 with one decimal (0 when it never played one). */
  readonly winRate: number;
  readonly matches: number;
}

/** Win rate in head-to-heads, with one decimal. */
export function winRate(record: CoupleRecord): number {
  const matches = record.wins + record.losses;
  return matches === 0 ? 0 : Math.round((record.wins / matches) * 1000) / 10;
}

/** Most titles first, then the best win rate, then the most matches played. */
export function rankStats(stats: WorldCupStats): StatsRow[] {
  return Object.entries(stats.couples)
    .map(([coupleId, r]) => ({ coupleId, ...r, matches: r.wins + r.losses, winRate: winRate(r) }))
    .filter((row) => row.matches > 0 || row.titles > 0)
    .sort((a, b) => b.titles - a.titles || b.winRate - a.winRate || b.matches - a.matches || a.coupleId.localeCompare(b.coupleId));
}

/** The couples with the most titles (several on a tie; none before any World Cup finished). */
export function mostWon(stats: WorldCupStats): string[] {
  const best = Math.max(0, ...Object.values(stats.couples).map((r) => r.titles));
  if (best === 0) return [];
  return Object.entries(stats.couples)
    .filter(([, r]) => r.titles === best)
    .map(([id]) => id)
    .sort();
}
