import type { KeyedQueue } from '../keyed-queue.js';
import type { WorldCupStore } from '../store/worldcup.js';
import type { Bracket } from './bracket.js';
import { statsKey } from './ids.js';
import type { ResultKind } from './stats.js';

/**
 * Where finished World Cups are counted: one record per server, changed in the server's queue so
 * that two runs finishing at once are both counted. Counting a result twice (a retry) changes nothing.
 */
export class StatsBook {
  constructor(
    private readonly store: Pick<WorldCupStore, 'addToStats'>,
    private readonly queue: KeyedQueue,
  ) {}

  record(guildId: string, resultId: string, kind: ResultKind, bracket: Bracket): Promise<boolean> {
    return this.queue.run(statsKey(guildId), () => this.store.addToStats(guildId, resultId, kind, bracket));
  }
}
