import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { OpenPollRef, PollStore } from '../store/polls.js';
import type { Deadlines } from './deadlines.js';
import type { OpenPolls } from './open-polls.js';
import type { ResultsPoster } from './results.js';

export interface StartReport {
  /** Open polls whose deadline timers were restored. */
  readonly restored: number;
  /** Polls closed (or whose close was finished) at start-up because their deadline had passed. */
  readonly closed: number;
}

export interface RestoreDeps {
  readonly store: PollStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly openPolls: Pick<OpenPolls, 'remove' | 'discard'>;
  readonly deadlines: Pick<Deadlines, 'schedule' | 'closeNow'>;
  readonly results: Pick<ResultsPoster, 'finalize'>;
}

/** An open poll still without a message this long after it was created was cut off by a crash. */
const ORPHAN_AFTER_MS = 5 * 60_000;

/**
 * Picks the servers' polls up after a (re)start, each server once: deadline timers for open polls;
 * a close for each poll whose deadline passed while the bot was down, and the results of each close
 * left unfinished; polls cut off before their message was posted are dropped.
 */
export class PollRestorer {
  readonly #restored = new Set<string>();

  constructor(private readonly deps: RestoreDeps) {}

  /** The server's polls may be restored again (its timers were stopped: the bot left it). */
  forget(guildId: string): void {
    this.#restored.delete(guildId);
  }

  /**
   * `lists`, when given, holds the open-poll lists of these servers read beforehand in one scan (a
   * server absent from it has none); otherwise each server's list is read on its own.
   */
  async restore(guildIds: Iterable<string>, lists?: ReadonlyMap<string, readonly OpenPollRef[]>): Promise<StartReport> {
    let restored = 0;
    let closed = 0;
    for (const guildId of guildIds) {
      if (this.#restored.has(guildId)) continue;
      this.#restored.add(guildId);
      const refs = lists ? (lists.get(guildId) ?? []) : undefined;
      if (refs?.length === 0) continue;
      try {
        const report = await this.#restoreGuild(guildId, refs);
        restored += report.restored;
        closed += report.closed;
      } catch (err) {
        this.deps.logger.error({ guildId, err }, 'restoring polls failed');
      }
    }
    if (restored || closed) this.deps.logger.info({ restored, closed }, 'polls restored');
    return { restored, closed };
  }

  async #restoreGuild(guildId: string, refs: readonly OpenPollRef[] | undefined): Promise<StartReport> {
    const { store, clock, logger, openPolls, deadlines, results } = this.deps;
    let restored = 0;
    let closed = 0;
    for (const ref of refs ?? (await store.listOpenPolls(guildId))) {
      const poll = await store.getPoll(guildId, ref.pollId);
      const now = clock.now();
      if (!poll || (poll.status === 'closed' && poll.finalized)) {
        await openPolls.remove(guildId, ref.pollId);
      } else if (poll.status === 'closed') {
        await results.finalize(guildId, poll.id);
        closed += 1;
      } else if (!poll.messageId && poll.createdAt + ORPHAN_AFTER_MS < now) {
        logger.warn({ guildId, pollId: poll.id }, 'dropping a poll whose message was never posted');
        await openPolls.discard(poll);
      } else if (poll.closesAt <= now) {
        if (await deadlines.closeNow(guildId, poll.id)) closed += 1;
      } else {
        deadlines.schedule(poll);
        restored += 1;
      }
    }
    return { restored, closed };
  }
}
