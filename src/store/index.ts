import type Keyv from 'keyv';
import { setIfAbsent } from './atomic.js';
import { createDailyStore, type DailyStore } from './daily.js';
import type { MemoryOptions } from './memory.js';
import { createPollStore, type PollStore } from './polls.js';
import { createSceneStore, type SceneStore } from './scenes.js';
import { createVideoStore, type VideoStore } from './videos.js';

export { deleteExpired, setAll, setIfAbsent, type Entry } from './atomic.js';
export { openKeyv } from './keyv.js';
export { scopeOf, type Scope } from './keys.js';
export type { PinnedLink } from './videos.js';
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
  /**
   * Sets `key` to `value` only if it holds nothing, or only an expired value: of any callers, in
   * any process sharing the store, exactly one gets true (see atomic.ts). A claim such as a shard's
   * identify bucket is `store.setIfAbsent(key, Date.now(), ttlMs)`; `keyv.get` reads the value back.
   */
  setIfAbsent<T>(key: string, value: T, ttlMs?: number): Promise<boolean>;
  /**
   * Reads one fixed key straight from the backing store (Keyv itself hides read errors): rejects
   * when the store fails, and never settles while a Redis connection is down. For health checks.
   */
  ping(): Promise<void>;
  /** Called for every error the store reports (Keyv's `error` events). */
  onError(listener: (error: unknown) => void): void;
  /**
   * Drops what this process holds in memory for a server (its pinned links, the last stories shown
   * in its channels) and the writes of it not made yet; resolves once no write of it is under way.
   * Call it before deleting a server's data, and when the bot leaves a server.
   */
  forget(guildId: string): Promise<void>;
  /** Writes what is waiting, then closes the underlying connection (SQLite file or Redis). */
  close(): Promise<void>;
}

export interface StoreOptions {
  /**
   * Keep what every `/kiss-scene` reads (pinned links, the last story per channel) in memory, and
   * write the last stories in the background (the bot does; see memory.ts for why it stays
   * correct). Off (the default), every call goes to the store.
   */
  readonly memory?: MemoryOptions | undefined;
}

export function createStore(keyv: Keyv, options: StoreOptions = {}): Store {
  const scenes = createSceneStore(keyv, { memory: options.memory });
  const videos = createVideoStore(keyv, { memory: options.memory });
  return {
    scenes,
    videos,
    polls: createPollStore(keyv),
    daily: createDailyStore(keyv),
    setIfAbsent: (key, value, ttlMs) => setIfAbsent(keyv, key, value, ttlMs),
    ping: async () => {
      await (keyv.store as { get(key: string): unknown }).get('kiss:health');
    },
    onError: (listener) => keyv.on('error', listener),
    async forget(guildId) {
      videos.forget(guildId);
      await scenes.forget(guildId);
    },
    async close() {
      try {
        await scenes.flush();
      } finally {
        await keyv.disconnect();
      }
    },
  };
}
