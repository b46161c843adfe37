import type Keyv from 'keyv';
import { guildKey } from './keys.js';

export interface PinnedLink {
  url: string;
  /** Who pinned it and when, for the moderators' record. */
  pinnedBy: string;
  pinnedAt: number;
}

/** Filming-video links a server's moderators pinned, one per couple. */
export interface VideoStore {
  pinned(guildId: string, coupleId: string): Promise<PinnedLink | undefined>;
  pin(guildId: string, coupleId: string, link: PinnedLink): Promise<void>;
  /** Returns false when nothing was pinned. */
  unpin(guildId: string, coupleId: string): Promise<boolean>;
}

export function createVideoStore(keyv: Keyv): VideoStore {
  return {
    async pinned(guildId, coupleId) {
      return (await keyv.get<PinnedLink>(guildKey(guildId, 'video', coupleId))) ?? undefined;
    },
    async pin(guildId, coupleId, link) {
      await keyv.set(guildKey(guildId, 'video', coupleId), link);
    },
    async unpin(guildId, coupleId) {
      return keyv.delete(guildKey(guildId, 'video', coupleId));
    },
  };
}
