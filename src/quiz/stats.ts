/*
 * The quiz leaderboard and a member's statistics, read from their counters (pure).
 */

export type BoardPeriod = 'all' | 'month';

export interface BoardRow {
  readonly userId: string;
  readonly points: number;
  readonly games: number;
  readonly correct: number;
}

export interface QuizBoard {
  /** Server games counted. */
  readonly games: number;
  /** Best first. */
  readonly rows: readonly BoardRow[];
}

/** A leaderboard from its counters (`p:<user>` points, `g:` games, `c:` right answers, `games`). */
export function boardOf(counts: ReadonlyMap<string, number>): QuizBoard {
  const users = new Set<string>();
  for (const name of counts.keys()) {
    const match = /^[pgc]:(\d{1,20})$/.exec(name);
    if (match) users.add(match[1]!);
  }
  const rows = [...users]
    .map((userId) => ({ userId, points: counts.get(`p:${userId}`) ?? 0, games: counts.get(`g:${userId}`) ?? 0, correct: counts.get(`c:${userId}`) ?? 0 }))
    .filter((row) => row.games > 0)
    .sort((a, b) => b.points - a.points || b.correct - a.correct || a.games - b.games || (a.userId < b.userId ? -1 : 1));
  return { games: counts.get('games') ?? 0, rows };
}

export interface MemberStats {
  readonly games: number;
  readonly solo: number;
  readonly server: number;
  readonly correct: number;
  readonly wrong: number;
  /** Right answers over all answers, 0 to 1 (0 with none). */
  readonly accuracy: number;
  readonly bestStreak: number;
  /** The couples guessed right most often, most first (at most 3). */
  readonly couples: ReadonlyArray<{ readonly id: string; readonly count: number }>;
}

/** A member's statistics from their counters. */
export function memberStatsOf(counts: ReadonlyMap<string, number>): MemberStats {
  let bestStreak = 0;
  const couples: Array<{ id: string; count: number }> = [];
  for (const [name, count] of counts) {
    const streak = /^streak:(\d+)$/.exec(name);
    if (streak && count > 0) bestStreak = Math.max(bestStreak, Number(streak[1]));
    if (name.startsWith('couple:') && count > 0) couples.push({ id: name.slice('couple:'.length), count });
  }
  const correct = counts.get('correct') ?? 0;
  const wrong = counts.get('wrong') ?? 0;
  couples.sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  return {
    games: counts.get('games') ?? 0,
    solo: counts.get('solo') ?? 0,
    server: counts.get('server') ?? 0,
    correct,
    wrong,
    accuracy: correct + wrong ? correct / (correct + wrong) : 0,
    bestStreak,
    couples: couples.slice(0, 3),
  };
}
