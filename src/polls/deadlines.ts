import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { isStoreUnavailable, STORE_RETRY_MS } from '../store/availability.js';
import type { PollChanges } from './changes.js';
import { pollKey } from './ids.js';
import type { Poll } from './model.js';
import type { ResultsPoster } from './results.js';
import type { KeyedTimers } from './timers.js';

export interface DeadlinesDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timers: KeyedTimers;
  readonly changes: Pick<PollChanges, 'close'>;
  readonly results: Pick<ResultsPoster, 'finalize' | 'finalizeLater'>;
}

/** Node timers cannot wait longer than about 24.8 days; longer waits are done in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes each open poll at its deadline, with a timer per poll, then posts its results. */
export class Deadlines {
  constructor(private readonly deps: DeadlinesDeps) {}

  /** Sets (or moves) the poll's deadline timer. */
  schedule(poll: Poll): void {
    const { clock, timers } = this.deps;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, poll.closesAt - clock.now()));
    timers.set(pollKey(poll.guildId, poll.id), wait, () => {
      if (clock.now() < poll.closesAt) return this.schedule(poll);
      return this.closeNow(poll.guildId, poll.id);
    });
  }

  /** The poll was closed by hand: its deadline timer is no longer needed. */
  cancel(guildId: string, pollId: string): void {
    this.deps.timers.cancel(pollKey(guildId, pollId));
  }

  /**
   * Closes a poll whose deadline has passed and posts its results. True when this call closed it;
   * false when it was closed already, or closing failed (logged: the next start-up tries again; a
   * store that was unavailable is tried again a few seconds later).
   * A poll another process closed meanwhile gets its results from that process; this one looks
   * again later in case that process died before posting them.
   */
  async closeNow(guildId: string, pollId: string, afterOutage = false): Promise<boolean> {
    const { changes, results, logger } = this.deps;
    try {
      const result = await changes.close({ guildId, pollId, reason: 'deadline' });
      if (result.outcome !== 'closed') {
        // After an outage the close is likely this process's own, cut off before its results: post
        // them now (the results claim still keeps a second post out).
        if (!result.poll.finalized) {
          if (afterOutage) await results.finalize(guildId, pollId);
          else results.finalizeLater(guildId, pollId);
        }
        return false;
      }
      logger.info({ guildId, pollId }, 'poll closed at its deadline');
      await results.finalize(guildId, pollId);
      return true;
    } catch (err) {
      if (isStoreUnavailable(err)) {
        // The store logs its outage once; the poll closes (exactly once: see claimClose) when it is back.
        logger.debug({ guildId, pollId, reason: err.reason }, 'closing a poll waits for the store');
        this.deps.timers.set(pollKey(guildId, pollId), STORE_RETRY_MS, () => this.closeNow(guildId, pollId, true));
      } else {
        logger.error({ guildId, pollId, err }, 'closing a poll at its deadline failed');
      }
      return false;
    }
  }
}
