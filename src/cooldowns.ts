import { RateLimit, RateLimitManager } from '@sapphire/ratelimits';
import type { Clock } from './clock.js';
import { UserError } from './errors.js';

/**
 * Per-member cooldowns on the commands that post publicly, so one member cannot flood a channel.
 *
 * The state is in memory, per process, on purpose: every interaction of a server reaches the process
 * that runs the server's shard (DMs reach shard 0's), so a member's uses in a channel are always
 * counted by the same process and nothing needs sharing through the store. A restart forgets them,
 * which at worst lets a member post a few more times.
 *
 * Each limit is a fixed window (`@sapphire/ratelimits`): a member's first counted use in a channel
 * opens a window of `windowMs`, in which `uses` uses are allowed; the window's end is when they may
 * try again.
 */

/** At most `uses` uses per member and channel in `windowMs`. */
export interface CooldownLimit {
  readonly uses: number;
  readonly windowMs: number;
}

/** The commands with a cooldown. */
export type CooldownName = 'scene' | 'pollStart';

/** Limits by command; undefined turns a command's cooldown off. */
export type CooldownLimits = Readonly<Record<CooldownName, CooldownLimit | undefined>>;

/** Who used a command, where (an interaction has both). */
export interface CooldownSubject {
  readonly channelId: string | null;
  readonly user: { readonly id: string };
}

/** The member used the command too often in this channel; nothing was posted. */
export class CooldownError extends UserError {
  constructor(
    readonly command: CooldownName,
    /** When they may try again (ms since the epoch). */
    readonly retryAt: number,
  ) {
    // A Discord timestamp: every member sees "in 25 seconds" in their own language.
    super('common.cooldown', { when: `<t:${Math.ceil(retryAt / 1000)}:R>` });
    this.name = 'CooldownError';
  }
}

export interface Cooldowns {
  /**
   * Runs `post` (the public answer) unless `who` used up the command's uses in this channel, then
   * throws a CooldownError before anything is posted. The use counts only if `post` succeeds: a
   * refused or failed command is given back.
   */
  run<T>(name: CooldownName, who: CooldownSubject, post: () => Promise<T>): Promise<T>;
  /** Forgets every cooldown and stops the library's sweep timer. */
  close(): void;
}

/** A RateLimitManager whose buckets read `clock` instead of Date.now() (tests move time by hand). */
function clockedManager(limit: CooldownLimit, clock: Clock): RateLimitManager {
  class ClockedRateLimit extends RateLimit {
    override get remainingTime(): number {
      return Math.max(this.expires - clock.now(), 0);
    }

    override resetTime(): this {
      this.expires = clock.now() + limit.windowMs;
      return this;
    }
  }
  return new (class extends RateLimitManager {
    override create(id: string): RateLimit {
      const bucket = new ClockedRateLimit(this);
      this.set(id, bucket);
      return bucket;
    }
  })(limit.windowMs, limit.uses);
}

export function createCooldowns(limits: CooldownLimits, clock: Clock): Cooldowns {
  const managers = new Map<CooldownName, RateLimitManager>();
  for (const [name, limit] of Object.entries(limits) as [CooldownName, CooldownLimit | undefined][]) {
    if (limit) managers.set(name, clockedManager(limit, clock));
  }

  return {
    async run(name, who, post) {
      const manager = managers.get(name);
      if (!manager) return post();
      // Per member and channel (a DM is its own channel).
      const id = `${who.channelId ?? 'dm'}:${who.user.id}`;
      // Checked and counted synchronously: two uses at once cannot both take the last one.
      const bucket = manager.acquire(id);
      if (bucket.limited) throw new CooldownError(name, bucket.expires);
      bucket.consume();
      const window = bucket.expires;
      try {
        return await post();
      } catch (error) {
        // Nothing was posted: give the use back (unless its window ended meanwhile).
        if (manager.get(id) === bucket && bucket.expires === window) bucket.remaining = Math.min(bucket.remaining + 1, manager.limit);
        throw error;
      }
    },
    close() {
      for (const manager of managers.values()) {
        manager.clear();
        manager.sweep();
      }
    },
  };
}
