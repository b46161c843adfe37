/**
 * Discord's limits at scale: the global REST rate limit, identify concurrency, the guilds one shard
 * may carry, and the counters a test reads in `sim.stats`.
 */
import type { SimulatorStats } from './types.js';

/** A shard carrying more guilds than this is closed with 4011 Sharding required. */
export const MAX_GUILDS_PER_SHARD = 2500;

/** `GET /gateway/bot` recommends one shard per this many guilds. */
export const GUILDS_PER_RECOMMENDED_SHARD = 1000;

/** The shard count Discord recommends for `guildCount` guilds: one per 1,000, at least one. */
export function recommendedShardCount(guildCount: number): number {
  return Math.max(1, Math.ceil(guildCount / GUILDS_PER_RECOMMENDED_SHARD));
}

/** Session starts a bot gets per day (`session_start_limit.total`). */
export const SESSION_START_TOTAL = 1000;

/** The global limit's window: requests per second. */
const GLOBAL_WINDOW_MS = 1000;

/**
 * How far the simulator's view of a request's time may be from the client's (its event loop, the
 * socket, the simulator's own event loop): a window boundary is recognised this much early or late.
 */
const GLOBAL_SLACK_MS = 200;

/** One request the global limit let through. */
interface Passed {
  at: number;
  /** Whether this request can have opened one client's 1-second window. */
  opens: boolean;
}

/**
 * The global REST limit of one bot token: `limit` requests per second.
 *
 * A discord.js process counts its own requests in fixed 1-second windows, each opened by the first
 * request after the previous one ended (`@discordjs/rest`'s global limiter, 50 by default). Such a
 * process can send 50 requests at the end of one window and 50 more at the start of the next, so a
 * plain fixed or sliding window on the simulator's side would refuse a process that obeys the rule.
 * Instead a request passes when the requests passed so far, this one included, can be cut into
 * windows the way one client would: each window holds at most `limit` requests that arrived within
 * one second of its first one, and each next window starts at least a second after the previous one
 * started (both give or take {@link GLOBAL_SLACK_MS} for delivery). One process within the limit
 * therefore never sees a global 429; several processes of one bot that together send more than
 * `limit` in a second do, as on Discord.
 */
export class GlobalRateLimit {
  readonly #limit: number;
  /** The latest passed requests, oldest first; no window holds more than `limit`, so older ones cannot matter. */
  readonly #passed: Passed[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /**
   * Counts a request arriving at `now` (ms, monotonic). Resolves to undefined when it may pass, or
   * to the milliseconds until a request could pass (it is then not counted).
   */
  take(now: number): number | undefined {
    const passed = this.#passed;
    const last = passed.at(-1);
    if (last === undefined) {
      passed.push({ at: now, opens: true });
      return undefined;
    }
    const at = Math.max(now, last.at);
    let joins = false;
    let opens = false;
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < passed.length; i++) {
      const start = passed[i]!;
      // Windows that may hold the latest passed request: opened by `start`, with everything since in it.
      if (!start.opens || last.at - start.at >= GLOBAL_WINDOW_MS + GLOBAL_SLACK_MS) continue;
      if (passed.length - i < this.#limit && at - start.at < GLOBAL_WINDOW_MS + GLOBAL_SLACK_MS) joins = true;
      if (at - start.at >= GLOBAL_WINDOW_MS - GLOBAL_SLACK_MS) opens = true;
      soonest = Math.min(soonest, start.at + GLOBAL_WINDOW_MS - GLOBAL_SLACK_MS);
    }
    // No possible window at all cannot happen (the latest request's own window is one); pass to be safe.
    if (joins || opens || soonest === Number.POSITIVE_INFINITY) {
      passed.push({ at, opens: opens || soonest === Number.POSITIVE_INFINITY });
      if (passed.length > this.#limit) passed.shift();
      return undefined;
    }
    return soonest - now;
  }
}

/**
 * Identify concurrency: shards whose `shard_id % max_concurrency` is equal share a bucket, and each
 * bucket may identify once per `intervalMs` (Discord: 5 seconds), for every connection of the bot.
 */
export class IdentifyLimit {
  readonly #intervalMs: number;
  /** When each bucket last identified. */
  readonly #last = new Map<number, number>();

  constructor(intervalMs: number) {
    this.#intervalMs = Math.max(0, intervalMs);
  }

  /**
   * Whether shard `shardId` may identify at `now` (ms, monotonic); records it when it may. 5% of the
   * interval is forgiven: a client waits the full interval by its own clock, and delivery varies.
   */
  take(shardId: number, maxConcurrency: number, now: number): boolean {
    if (this.#intervalMs === 0) return true;
    const bucket = shardId % Math.max(1, maxConcurrency);
    const last = this.#last.get(bucket);
    if (last !== undefined && now - last < this.#intervalMs * 0.95) return false;
    this.#last.set(bucket, now);
    return true;
  }
}

/** The counters behind `sim.stats`, changed by the server and the gateway. */
export class StatsCounter {
  invalid401 = 0;
  invalid403 = 0;
  invalid429 = 0;
  global429s = 0;
  identifies = 0;
  identifyRateLimited = 0;
  shardingRequiredCloses = 0;

  /**
   * Counts a REST response toward the invalid requests Cloudflare counts: every 401, 403 and 429,
   * except 429s of the shared scope (a shared resource's limit, not the bot's doing).
   */
  response(status: number, headers: Record<string, string> | undefined): void {
    if (status === 401) this.invalid401++;
    else if (status === 403) this.invalid403++;
    else if (status === 429 && headers?.['X-RateLimit-Scope'] !== 'shared') this.invalid429++;
  }

  /** A copy for `sim.stats`. */
  snapshot(): SimulatorStats {
    return {
      invalidRequests: this.invalid401 + this.invalid403 + this.invalid429,
      invalidByStatus: { 401: this.invalid401, 403: this.invalid403, 429: this.invalid429 },
      global429s: this.global429s,
      identifies: this.identifies,
      identifyRateLimited: this.identifyRateLimited,
      shardingRequiredCloses: this.shardingRequiredCloses,
    };
  }
}
