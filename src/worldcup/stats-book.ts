import type { WorldCupStore } from '../store/worldcup.js';
import type { Bracket } from './bracket.js';
import type { ResultKind } from './stats.js';

/**
 * Where finished World Cups are counted: the server's statistics, added to by the store in one
 * atomic step, so runs finishing at once (in one process or several) are all counted. Counting a
 * result twice (a retry) changes nothing.
 */
export class StatsBook {
  constructor(private readonly store: Pick<WorldCupStore, 'addToStats'>) {}

  record(guildId: string, resultId: string, kind: ResultKind, bracket: Bracket): Promise<boolean> {
    return this.store.addToStats(guildId, resultId, kind, bracket);
  }
}
