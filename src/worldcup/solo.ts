import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import type { KeyedQueue } from '../keyed-queue.js';
import type { WorldCupStore } from '../store/worldcup.js';
import { champion, choose, nextMatch, type BracketSize } from './bracket.js';
import type { CandidatePool } from './candidates.js';
import { chooseSize, drawEntrants } from './draw.js';
import { newWorldCupId, soloKey, type Side } from './ids.js';
import { isSoloLive, SOLO_EXPIRY_MS, soloExpiresAt, type SoloRun } from './model.js';
import type { StatsBook } from './stats-book.js';

export interface SoloDeps {
  readonly store: Pick<WorldCupStore, 'getRun' | 'saveRun'>;
  readonly pool: CandidatePool;
  readonly clock: Clock;
  readonly random: Random;
  readonly queue: KeyedQueue;
  readonly stats: Pick<StatsBook, 'record'>;
}

export interface SoloWhere {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
}

/**
 * The solo game: a member plays a World Cup privately, one match at a time. A member has at most one
 * run per channel (a new one replaces it); a run expires 15 minutes after its last choice. Each
 * member's choices in a channel run in order, so a double click is one choice.
 */
export class SoloGames {
  constructor(private readonly deps: SoloDeps) {}

  /** Starts a run; `replaced` says whether it replaced an unfinished one in this channel. */
  async play(where: SoloWhere & { size?: BracketSize | undefined }): Promise<{ run: SoloRun; replaced: boolean }> {
    const { store, pool, clock, random, queue } = this.deps;
    const candidates = await pool.candidatesFor(where.guildId);
    const size = chooseSize(candidates, where.size);
    const { bracket, entrants } = drawEntrants(candidates, size, random);
    const now = clock.now();
    const run: SoloRun = {
      id: newWorldCupId(random),
      guildId: where.guildId,
      channelId: where.channelId,
      userId: where.userId,
      entrants,
      bracket,
      step: 0,
      startedAt: now,
      updatedAt: now,
    };
    return queue.run(soloKey(where.guildId, where.channelId, where.userId), async () => {
      const previous = await store.getRun(where.guildId, where.channelId, where.userId);
      await store.saveRun(run, SOLO_EXPIRY_MS);
      return { run, replaced: previous !== undefined && previous.finishedAt === undefined && isSoloLive(previous, now) };
    });
  }

  /**
   * The member's choice at `step`. A click on an earlier step (a double click, an old message)
   * changes nothing and returns the run as it stands; a run that ended or expired is refused.
   */
  pick(where: SoloWhere & { runId: string; step: number; side: Side }): Promise<SoloRun> {
    const { store, clock, queue, stats } = this.deps;
    return queue.run(soloKey(where.guildId, where.channelId, where.userId), async () => {
      const run = await this.#live(where, where.runId);
      if (where.step !== run.step) return run;
      const next = nextMatch(run.bracket);
      if (!next) return run;
      const pick = next.match[where.side];
      if (pick === null) throw new UserError('worldcup.errors.badButton');
      const bracket = choose(run.bracket, next.round, next.index, pick);
      const now = clock.now();
      const finished = champion(bracket) !== undefined;
      const updated: SoloRun = { ...run, bracket, step: run.step + 1, updatedAt: now, ...(finished ? { finishedAt: now } : {}) };
      // Counted before the run is stored as finished: a failed count leaves the choice to be made again.
      if (finished) await stats.record(where.guildId, `solo:${run.id}`, 'solo', bracket);
      await store.saveRun(updated, SOLO_EXPIRY_MS);
      return updated;
    });
  }

  /**
   * Shares a finished run's winner once: `post` shows it in the channel, then the run is marked
   * shared. A second share is refused.
   */
  share(where: SoloWhere & { runId: string }, post: (run: SoloRun) => Promise<void>): Promise<SoloRun> {
    const { store, clock, queue } = this.deps;
    return queue.run(soloKey(where.guildId, where.channelId, where.userId), async () => {
      const run = await this.#live(where, where.runId);
      if (champion(run.bracket) === undefined) throw new UserError('worldcup.errors.notFinished');
      if (run.shared) throw new UserError('worldcup.errors.alreadyShared');
      await post(run);
      const shared: SoloRun = { ...run, shared: true };
      await store.saveRun(shared, soloExpiresAt(run) - clock.now());
      return shared;
    });
  }

  async #live(where: SoloWhere, runId: string): Promise<SoloRun> {
    const run = await this.deps.store.getRun(where.guildId, where.channelId, where.userId);
    if (!run || run.id !== runId || !isSoloLive(run, this.deps.clock.now())) throw new UserError('worldcup.errors.runExpired');
    return run;
  }
}
