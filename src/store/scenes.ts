import type Keyv from 'keyv';
import { key, type Scope } from './keys.js';

/** What `/kiss-scene` remembers: the last couple shown per channel, so a random pick never repeats. */
export interface SceneStore {
  lastShown(scope: Scope, channelId: string): Promise<string | undefined>;
  setLastShown(scope: Scope, channelId: string, coupleId: string): Promise<void>;
}

/** How long the last story shown in a channel is remembered. */
export const LAST_SHOWN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export function createSceneStore(keyv: Keyv): SceneStore {
  return {
    async lastShown(scope, channelId) {
      return (await keyv.get<string>(key(scope, 'scene-last', channelId))) ?? undefined;
    },
    async setLastShown(scope, channelId, coupleId) {
      await keyv.set(key(scope, 'scene-last', channelId), coupleId, LAST_SHOWN_TTL_MS);
    },
  };
}
