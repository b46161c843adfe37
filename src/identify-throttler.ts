/** What discord.js's gateway (@discordjs/ws) asks of an identify throttler. */
export interface IdentifyThrottler {
  /** Resolves when `shardId` may identify; rejects when `signal` aborts. */
  waitForIdentify(shardId: number, signal: AbortSignal): Promise<void>;
}

/** Discord lets each concurrency bucket of a bot IDENTIFY once per 5 seconds. */
export const IDENTIFY_INTERVAL_MS = 5_000;

/**
 * Takes `key` for `ttlMs` if no one holds it, atomically across every process that shares the store;
 * true when this caller got it.
 */
export type Claim = (key: string, ttlMs: number) => Promise<boolean>;

export interface SharedIdentifyThrottlerOptions {
  /** `session_start_limit.max_concurrency` of GET /gateway/bot. */
  readonly maxConcurrency: number;
  readonly claim: Claim;
  /** Extra room on top of Discord's 5 s, for clocks that disagree a little (default 250 ms). */
  readonly marginMs?: number;
  /** How long to wait before asking again while the bucket is taken (default 250 ms). */
  readonly pollMs?: number;
  /** Discord's interval (tests shorten it). */
  readonly intervalMs?: number;
}

/**
 * discord.js's identify throttler, shared by every process of the bot. discord.js's own throttler
 * spaces the identifies of one process; shard processes started by a sharding manager (or on
 * several machines) would each keep their own, and could identify in the same bucket at once
 * after a restart. Here a shard takes its bucket in the shared store for 5 seconds before it
 * identifies, so the rule holds for the whole bot.
 */
export class SharedIdentifyThrottler implements IdentifyThrottler {
  readonly #options: Required<SharedIdentifyThrottlerOptions>;

  constructor(options: SharedIdentifyThrottlerOptions) {
    this.#options = { marginMs: 250, pollMs: 250, intervalMs: IDENTIFY_INTERVAL_MS, ...options, maxConcurrency: Math.max(1, options.maxConcurrency) };
  }

  /** The store key of a shard's bucket: shards whose id % max_concurrency is equal share one. */
  bucketKey(shardId: number): string {
    return `identify:${shardId % this.#options.maxConcurrency}`;
  }

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const key = this.bucketKey(shardId);
    const ttl = this.#options.intervalMs + this.#options.marginMs;
    for (;;) {
      signal.throwIfAborted();
      if (await this.#options.claim(key, ttl)) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(done, this.#options.pollMs * (1 + Math.random()));
        function done(): void {
          signal.removeEventListener('abort', abort);
          resolve();
        }
        function abort(): void {
          clearTimeout(timer);
          reject(signal.reason instanceof Error ? signal.reason : new Error('identify aborted'));
        }
        signal.addEventListener('abort', abort, { once: true });
      });
    }
  }
}
