import type Keyv from 'keyv';
import { pino } from 'pino';
import type { Logger } from '../logger.js';
import { setIfAbsent } from './atomic.js';
import { guarded, StoreAvailability, unavailableReason } from './availability.js';
import { createDailyStore, type DailyStore } from './daily.js';
import { createLifecycleStore, type LifecycleStore } from './lifecycle.js';
import type { MemoryOptions } from './memory.js';
import { createPollStore, type PollStore } from './polls.js';
import { createSceneStore, type SceneStore } from './scenes.js';
import { createStoryStore, type StoryStore } from './stories.js';
import { createVideoStore, type VideoStore } from './videos.js';
import { createQuizStore, type QuizStore } from './quiz.js';
import { createWorldCupStore, type WorldCupStore } from './worldcup.js';

export { deleteExpired, setAll, setIfAbsent, type Entry } from './atomic.js';
export { isStoreUnavailable, STORE_DEADLINE_MS, STORE_RETRY_MS, StoreAvailability, StoreUnavailableError } from './availability.js';
export { openKeyv } from './keyv.js';
export { scopeOf, type Scope } from './keys.js';
export type { PinnedLink } from './videos.js';
export type { DataSummary, LifecycleStore, PendingRemoval } from './lifecycle.js';
export type { MemoryOptions } from './memory.js';

/**
 * All per-server state, behind one typed module over Keyv. Each feature has its own small section;
 * keys are namespaced by server (see keys.ts). Built once at start-up and passed in explicitly.
 */
export interface Store {
  readonly scenes: SceneStore;
  readonly videos: VideoStore;
  readonly polls: PollStore;
  readonly daily: DailyStore;
  /** Whole-server operations (a server's data deleted, counted) and the removals pending deletion. */
  readonly lifecycle: LifecycleStore;
  readonly worldcup: WorldCupStore;
  /** `/kiss-quiz`: solo games, server games, scores, the leaderboard and members' statistics. */
  readonly quiz: QuizStore;
  /** A server's own stories and its contributor role (`/kiss-story`). */
  readonly stories: StoryStore;
  /**
   * Sets `key` to `value` only if it holds nothing, or only an expired value: of any callers, in
   * any process sharing the store, exactly one gets true (see atomic.ts). A claim such as a shard's
   * identify bucket is `store.setIfAbsent(key, Date.now(), ttlMs)`; `keyv.get` reads the value back.
   */
  setIfAbsent<T>(key: string, value: T, ttlMs?: number): Promise<boolean>;
  /**
   * Writes one fixed key (with a short expiry) and rejects when the store cannot take it: down,
   * locked or read-only. Not gated by `availability`: it is how the health check and the
   * availability probe find out.
   */
  ping(): Promise<void>;
  /** Whether the store is up; every call above passes through it (see availability.ts). */
  readonly availability: StoreAvailability;
  /** Called for every error the store reports (Keyv's `error` events). */
  onError(listener: (error: unknown) => void): void;
  /**
   * Drops what this process holds in memory for a server (its pinned links, its own stories, the last
   * stories shown in its channels) and the writes of it not made yet; resolves once no write of it is under way.
   * Call it before deleting a server's data, and when the bot leaves a server.
   */
  forget(guildId: string): Promise<void>;
  /** Writes what is waiting, then closes the underlying connection (SQLite file or Redis). */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Where the store's one warning on an outage and one line on recovery go. Default: nowhere. */
  readonly logger?: Logger | undefined;
  /** Deadline of each call (default STORE_DEADLINE_MS). */
  readonly deadlineMs?: number | undefined;
  /** How often a store that is down is probed (default STORE_PROBE_INTERVAL_MS). */
  readonly probeIntervalMs?: number | undefined;
  /** Told each time the store goes down (false) or comes back (true). */
  readonly onAvailabilityChange?: ((available: boolean) => void) | undefined;
  /**
   * Keep what every `/kiss-scene` reads (pinned links, the last story per channel) in memory, and
   * write the last stories in the background (the bot does; see memory.ts for why it stays
   * correct). Off (the default), every call goes to the store.
   */
  readonly memory?: MemoryOptions | undefined;
}

/** The key the health check and the availability probe write. */
const HEALTH_KEY = 'health';
const HEALTH_TTL_MS = 60_000;

export function createStore(keyv: Keyv, options: StoreOptions = {}): Store {
  const ping = async () => {
    await keyv.set(HEALTH_KEY, Date.now(), HEALTH_TTL_MS);
  };
  const availability = new StoreAvailability({
    logger: options.logger ?? pino({ enabled: false }),
    probe: ping,
    deadlineMs: options.deadlineMs,
    probeIntervalMs: options.probeIntervalMs,
    onChange: options.onAvailabilityChange,
  });
  // A connection the backend reports lost (Redis) takes the store down at once, before a call fails.
  keyv.on('error', (error: unknown) => {
    const reason = unavailableReason(error);
    if (reason !== undefined) availability.markDown(reason);
  });
  // Dropping what is held in memory, and writing what waits to be written, are not store calls.
  const scenes = guarded(createSceneStore(keyv, { memory: options.memory }), availability, { passThrough: ['forget', 'flush'] });
  const videos = guarded(createVideoStore(keyv, { memory: options.memory }), availability, { passThrough: ['forget'] });
  const stories = guarded(createStoryStore(keyv, { memory: options.memory }), availability, { passThrough: ['forget'] });
  return {
    scenes,
    videos,
    polls: guarded(createPollStore(keyv), availability, { unbounded: ['deleteExpired'] }),
    // No deadline on the daily section (still refused at once while the store is down): its calls are
    // the scheduler's claims and records, whose outcome must be known. A call reported as failed at a
    // deadline could still be applied later (a query queued behind others in the SQLite driver), and a
    // claim applied after its caller gave up can cost a day's post or post it twice. Daily commands
    // defer their answer first, and a locked SQLite file still fails within its 0.5 s busy timeout.
    daily: guarded(createDailyStore(keyv), availability, { passThrough: ['list'], unbounded: ['get', 'save', 'delete', 'claimPost'] }),
    // Scans and deletions over a whole server's (or the whole store's) keys take as long as the data.
    lifecycle: guarded(createLifecycleStore(keyv), availability, { passThrough: ['listGuildsWithData'], unbounded: ['listRemovals', 'summarize', 'deleteGuild', 'deleteExpired', 'prepareIndexes'] }),
    worldcup: guarded(createWorldCupStore(keyv), availability, { unbounded: ['listRunning', 'deleteExpired'] }),
    quiz: guarded(createQuizStore(keyv), availability, { unbounded: ['listRunning', 'deleteExpired'] }),
    stories,
    setIfAbsent: (key, value, ttlMs) => availability.run(() => setIfAbsent(keyv, key, value, ttlMs)),
    ping,
    availability,
    onError: (listener) => keyv.on('error', listener),
    async forget(guildId) {
      videos.forget(guildId);
      stories.forget(guildId);
      await scenes.forget(guildId);
    },
    close: async () => {
      availability.close();
      try {
        await scenes.flush();
      } finally {
        await keyv.disconnect();
      }
    },
  };
}
