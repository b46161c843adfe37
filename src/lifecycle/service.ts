import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock.js';
import { UserError } from '../errors.js';
import { KeyedQueue } from '../keyed-queue.js';
import type { Logger } from '../logger.js';
import { STORE_RETRY_MS } from '../store/availability.js';
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
  /**
   * Whether the bot is in the server, available or not: READY lists every server of the process's
   * shards (those in an outage as unavailable), GUILD_CREATE adds one. Given, start-up compares it
   * with the servers that have data (see `start`). Default: `serves`.
   */
  readonly isMember?: ((guildId: string) => boolean) | undefined;
  /** Whether the server is on this process's shards: the servers whose removal it deals with. Default: all. */
  readonly owns?: ((guildId: string) => boolean) | undefined;
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
 *   `retentionMs` later; while the store cannot record it, it is tried again every few seconds.
 *   Invited back before then: the deletion is cancelled, timers run again.
 * - Start-up, before any timer of any server runs: pending removals of servers the bot is in again
 *   are cancelled, the others' timers paused; and every server of this process's shards that has
 *   data but is not among the servers the bot is in (removed while no process ran) gets its
 *   deletion scheduled as if removed now. A server that is only unavailable (an outage) is still
 *   among them and keeps everything.
 * - Every `sweepIntervalMs`, each process deletes the removals of its own shards that fell due
 *   (each claimed, so two owners in a rolling deploy delete once), and one process of all (it claims
 *   the interval) deletes every expired value (votes of closed polls, old claims) from the store.
 *   Listing the removals costs as many as there are (a key range, or an index on Redis).
 * - `/kiss-data delete`: a confirmation token for the member who asked, used once, then every key
 *   of the server at once.
 */
export interface DataLifecycle {
  /**
   * Checks the servers (see above: pending removals, servers removed while no process ran), pausing
   * the timers of every server the bot is no longer in, then starts sweeping. Call it after the
   * client is ready and before any service starts its timers.
   */
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
  const isMember = deps.isMember ?? serves;
  const owns = deps.owns ?? (() => true);
  const interval = Math.max(1, deps.sweepIntervalMs ?? SWEEP_INTERVAL_MS);
  let timer: TimerHandle | undefined;
  let stopped = true;
  /**
   * Removals and re-invites the store could not record yet (down), by server: the latest of each,
   * tried again every STORE_RETRY_MS until recorded. One that is still here at shutdown is found
   * again at the next start-up (a server with data the bot is not in; a pending removal of a server
   * it is in).
   */
  const unrecorded = new Map<string, { readonly kind: 'removed'; readonly removedAt: number } | { readonly kind: 'joined' }>();
  let retryTimer: TimerHandle | undefined;
  /** A server's removal and re-invite are written one after the other, in the order they happened. */
  const recording = new KeyedQueue();
  /** Set once every key is in its server's index (Redis; at once elsewhere): see `indexOnce`. */
  let indexed = false;
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

  /**
   * Keys written before the indexes existed (Redis) are indexed once, by one process, in a sweep
   * rather than at start-up: until then the listings scan, so nothing waits for it.
   */
  async function indexOnce(): Promise<void> {
    if (indexed) return;
    const keys = await store.prepareIndexes();
    if (keys === undefined) return;
    indexed = true;
    if (keys) logger.info({ keys }, 'keys written before the per-server indexes are indexed');
  }

  /** Deletes the removals of this process's shards that fell due; cancels those of servers the bot is in again. */
  async function sweepRemovals(): Promise<Pick<SweepReport, 'deleted' | 'cancelled'>> {
    const now = clock.now();
    const deleted: string[] = [];
    let cancelled = 0;
    await indexOnce();
    for (const removal of await store.listRemovals()) {
      const { guildId } = removal;
      if (!owns(guildId) || unrecorded.has(guildId)) continue;
      try {
        if (isMember(guildId)) {
          // Invited back while no process of ours heard it (a restart): keep everything.
          if (await store.cancelRemoval(guildId)) cancelled++;
          await timers.resume(guildId);
          continue;
        }
        if (removal.deleteAt > now) continue;
        const claim = `removal:${guildId}:${removal.deleteAt}`;
        if (!(await store.claim(claim, REMOVAL_CLAIM_TTL_MS))) continue;
        // Read again under the claim: a re-invite may have cancelled it since the list was read.
        const still = await store.pendingRemoval(guildId);
        if (still?.deleteAt !== removal.deleteAt) continue;
        const summary = await erase(guildId);
        await store.cancelRemoval(guildId);
        // Nothing naming the server is left: not even the claim of its deletion.
        await store.release(claim);
        deleted.push(guildId);
        logger.info({ guildId, entries: summary.entries, removedAt: removal.removedAt }, 'server data deleted: the bot was removed and not invited back');
      } catch (err) {
        logger.error({ guildId, err }, 'deleting a removed server’s data failed; the next sweep tries again');
      }
    }
    return { deleted, cancelled };
  }

  async function sweepOnce(): Promise<SweepReport> {
    const report = await sweepRemovals();
    const expired = await store.deleteExpired();
    if (expired) logger.info({ expired }, 'expired values deleted from the store');
    return { ...report, expired };
  }

