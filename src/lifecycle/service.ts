import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DataSummary, LifecycleStore } from '../store/lifecycle.js';

/** How often removals that fell due are deleted and expired values swept (by one process of all). */
export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** How long a `/kiss-data delete` confirmation button stays valid (an interaction's token lives 15 minutes too). */
export const CONFIRMATION_TTL_MS = 15 * 60 * 1000;
/** How long one process holds the deletion of a removed server; if it dies meanwhile, another takes it up. */
const REMOVAL_CLAIM_TTL_MS = 10 * 60 * 1000;
/** A confirmation token: 16 url-safe characters (96 random bits). */
export const CONFIRMATION_TOKEN = /^[A-Za-z0-9_-]{16}$/;

/** A server's live work in this process (daily posts, poll timers): what the lifecycle stops and starts. */
export interface ServerTimers {
  /** The bot was removed from the server: stop its timers, keep its state (it may come back). */
  pause(guildId: string): Promise<void>;
  /** The bot is back in the server: its timers run again from the stored state. */
  resume(guildId: string): Promise<void>;
  /** The server's state is being deleted: stop its timers for good. */
  forget(guildId: string): Promise<void>;
}

export interface DataLifecycleDeps {
  readonly store: LifecycleStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a server's state is kept after the bot is removed from it. */
  readonly retentionMs: number;
  /** Whether this process serves the server now (the bot is in it, on one of this process's shards). */
  readonly serves: (guildId: string) => boolean;
  readonly timers: ServerTimers;
  /** Default SWEEP_INTERVAL_MS. */
  readonly sweepIntervalMs?: number | undefined;
}

/** What one sweep did. */
export interface SweepReport {
  /** Servers whose state this process deleted. */
  readonly deleted: string[];
  /** Pending removals of servers the bot is back in, cancelled. */
  readonly cancelled: number;
  /** Expired values removed from the store (SQLite; Redis drops them itself). */
  readonly expired: number;
}

/**
 * What happens to a server's state over time, and at its moderators' request. Knows nothing of
 * discord.js: the app tells it when the bot is removed from a server or joins one.
 *
 * - Removed from a server: its timers stop here and its deletion is recorded in the store, due
 *   `retentionMs` later. Invited back before then: the deletion is cancelled, timers run again.
 * - Every `sweepIntervalMs`, one process of all (it claims the interval in the store) deletes the
 *   removals that fell due, each claimed again on its own, and every expired value (votes of closed
 *   polls, old claims) from the store. Listing the removals is a key scan: once an hour for the whole
 *   bot, not once per process.
 * - `/kiss-data delete`: a confirmation token, used once, then every key of the server at once.
 */
export interface DataLifecycle {
  /** Cancels the removals of servers this process serves, pauses the others', and starts sweeping. */
  start(): Promise<void>;
  /** Stops sweeping and waits for a sweep in progress. */
  stop(): Promise<void>;
  /** The bot was removed from the server (not an outage). Never throws: trouble is logged. */
  removed(guildId: string): Promise<void>;
  /** The bot joined the server, or was invited back. Never throws: trouble is logged. */
  joined(guildId: string): Promise<void>;
  /** One sweep now, in this process, whether or not another swept this interval (after any running one). */
  sweep(): Promise<SweepReport>;
  /** Resolves once no sweep is running or waiting (tests, shutdown). */
  idle(): Promise<void>;
  /** What is stored for the server. */
  summary(guildId: string): Promise<DataSummary>;
  /**
   * What would be deleted, and a token for the confirmation button (valid CONFIRMATION_TTL_MS, once);
   * no token when nothing is stored.
   */
  requestDeletion(guildId: string, userId: string): Promise<{ token: string | undefined; summary: DataSummary }>;
  /**
   * Uses up a confirmation token. A token that is unknown, used, expired, or made for another server
   * is a UserError (`data.errors.staleConfirmation`); one made for another member is a UserError
   * (`data.errors.notYourConfirmation`) and stays usable by its member.
   */
  redeemConfirmation(guildId: string, userId: string, token: string): Promise<void>;
  /** Stops the server's timers and deletes every key it has, at once; returns what was deleted. */
  deleteServerData(guildId: string): Promise<DataSummary>;
  /** Throws the token away (its member pressed Cancel); another member's Cancel is refused as above. */
  cancelDeletion(guildId: string, userId: string, token: string): Promise<void>;
}

export function createDataLifecycle(deps: DataLifecycleDeps): DataLifecycle {
  const { store, clock, logger, retentionMs, serves, timers } = deps;
  const interval = Math.max(1, deps.sweepIntervalMs ?? SWEEP_INTERVAL_MS);
  let timer: TimerHandle | undefined;
  let stopped = true;
  /** Sweeps run one after another; a tick while one waits to start adds nothing. */
  let chain: Promise<unknown> = Promise.resolve();
  let tickQueued = false;

  function serially<T>(task: () => Promise<T>): Promise<T> {
    const result = chain.then(task, task);
    chain = result.catch(() => undefined);
    return result;
  }

  /** Uses up a confirmation token for its member; a UserError for anyone else, or for a token that is not there. */
  async function take(guildId: string, userId: string, token: string): Promise<void> {
    const taken = CONFIRMATION_TOKEN.test(token) ? await store.takeConfirmation(guildId, token, userId) : 'unknown';
    if (taken === 'not-yours') throw new UserError('data.errors.notYourConfirmation');
    if (taken === 'unknown') throw new UserError('data.errors.staleConfirmation');
  }

  async function erase(guildId: string): Promise<DataSummary> {
    await timers.forget(guildId);
    const summary = await store.summarize(guildId);
    await store.deleteGuild(guildId);
    return summary;
  }

  async function sweepOnce(): Promise<SweepReport> {
    const now = clock.now();
    const deleted: string[] = [];
    let cancelled = 0;
    for (const removal of await store.listRemovals()) {
      const { guildId } = removal;
      try {
        if (serves(guildId)) {
          // Invited back while no process of ours heard it (a restart): keep everything.
          if (await store.cancelRemoval(guildId)) cancelled++;
          await timers.resume(guildId);
          continue;
        }
        if (removal.deleteAt > now) continue;
        if (!(await store.claim(`removal:${guildId}:${removal.deleteAt}`, REMOVAL_CLAIM_TTL_MS))) continue;
        // Read again under the claim: a re-invite may have cancelled it since the list was read.
        const still = await store.pendingRemoval(guildId);
        if (still?.deleteAt !== removal.deleteAt) continue;
        const summary = await erase(guildId);
        await store.cancelRemoval(guildId);
        deleted.push(guildId);
        logger.info({ guildId, entries: summary.entries, removedAt: removal.removedAt }, 'server data deleted: the bot was removed and not invited back');
      } catch (err) {
        logger.error({ guildId, err }, 'deleting a removed server’s data failed; the next sweep tries again');
      }
    }
    const expired = await store.deleteExpired();
    if (expired) logger.info({ expired }, 'expired values deleted from the store');
    return { deleted, cancelled, expired };
  }

  /** The timer's sweep: only by the process that claims this interval (its number names the claim). */
  async function sweepIfFirst(): Promise<void> {
    if (await store.claim(`sweep:${Math.floor(clock.now() / interval)}`, 2 * interval)) await sweepOnce();
  }

  function tick(): void {
    if (tickQueued) return;
    tickQueued = true;
    void serially(async () => {
      tickQueued = false;
      if (stopped) return;
      await sweepIfFirst().catch((err: unknown) => logger.error({ err }, 'data sweep failed; the next one tries again'));
    });
  }

  function arm(): void {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      arm();
      tick();
    }, interval);
  }

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      try {
        for (const { guildId } of await store.listRemovals()) {
          if (!serves(guildId)) await timers.pause(guildId);
          else if (await store.cancelRemoval(guildId)) logger.info({ guildId }, 'server data kept: the bot is back in the server');
        }
      } catch (err) {
        // The bot runs on; the next sweep looks again (a server invited back is resumed then).
        logger.error({ err }, 'checking pending removals at start-up failed');
      }
      arm();
      tick();
    },

    async stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      await chain;
    },

    async removed(guildId) {
      try {
        await timers.pause(guildId);
        const now = clock.now();
        await store.scheduleRemoval({ guildId, removedAt: now, deleteAt: now + retentionMs });
        logger.info({ guildId, deleteAt: new Date(now + retentionMs).toISOString() }, 'bot removed from a server; its data will be deleted unless it is invited back');
      } catch (err) {
        logger.error({ guildId, err }, 'recording a server removal failed');
      }
    },

    async joined(guildId) {
      try {
        if (await store.cancelRemoval(guildId)) logger.info({ guildId }, 'bot invited back; the server’s data is kept');
        await timers.resume(guildId);
      } catch (err) {
        logger.error({ guildId, err }, 'cancelling a server removal failed');
      }
    },

    sweep: () => serially(sweepOnce),

    async idle() {
      let seen: Promise<unknown> | undefined;
      while (seen !== chain) {
        seen = chain;
        await seen;
      }
    },

    summary: (guildId) => store.summarize(guildId),

    async requestDeletion(guildId, userId) {
      const summary = await store.summarize(guildId);
      if (!summary.entries) return { token: undefined, summary };
      const token = randomBytes(12).toString('base64url');
      await store.saveConfirmation(guildId, token, userId, CONFIRMATION_TTL_MS);
      return { token, summary };
    },

    async redeemConfirmation(guildId, userId, token) {
      await take(guildId, userId, token);
    },

    deleteServerData: (guildId) => erase(guildId),

    async cancelDeletion(guildId, userId, token) {
      // A stale Cancel still clears the prompt: there is nothing to keep.
      await take(guildId, userId, token).catch((err: unknown) => {
        if (!(err instanceof UserError && err.key === 'data.errors.staleConfirmation')) throw err;
      });
    },
  };
}
