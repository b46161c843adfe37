/**
 * What a store section keeps in memory, per server (or DM channel), so that answering an interaction
 * needs no store round trip.
 *
 * Why it stays correct: Discord sends all of a server's interactions to the one shard that carries
 * the server, so to the one process that runs that shard (DMs: shard 0); a value of a server is
 * changed through the store of the process that reads it, which updates its memory as it writes.
 * Two processes see each other's changes only in the short overlap of a rolling deploy: there, an
 * entry read again after `refreshMs` is refreshed from the store in the background (the reader gets
 * the value it had), so a change made elsewhere shows within `refreshMs` and one more read.
 *
 * Bounded: past `maxEntries` values, the servers used longest ago are dropped (and read again from
 * the store when next needed). `forget(scope)` drops one server's values at once.
 */
export interface MemoryOptions {
  /** Most values kept, over all servers (default 20,000). */
  readonly maxEntries?: number | undefined;
  /** Age after which a value read is refreshed from the store in the background (default 60 s). */
  readonly refreshMs?: number | undefined;
  /** Milliseconds since the epoch (injectable for tests). */
  readonly now?: (() => number) | undefined;
}

interface Entry<V> {
  /** Whether `value` is known (false until first read, and while a change is being written). */
  known: boolean;
  value: V | undefined;
  /** When `value` was last read from the store or written through this memory. */
  at: number;
  /** Bumped by every change made here: a read that started before a change must not overwrite it. */
  version: number;
  /** The read of the store in progress, if any (a first read, or a background refresh). */
  loading?: Promise<V> | undefined;
}

export const DEFAULT_MAX_ENTRIES = 20_000;
export const DEFAULT_REFRESH_MS = 60_000;

export class ServerMemory<V> {
  /** Scope → key → entry; scopes in order of last use (a Map keeps insertion order). */
  readonly #scopes = new Map<string, Map<string, Entry<V>>>();
  #size = 0;
  readonly #max: number;
  readonly #refreshMs: number;
  readonly #now: () => number;

  constructor(options: MemoryOptions = {}) {
    this.#max = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Values held, over all scopes. */
  get size(): number {
    return this.#size;
  }

  /**
   * The value of `key`: from memory when known (refreshed in the background when older than
   * `refreshMs`), else from `load` (one read at a time per key). A load that fails rejects, and
   * nothing is remembered.
   */
  async read(scope: string, key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.#entry(scope, key);
    if (entry.known) {
      if (!entry.loading && this.#now() - entry.at >= this.#refreshMs) void this.#load(scope, key, entry, load).catch(() => undefined);
      return entry.value as V;
    }
    return entry.loading ?? this.#load(scope, key, entry, load);
  }

  /** Whether the value of `key` is known (without reading it). */
  has(scope: string, key: string): boolean {
    return this.#scopes.get(scope)?.get(key)?.known === true;
  }

  /** Remembers a value this process has just written (or is about to write) to the store. */
  write(scope: string, key: string, value: V): void {
    const entry = this.#entry(scope, key);
    entry.known = true;
    entry.value = value;
    entry.at = this.#now();
    entry.version += 1;
  }

  /**
   * Forgets a value before changing it in the store: until `write` records the outcome, readers go
   * to the store (so a change that fails half-way never leaves a wrong value in memory).
   */
  invalidate(scope: string, key: string): void {
    const entry = this.#entry(scope, key);
    entry.known = false;
    entry.value = undefined;
    entry.version += 1;
  }

  /** Drops everything held for `scope` (a server that left, or whose data was deleted). */
  forget(scope: string): void {
    const entries = this.#scopes.get(scope);
    if (!entries) return;
    this.#size -= entries.size;
    this.#scopes.delete(scope);
  }

  clear(): void {
    this.#scopes.clear();
    this.#size = 0;
  }

  /** Reads `key` from the store (one read at a time per key) and remembers it, unless it changed meanwhile. */
  #load(scope: string, key: string, entry: Entry<V>, load: () => Promise<V>): Promise<V> {
    const version = entry.version;
    const loading = (async () => {
      try {
        const value = await load();
        // Only if nothing changed meanwhile, and the entry is still the one held.
        if (entry.version === version && this.#scopes.get(scope)?.get(key) === entry) {
          entry.known = true;
          entry.value = value;
          entry.at = this.#now();
        }
        // A change made meanwhile is newer than what was read.
        return entry.known ? (entry.value as V) : value;
      } catch (error) {
        // Not read again at once: a failed background refresh keeps the value for another period.
        if (entry.known) entry.at = this.#now();
        throw error;
      } finally {
        entry.loading = undefined;
      }
    })();
    entry.loading = loading;
    return loading;
  }

  /** The entry of `key`, created empty if need be; marks `scope` as used last. */
  #entry(scope: string, key: string): Entry<V> {
    let entries = this.#scopes.get(scope);
    if (entries) {
      this.#scopes.delete(scope);
    } else {
      entries = new Map();
    }
    this.#scopes.set(scope, entries);
    let entry = entries.get(key);
    if (!entry) {
      entry = { known: false, value: undefined, at: 0, version: 0 };
      entries.set(key, entry);
      this.#size += 1;
      this.#evict(scope);
    }
    return entry;
  }

  /** Drops the scopes used longest ago until at most `maxEntries` values are held (never `keep`). */
  #evict(keep: string): void {
    for (const [scope, entries] of this.#scopes) {
      if (this.#size <= this.#max) return;
      if (scope === keep) continue;
      this.#size -= entries.size;
      this.#scopes.delete(scope);
    }
  }
}
