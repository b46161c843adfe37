import type Keyv from 'keyv';
import { createDailyStore, type DailyStore } from './daily.js';
import { createPollStore, type PollStore } from './polls.js';
import { createSceneStore, type SceneStore } from './scenes.js';
import { createVideoStore, type VideoStore } from './videos.js';

export { openKeyv } from './keyv.js';
export { scopeOf, type Scope } from './keys.js';
export type { PinnedLink } from './videos.js';

/**
 * All per-server state, behind one typed module over Keyv. Each feature has its own small section;
 * keys are namespaced by server (see keys.ts). Built once at start-up and passed in explicitly.
 */
export interface Store {
  readonly scenes: SceneStore;
  readonly videos: VideoStore;
  readonly polls: PollStore;
  readonly daily: DailyStore;
  /** Closes the underlying connection (SQLite file or Redis). */
  close(): Promise<void>;
}

export function createStore(keyv: Keyv): Store {
  return {
    scenes: createSceneStore(keyv),
    videos: createVideoStore(keyv),
    polls: createPollStore(keyv),
    daily: createDailyStore(keyv),
    close: () => keyv.disconnect(),
  };
}
