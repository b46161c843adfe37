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
 * it ends, so nothing else has to be kept. The store keeps them as named counters (see
 * `resultCounts`), added to atomically: results finishing at once in two processes are both
 * counted, and a result counted again (a retry after a crash) changes nothing.
 */
export interface WorldCupStats {
  readonly runs: number;
  readonly tournaments: number;
  /** By couple id (a null-prototype record). */
  readonly couples: Readonly<Record<string, CoupleRecord>>;
}

export type ResultKind = 'solo' | 'server';

export const EMPTY_STATS: WorldCupStats = Object.freeze({ runs: 0, tournaments: 0, couples: Object.freeze(Object.create(null) as Record<string, CoupleRecord>) });

const NONE: CoupleRecord = { titles: 0, wins: 0, losses: 0 };
const FIELDS = ['titles', 'wins', 'losses'] as const;

/**
 * What a finished bracket adds to the statistics' counters (`runs` or `tournaments`, and
 * `titles:<couple>`, `wins:<couple>`, `losses:<couple>`): a title for its champion, a win and a
 * loss for each head-to-head. Undefined for a bracket that is not finished.
 */
export function resultCounts(kind: ResultKind, bracket: Bracket): Array<[string, number]> | undefined {
  const winner = champion(bracket);
  if (winner === undefined) return undefined;
  const counts: Array<[string, number]> = [[kind === 'solo' ? 'runs' : 'tournaments', 1], [`titles:${winner}`, 1]];
  for (const { winner: w, loser } of headToHeads(bracket)) counts.push([`wins:${w}`, 1], [`losses:${loser}`, 1]);
  return counts;
}

/** Statistics with the given counters added to `base` (statistics stored in the older one-record format, or none). */
export function statsOf(counts: Iterable<readonly [string, number]>, base: WorldCupStats = EMPTY_STATS): WorldCupStats {
  let { runs, tournaments } = base;
  const couples: Record<string, CoupleRecord> = Object.create(null) as Record<string, CoupleRecord>;
  for (const [id, record] of Object.entries(base.couples)) couples[id] = record;
  for (const [name, n] of counts) {
    if (name === 'runs') runs += n;
    else if (name === 'tournaments') tournaments += n;
    else {
      const at = name.indexOf(':');
      const field = FIELDS.find((f) => f === name.slice(0, at));
      if (at < 0 || !field) continue;
      const id = name.slice(at + 1);
      const before = Object.hasOwn(couples, id) ? couples[id]! : NONE;
      couples[id] = { ...before, [field]: before[field] + n };
    }
  }
  return { runs, tournaments, couples };
}

/** Adds a finished bracket (pure; the store counts each result once). A bracket that is not finished changes nothing. */
export function addResult(stats: WorldCupStats, kind: ResultKind, bracket: Bracket): WorldCupStats {
  const counts = resultCounts(kind, bracket);
  return counts ? statsOf(counts, stats) : stats;
}

export interface StatsRow extends CoupleRecord {
  readonly coupleId: string;
  /** Share of its head-to-heads won, 0–100 with one decimal (0 when it never played one). */
  readonly winRate: number;
  readonly matches: number;
}

/** Win rate in head-to-heads, with one decimal. */
/** A couple's record by id, read as an own property only (an id is never looked up as a built-in property). */
export function coupleRecord(stats: WorldCupStats, coupleId: string): CoupleRecord {
  return Object.hasOwn(stats.couples, coupleId) ? stats.couples[coupleId]! : NONE;
}

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
