import type Keyv from 'keyv';
import { setIfAbsent } from './atomic.js';
import { createDailyStore, type DailyStore } from './daily.js';
import { createLifecycleStore, type LifecycleStore } from './lifecycle.js';
import { createPollStore, type PollStore } from './polls.js';
import { createSceneStore, type SceneStore } from './scenes.js';
import { createVideoStore, type VideoStore } from './videos.js';

export { deleteExpired, setAll, setIfAbsent, type Entry } from './atomic.js';
export { openKeyv } from './keyv.js';
export { scopeOf, type Scope } from './keys.js';
export type { PinnedLink } from './videos.js';
export type { DataSummary, LifecycleStore, PendingRemoval } from './lifecycle.js';

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
  /** Closes the underlying connection (SQLite file or Redis). */
  close(): Promise<void>;
}

export function createStore(keyv: Keyv): Store {
  return {
    scenes: createSceneStore(keyv),
    videos: createVideoStore(keyv),
    polls: createPollStore(keyv),
    daily: createDailyStore(keyv),
    lifecycle: createLifecycleStore(keyv),
    setIfAbsent: (key, value, ttlMs) => setIfAbsent(keyv, key, value, ttlMs),
    ping: async () => {
      await (keyv.store as { get(key: string): unknown }).get('kiss:health');
    },
    onError: (listener) => keyv.on('error', listener),
    close: () => keyv.disconnect(),
  };
}
