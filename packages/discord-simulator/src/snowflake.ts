/** Discord snowflakes: 42 bits of milliseconds since the Discord epoch, then worker, process and an increment. */
import type { Clock } from './clock.js';

/** 2015-01-01T00:00:00.000Z, the epoch Discord snowflakes count from. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/** The shard that receives a guild's events: `(guild_id >> 22) % shard_count`. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** The creation time (epoch ms) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/**
 * Generates increasing snowflakes from a clock. Ids never go backwards even when the clock does
 * not move (a ManualClock), so ordering by id is ordering by creation.
 */
export class SnowflakeGenerator {
  readonly #clock: Clock;
  /** Worker and process bits: one of Discord's API nodes, picked per simulator. */
  readonly #node: bigint;
  #lastMs = 0n;
  #increment = 0n;

  /**
   * `node` (0 to 1023) fills the worker and process bits; by default it is random, so two simulators
   * on the same clock time (two runs of a test with a ManualClock) do not make the same ids, as
   * ids from a real Discord never repeat either (state a test leaves in a shared Redis stays apart).
   */
  constructor(clock: Clock, node = Math.floor(Math.random() * 1024)) {
    this.#clock = clock;
    this.#node = BigInt(node & 1023);
  }

  /** The next id, stamped with the clock's time (or later, to stay increasing). */
  next(): string {
    const now = BigInt(Math.floor(this.#clock.now())) - DISCORD_EPOCH;
    if (now > this.#lastMs) {
      this.#lastMs = now;
      this.#increment = 0n;
    } else if (this.#increment >= 4095n) {
      this.#lastMs += 1n;
      this.#increment = 0n;
    } else {
      this.#increment += 1n;
    }
    return this.#compose(this.#lastMs, this.#increment);
  }

  /**
   * An id whose timestamp is a fresh millisecond, so that consecutive calls spread over shards
   * like real guild ids do. With `shard`, the millisecond is chosen so that
   * `shardOf(id, shardCount) === shard`.
   */
  nextSpread(shard?: { shardId: number; shardCount: number }): string {
    const now = BigInt(Math.floor(this.#clock.now())) - DISCORD_EPOCH;
    let ms = now > this.#lastMs ? now : this.#lastMs + 1n;
    if (shard) {
      const count = BigInt(shard.shardCount);
      const wanted = BigInt(shard.shardId);
      while (ms % count !== wanted) ms += 1n;
    }
    this.#lastMs = ms;
    this.#increment = 0n;
    return this.#compose(ms, 0n);
  }

  #compose(ms: bigint, increment: bigint): string {
    return ((ms << 22n) | (this.#node << 12n) | increment).toString();
  }
}
