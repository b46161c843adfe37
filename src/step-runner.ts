import type { Logger } from './logger.js';
import type { KeyedTimers } from './polls/timers.js';
import { isStoreUnavailable, STORE_RETRY_MS } from './store/availability.js';

export interface StepRunnerOptions {
  readonly logger: Logger;
  readonly timers: KeyedTimers;
  /** What runs, for the log: "world cup" gives "a world cup step failed". */
  readonly what: string;
  /** The timer and queue key of one run (a tournament, a game). */
  readonly key: (guildId: string, id: string) => string;
  /** The waits before each retry after a failure; past the last, the next start-up tries again. */
  readonly retriesMs: readonly number[];
  /**
   * Asked to run while a run is under way: false (the default) joins the run under way; true runs
   * once more after it (for a step machine whose state may have changed during the run).
   */
  readonly again?: boolean;
  /** One run of the step machine for a stored item. */
  readonly step: (guildId: string, id: string) => Promise<void>;
}

/**
 * Runs the stored step machines of one feature (server World Cups, server quiz games): never two
 * runs at once for an item; after a failure, a retry on a timer (when the store is down, once it
 * is back; otherwise after each of `retriesMs`); the items this process drives, by server, so a
 * server's timers are dropped when its data is deleted.
 */
export class StepRunner {
  readonly #options: StepRunnerOptions;
  readonly #running = new Map<string, Promise<void>>();
  readonly #attempts = new Map<string, number>();
  readonly #byGuild = new Map<string, Set<string>>();

  constructor(options: StepRunnerOptions) {
    this.#options = options;
  }

  /** Runs the item's step machine (see `again` for a call while it runs). */
  run(guildId: string, id: string): Promise<void> {
    const key = this.#options.key(guildId, id);
    const running = this.#running.get(key);
    if (running) return this.#options.again ? running.then(() => this.run(guildId, id)) : running;
    const work = this.#options.step(guildId, id).then(
      () => {
        this.#attempts.delete(key);
      },
      (error: unknown) => this.failed(guildId, id, error),
    );
    this.#running.set(key, work);
    void work.finally(() => this.#running.delete(key));
    return work;
  }

  /** Schedules the retry of an item whose step failed, and logs it. */
  failed(guildId: string, id: string, error: unknown): void {
    const { logger, timers, what } = this.#options;
    const key = this.#options.key(guildId, id);
    if (isStoreUnavailable(error)) {
      // The store logs its outage once; the item goes on (each step once) when it is back.
      logger.debug({ guildId, id, reason: error.reason }, `a ${what} waits for the store`);
      timers.set(key, STORE_RETRY_MS, () => this.run(guildId, id));
      return;
    }
    const attempt = this.#attempts.get(key) ?? 0;
    const wait = this.#options.retriesMs[attempt];
    logger.error({ guildId, id, err: error, attempt }, wait === undefined ? `a ${what} step failed; the next start-up tries again` : `a ${what} step failed; trying again later`);
    if (wait !== undefined && timers.set(key, wait, () => this.run(guildId, id))) this.#attempts.set(key, attempt + 1);
  }

  /** This process drives the item (its timers are dropped by `forget`). */
  track(guildId: string, id: string): void {
    let ids = this.#byGuild.get(guildId);
    if (!ids) this.#byGuild.set(guildId, (ids = new Set()));
    ids.add(id);
  }

  untrack(guildId: string, id: string): void {
    const ids = this.#byGuild.get(guildId);
    ids?.delete(id);
    if (ids?.size === 0) this.#byGuild.delete(guildId);
  }

  /** Drops the timers and retries of a server's items (its data is being deleted); returns their ids. */
  forget(guildId: string): string[] {
    const ids = [...(this.#byGuild.get(guildId) ?? [])];
    this.#byGuild.delete(guildId);
    for (const id of ids) {
      const key = this.#options.key(guildId, id);
      this.#options.timers.cancel(key);
      this.#attempts.delete(key);
    }
    return ids;
  }

  /** Whether a run is under way. */
  get busy(): boolean {
    return this.#running.size > 0;
  }

  /** Resolves once the runs under way are done, whether or not they failed. */
  async settle(): Promise<void> {
    await Promise.all([...this.#running.values()].map((work) => work.catch(() => undefined)));
  }
}
