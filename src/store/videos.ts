import type Keyv from 'keyv';
import { guildKey } from './keys.js';
import { ServerMemory, type MemoryOptions } from './memory.js';

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
  /** Drops what is held in memory for a server. */
  forget(guildId: string): void;
}

export interface VideoStoreOptions {
  /** Keep the links read in memory (see memory.ts); off: every call goes to the store. */
  readonly memory?: MemoryOptions | undefined;
}

export function createVideoStore(keyv: Keyv, options: VideoStoreOptions = {}): VideoStore {
  const read = async (guildId: string, coupleId: string) => (await keyv.get<PinnedLink>(guildKey(guildId, 'video', coupleId))) ?? undefined;
  // Every `/kiss-scene` shows the server's pinned link or a search: held in memory, it costs no read.
  const memory = options.memory ? new ServerMemory<PinnedLink | undefined>(options.memory) : undefined;
  return {
    pinned(guildId, coupleId) {
      return memory ? memory.read(guildId, coupleId, () => read(guildId, coupleId)) : read(guildId, coupleId);
    },
    async pin(guildId, coupleId, link) {
      // While the store changes, readers go to the store; a change that fails leaves nothing wrong in memory.
      memory?.invalidate(guildId, coupleId);
      try {
        if (await keyv.set(guildKey(guildId, 'video', coupleId), link)) memory?.write(guildId, coupleId, link);
      } finally {
        // A read that began before the change must not bring the old link back.
        if (memory?.has(guildId, coupleId) === false) memory.invalidate(guildId, coupleId);
      }
    },
    async unpin(guildId, coupleId) {
      memory?.invalidate(guildId, coupleId);
      try {
        return await keyv.delete(guildKey(guildId, 'video', coupleId));
      } finally {
        // Read again next time (Keyv answers false both for "nothing pinned" and for a failed delete).
        memory?.invalidate(guildId, coupleId);
      }
    },
    forget(guildId) {
      memory?.forget(guildId);
    },
  };
}
