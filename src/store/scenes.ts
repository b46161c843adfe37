import type Keyv from 'keyv';
import { setAll } from './atomic.js';
import { key, type Scope } from './keys.js';
import { ServerMemory, type MemoryOptions } from './memory.js';

/** What `/kiss-scene` remembers: the last couple shown per channel, so a random pick never repeats. */
export interface SceneStore {
  lastShown(scope: Scope, channelId: string): Promise<string | undefined>;
  /**
   * Records the couple shown in a channel. With memory on, the next `lastShown` sees it at once
   * and the store is written in the background, several channels in one write (the promise
   * settles when it is stored, and rejects when that write failed: the value is then written
   * with the next one).
   */
  setLastShown(scope: Scope, channelId: string, coupleId: string): Promise<void>;
  /** Writes what is waiting to be written (at shutdown). */
  flush(): Promise<void>;
  /** Drops what is held in memory for a server, and its writes not yet made. */
  forget(guildId: string): Promise<void>;
}

export interface SceneStoreOptions {
  /** Keep the last couples in memory and write them in the background (see memory.ts); off: every call goes to the store. */
  readonly memory?: MemoryOptions | undefined;
  /** How long changes gather before they are written together (default 250 ms). */
  readonly writeDelayMs?: number | undefined;
}

/** How long the last story shown in a channel is remembered. */
export const LAST_SHOWN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const WRITE_DELAY_MS = 250;

const scopeName = (scope: Scope) => ('guildId' in scope ? scope.guildId : `dm:${scope.dmChannelId}`);

export function createSceneStore(keyv: Keyv, options: SceneStoreOptions = {}): SceneStore {
  const read = async (k: string) => (await keyv.get<string>(k)) ?? undefined;
  if (!options.memory) {
    return {
      lastShown: (scope, channelId) => read(key(scope, 'scene-last', channelId)),
      async setLastShown(scope, channelId, coupleId) {
        await keyv.set(key(scope, 'scene-last', channelId), coupleId, LAST_SHOWN_TTL_MS);
      },
      flush: () => Promise.resolve(),
      forget: () => Promise.resolve(),
    };
  }

  const memory = new ServerMemory<string | undefined>(options.memory);
  const writeDelayMs = options.writeDelayMs ?? WRITE_DELAY_MS;
  /** Changes not stored yet, by store key (kept until a write stored them; a newer change replaces one). */
  const unsaved = new Map<string, string>();
  /** The write the next changes join, and its timer. */
  let next: { promise: Promise<void>; settle: (error?: Error) => void; timer: NodeJS.Timeout } | undefined;
  /** Writes run one at a time, in order. */
  let writing: Promise<void> = Promise.resolve();

  function nextWrite(): Promise<void> {
    if (next) return next.promise;
    let settle!: (error?: Error) => void;
    const promise = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    const timer = setTimeout(() => void write(), writeDelayMs);
    timer.unref();
    next = { promise, settle, timer };
    return promise;
  }

  /** Stores every unsaved change in one write. */
  function write(): Promise<void> {
    const batch = next;
    next = undefined;
    if (batch) clearTimeout(batch.timer);
    writing = writing.then(async () => {
      const changes = [...unsaved];
      try {
        if (changes.length) await setAll(keyv, changes.map(([k, value]) => ({ key: k, value, ttlMs: LAST_SHOWN_TTL_MS })));
        for (const [k, value] of changes) if (unsaved.get(k) === value) unsaved.delete(k);
        batch?.settle();
      } catch (error) {
        // Kept in `unsaved`: they go with the next write.
        batch?.settle(error instanceof Error ? error : new Error('could not store the last stories shown', { cause: error }));
      }
    });
    return writing;
  }

  return {
    lastShown(scope, channelId) {
      const k = key(scope, 'scene-last', channelId);
      // A change not stored yet is newer than the store.
      return memory.read(scopeName(scope), channelId, async () => unsaved.get(k) ?? (await read(k)));
    },
    setLastShown(scope, channelId, coupleId) {
      memory.write(scopeName(scope), channelId, coupleId);
      unsaved.set(key(scope, 'scene-last', channelId), coupleId);
      return nextWrite();
    },
    async flush() {
      if (!next && !unsaved.size) return writing;
      const stored = nextWrite();
      void write();
      await stored;
    },
    async forget(guildId) {
      memory.forget(guildId);
      const prefix = key({ guildId }, '');
      for (const k of unsaved.keys()) if (k.startsWith(prefix)) unsaved.delete(k);
      // A write already under way may hold the server's changes: let it finish first.
      await writing;
    },
  };
}
