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
 * How long after its process counted a request it may reach the simulator: its event loop, a
 * garbage-collection pause, the socket, the simulator's own event loop.
 */
const GLOBAL_DELIVERY_MS = 500;

/** One request the global limit let through. */
interface Passed {
  at: number;
  /**
   * When this request can have opened one client's 1-second window: the earliest time its client
   * can have counted it. Undefined when it cannot have opened one.
   */
  counted: number | undefined;
}

/**
 * The global REST limit of one bot token: `limit` requests per second.
 *
 * A discord.js process counts its own requests in fixed 1-second windows, each opened by the first
 * request after the previous one ended (`@discordjs/rest`'s global limiter, 50 by default). Such a
 * process can send 50 requests at the end of one window and 50 more at the start of the next, so a
 * plain fixed or sliding window on the simulator's side would refuse a process that obeys the rule.
 * Instead a request passes when one such process can have sent every request passed so far and this
 * one: when they can be cut, in the order they came, into windows of at most `limit` requests, each
 * window's requests counted within a second of its first, each next window opened at least a second
 * after the previous one, and each request counted at most {@link GLOBAL_DELIVERY_MS} before it came.
 * One process within the limit therefore never sees a global 429, a stall of its event loop
 * included; several processes of one bot that together send more than `limit` a second do, as on
 * Discord (over any stretch longer than the delivery allowance; a quiet start lets one extra window
 * through early).
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
      passed.push({ at: now, counted: now - GLOBAL_DELIVERY_MS });
      return undefined;
    }
    const at = Math.max(now, last.at);
    let joins = false;
    let opens = Number.POSITIVE_INFINITY;
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < passed.length; i++) {
      const start = passed[i]!;
      if (start.counted === undefined) continue;
      // The window `start` opened, holding every request since: its client counted `start` no
      // earlier than `earliest`, and each of them less than a second after that.
      const earliest = Math.max(start.counted, last.at - GLOBAL_DELIVERY_MS - GLOBAL_WINDOW_MS);
      if (earliest > start.at) continue;
      if (passed.length - i < this.#limit && at - GLOBAL_DELIVERY_MS - GLOBAL_WINDOW_MS <= start.at) joins = true;
      // Or that window is complete and this request opens the next one, a second after it opened.
      const next = earliest + GLOBAL_WINDOW_MS;
      if (at >= next) opens = Math.min(opens, Math.max(at - GLOBAL_DELIVERY_MS, next));
      soonest = Math.min(soonest, next);
    }
    // No possible window at all cannot happen (the latest request's own window is one); pass to be safe.
    if (soonest === Number.POSITIVE_INFINITY) opens = at - GLOBAL_DELIVERY_MS;
    if (!joins && opens === Number.POSITIVE_INFINITY) return soonest - now;
    passed.push({ at, counted: opens === Number.POSITIVE_INFINITY ? undefined : opens });
    if (passed.length > this.#limit) passed.shift();
    return undefined;
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
   * Whether shard `shardId` may identify at `now` (ms, monotonic); records it when it may. A tenth
   * of the interval is forgiven: a client waits the full interval by its own clock, and a stalled
   * event loop can deliver its previous IDENTIFY late.
   */
  take(shardId: number, maxConcurrency: number, now: number): boolean {
    if (this.#intervalMs === 0) return true;
    const bucket = shardId % Math.max(1, maxConcurrency);
    const last = this.#last.get(bucket);
    if (last !== undefined && now - last < this.#intervalMs * 0.9) return false;
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
