import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { isStoreUnavailable, STORE_RETRY_MS } from '../store/availability.js';
import type { PollStore } from '../store/polls.js';
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
  readonly store: Pick<PollStore, 'closeClaimed'>;
  /** How often the open polls are checked for a close made by another process (default CLOSE_WATCH_MS). */
  readonly watchMs?: number | undefined;
}

/** How often a process looks for closes made elsewhere: with the results lease (15 s), a dead poster's results come within 20 s. */
export const CLOSE_WATCH_MS = 5_000;

/** Node timers cannot wait longer than about 24.8 days; longer waits are done in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes each open poll at its deadline, with a timer per poll, then posts its results.
 *
 * And watches the same polls for a close made by another process: when two processes serve a server
 * (a rolling deploy), a member's close reaches only the one that answers it. Every `watchMs` (real
 * time), one read of the open polls' close claims; a poll closed elsewhere is handed to the results
 * poster, whose lease lets the closing process post the results, or this one if that one died.
 */
export class Deadlines {
  /** The open polls this process has deadline timers for, by poll key. */
  readonly #open = new Map<string, { readonly guildId: string; readonly pollId: string }>();
  #watch: NodeJS.Timeout | undefined;
  #checking = false;
  #stopped = false;
  /** Polls closed elsewhere being finished here. */
  readonly #work = new Set<Promise<void>>();

  constructor(private readonly deps: DeadlinesDeps) {}

  /** Sets (or moves) the poll's deadline timer. */
  schedule(poll: Poll): void {
    const { clock, timers } = this.deps;
    this.#track(poll.guildId, poll.id);
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, poll.closesAt - clock.now()));
    timers.set(pollKey(poll.guildId, poll.id), wait, () => {
      if (clock.now() < poll.closesAt) return this.schedule(poll);
      return this.closeNow(poll.guildId, poll.id);
    });
  }

  /** The poll was closed by hand: its deadline timer is no longer needed. */
  cancel(guildId: string, pollId: string): void {
    this.deps.timers.cancel(pollKey(guildId, pollId));
    this.#untrack(guildId, pollId);
  }

  /** Stops watching a server's polls (its timers are cancelled by the service). */
  forget(guildId: string): void {
    for (const [key, ref] of this.#open) if (ref.guildId === guildId) this.#open.delete(key);
    if (!this.#open.size) this.#stopWatch();
  }

  /** Whether a poll closed elsewhere is being finished here. */
  get busy(): boolean {
    return this.#work.size > 0;
  }

  /** Resolves once the polls closed elsewhere being finished now are done. */
  async settle(): Promise<void> {
    await Promise.all([...this.#work]);
  }

  /** Stops the watch for good (shutdown). */
  stop(): void {
    this.#stopped = true;
    this.#open.clear();
    this.#stopWatch();
  }

  #track(guildId: string, pollId: string): void {
    if (this.#stopped) return;
    this.#open.set(pollKey(guildId, pollId), { guildId, pollId });
    if (this.#watch) return;
    this.#watch = setInterval(() => void this.#check(), this.deps.watchMs ?? CLOSE_WATCH_MS);
    this.#watch.unref();
  }

  #untrack(guildId: string, pollId: string): void {
    this.#open.delete(pollKey(guildId, pollId));
    if (!this.#open.size) this.#stopWatch();
  }

  #stopWatch(): void {
    clearInterval(this.#watch);
    this.#watch = undefined;
  }

  /** One read of the watched polls' close claims; a poll closed elsewhere goes to the results poster. */
  async #check(): Promise<void> {
    if (this.#checking || !this.#open.size) return;
    this.#checking = true;
    try {
      const refs = [...this.#open.values()];
      const claimed = await this.deps.store.closeClaimed(refs);
      for (const [i, ref] of refs.entries()) {
        if (!claimed[i]) continue;
        this.#untrack(ref.guildId, ref.pollId);
        this.deps.logger.debug({ guildId: ref.guildId, pollId: ref.pollId }, 'poll closed by another process; watching its results');
        const work = this.#closedElsewhere(ref.guildId, ref.pollId);
        this.#work.add(work);
        void work.finally(() => this.#work.delete(work));
      }
    } catch (err) {
      // Tried again at the next tick (an outage is logged once by the store).
      if (!isStoreUnavailable(err)) this.deps.logger.warn({ err }, 'checking open polls for closes made elsewhere failed');
    } finally {
      this.#checking = false;
    }
  }

  /**
   * A poll another process claimed to close: its close is stored here if that process died before
   * storing it, and its results are posted here if it dies before posting them (the results lease
   * decides).
   */
  async #closedElsewhere(guildId: string, pollId: string): Promise<void> {
    try {
      const { poll } = await this.deps.changes.close({ guildId, pollId, reason: 'deadline' });
      if (!poll.finalized) await this.deps.results.finalize(guildId, pollId);
    } catch (err) {
      if (isStoreUnavailable(err)) this.deps.timers.set(pollKey(guildId, pollId), STORE_RETRY_MS, () => this.closeNow(guildId, pollId, true));
      else this.deps.logger.warn({ guildId, pollId, err }, 'finishing a poll closed by another process failed');
    }
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
    this.#untrack(guildId, pollId);
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