  /**
   * The timer's sweep: each process its own shards' removals; the expired values only by the process
   * that claims this interval (its number names the claim).
   */
  async function sweepIfFirst(): Promise<void> {
    await sweepRemovals();
    if (!(await store.claim(`sweep:${Math.floor(clock.now() / interval)}`, 2 * interval))) return;
    const expired = await store.deleteExpired();
    if (expired) logger.info({ expired }, 'expired values deleted from the store');
  }

  /**
   * Writes what happened to a server in the store: a removal (its deletion scheduled) or a re-invite.
   * Forgets it once written, unless a later event of the server came meanwhile.
   */
  function record(guildId: string, event: NonNullable<ReturnType<typeof unrecorded.get>>): Promise<void> {
    return recording.run(guildId, async () => {
      if (unrecorded.get(guildId) !== event) return;
      await write(guildId, event);
      unrecorded.delete(guildId);
    });
  }

  async function write(guildId: string, event: NonNullable<ReturnType<typeof unrecorded.get>>): Promise<void> {
    if (event.kind === 'joined') {
      if (await store.cancelRemoval(guildId)) logger.info({ guildId }, 'bot invited back; the server’s data is kept');
      return;
    }
    const deleteAt = event.removedAt + retentionMs;
    await store.scheduleRemoval({ guildId, removedAt: event.removedAt, deleteAt });
    logger.info({ guildId, deleteAt: new Date(deleteAt).toISOString() }, 'bot removed from a server; its data will be deleted unless it is invited back');
  }

  /** Records a server's event now, or keeps it to try again shortly. Never throws. */
  async function recordOrRetry(guildId: string, event: NonNullable<ReturnType<typeof unrecorded.get>>): Promise<void> {
    unrecorded.set(guildId, event);
    try {
      await record(guildId, event);
    } catch (err) {
      logger.error({ guildId, err, event: event.kind }, 'recording a server removal or re-invite failed; trying again shortly');
      retryLater();
    }
  }

  function retryLater(): void {
    if (retryTimer || stopped) return;
    retryTimer = clock.setTimeout(() => {
      retryTimer = undefined;
      void retryUnrecorded();
    }, STORE_RETRY_MS);
  }

  async function retryUnrecorded(): Promise<void> {
    for (const [guildId, event] of [...unrecorded]) {
      try {
        await record(guildId, event);
      } catch {
        // Logged once when it first failed; the store's own outage warning says the rest.
      }
    }
    if (unrecorded.size) retryLater();
  }

  /**
   * Start-up, before any server's timers run: pending removals of servers the bot is in again are
   * cancelled, the others' timers paused; a server of this process's shards that has data but is not
   * among the servers the bot is in was removed while no process ran: its deletion is scheduled now.
   */
  async function checkServers(): Promise<void> {
    const pending = new Set<string>();
    for (const { guildId } of await store.listRemovals()) {
      if (!owns(guildId)) continue;
      pending.add(guildId);
      if (!isMember(guildId)) await timers.pause(guildId);
      else if (await store.cancelRemoval(guildId)) logger.info({ guildId }, 'server data kept: the bot is back in the server');
    }
    if (!deps.isMember) return;
    const now = clock.now();
    let scheduled = 0;
    for await (const page of store.listGuildsWithData()) {
      for (const guildId of page) {
        if (!owns(guildId) || isMember(guildId) || pending.has(guildId)) continue;
        await timers.pause(guildId);
        await recordOrRetry(guildId, { kind: 'removed', removedAt: now });
        scheduled++;
      }
    }
    if (scheduled) logger.info({ servers: scheduled }, 'servers removed while the bot was not running: their data will be deleted unless it is invited back');
  }

  /** Queues a sweep; resolves when it has run (the timer hands it to the clock as its work). */
  function tick(): Promise<void> | undefined {
    if (tickQueued) return undefined;
    tickQueued = true;
    return serially(async () => {
      tickQueued = false;
      if (stopped) return;
      await sweepIfFirst().catch((err: unknown) => logger.error({ err }, 'data sweep failed; the next one tries again'));
    });
  }

  function arm(): void {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      arm();
      return tick();
    }, interval);
  }

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      try {
        await checkServers();
      } catch (err) {
        // The bot runs on; the next sweep looks again (a server invited back is resumed then), and
        // the next start-up compares the servers again.
        logger.error({ err }, 'checking the servers at start-up failed');
      }
      arm();
      void tick();
    },

    async stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      retryTimer?.cancel();
      retryTimer = undefined;
      await chain;
    },

    async removed(guildId) {
      try {
        await timers.pause(guildId);
      } catch (err) {
        logger.error({ guildId, err }, 'pausing a removed server’s timers failed');
      }
      await recordOrRetry(guildId, { kind: 'removed', removedAt: clock.now() });
    },

    async joined(guildId) {
      await recordOrRetry(guildId, { kind: 'joined' });
      try {
        await timers.resume(guildId);
      } catch (err) {
        logger.error({ guildId, err }, 'resuming a server’s timers failed');
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
