import type Keyv from 'keyv';

/*
 * The one place that reaches past Keyv into its adapters: writes Keyv cannot make atomically, done
 * natively on each backend the bot opens (see keyv.ts), and the adapter shapes the daily store's
 * key scan also needs. Values go through Keyv's own key prefix and serializer (with `expires`
 * inside, as `keyv.set` writes them), so an ordinary `keyv.get` reads every value back.
 */

/** One value to write; `ttlMs` makes it expire, as `keyv.set(key, value, ttl)` would. */
export interface Entry {
  readonly key: string;
  readonly value: unknown;
  readonly ttlMs?: number | undefined;
}

export interface SqliteAdapter {
  query: (sql: string, ...args: unknown[]) => Promise<Array<Record<string, unknown>>>;
  opts: { dialect?: string; table?: string };
}

export interface RedisNode {
  scan(cursor: string, options: { MATCH: string; COUNT: number }): Promise<{ cursor: string | number; keys: string[] }>;
}

type RedisSetOptions = { condition?: 'NX'; expiration?: { type: 'PX'; value: number } };

interface RedisClient {
  set(key: string, value: string, options?: RedisSetOptions): Promise<string | null>;
  multi(): { set(key: string, value: string, options?: RedisSetOptions): unknown; exec(): Promise<unknown> };
}

export interface RedisAdapter {
  getMasterNodes(): Promise<RedisNode[]>;
  /** MGET of full keys, split by slot on a cluster. */
  mget(keys: string[]): Promise<Array<string | undefined>>;
  getClient(): Promise<RedisClient>;
  isCluster(): boolean;
  namespace?: string | undefined;
  keyPrefixSeparator?: string;
}

export function isSqlite(store: unknown): store is SqliteAdapter {
  const s = store as Partial<SqliteAdapter> | undefined;
  return typeof s?.query === 'function' && s.opts?.dialect === 'sqlite';
}

export function isRedis(store: unknown): store is RedisAdapter {
  const s = store as Partial<RedisAdapter> | undefined;
  return typeof s?.getMasterNodes === 'function' && typeof s.mget === 'function';
}

/** The prefix Keyv itself puts before every key (`kiss:` unless `useKeyPrefix` is off). */
export function keyvPrefix(keyv: Keyv): string {
  return keyv.useKeyPrefix && keyv.namespace ? `${keyv.namespace}:` : '';
}

/** The prefix @keyv/redis adds on top (`kiss::`). */
export function redisPrefix(store: RedisAdapter): string {
  return store.namespace ? `${store.namespace}${store.keyPrefixSeparator ?? '::'}` : '';
}

/** The quoted table of a @keyv/sqlite adapter. */
export function sqliteTable(store: SqliteAdapter): string {
  return `"${(store.opts.table ?? 'keyv').replace(/"/g, '""')}"`;
}

function ttlOf(ttlMs: number | undefined): number | undefined {
  return ttlMs === undefined ? undefined : Math.max(1, Math.ceil(ttlMs));
}

/** The stored text of a value, exactly as `keyv.set` writes it. */
async function serialize(keyv: Keyv, value: unknown, ttlMs: number | undefined, now: number): Promise<string> {
  const ttl = ttlOf(ttlMs);
  const text = await keyv.serializeData({ value, expires: ttl === undefined ? undefined : now + ttl });
  if (typeof text !== 'string') throw new Error('This Keyv store has no serializer; atomic writes need one');
  return text;
}

function unsupported(what: string): Error {
  return new Error(`This Keyv store cannot ${what} atomically (supported: memory, SQLite, Redis)`);
}

/** Whether a stored value (text or decoded) is there and has not expired, as Keyv itself decides. */
export async function isLive(keyv: Keyv, raw: unknown, now: number): Promise<boolean> {
  if (raw === undefined || raw === null) return false;
  const data = typeof raw === 'string' ? await keyv.deserializeData(raw) : (raw as { expires?: unknown });
  return !!data && !(typeof data.expires === 'number' && now > data.expires);
}

/**
 * Sets `key` to `value` only if it holds nothing, or only an expired value, and says whether this
 * call set it: of any number of callers racing for one key (in one process or several sharing the
 * store), exactly one gets true. SQLite: one `INSERT … ON CONFLICT DO UPDATE … WHERE <expired>`;
 * Redis: `SET NX PX`; memory: a check-and-set on the Map with no await in between.
 */
export async function setIfAbsent<T>(keyv: Keyv, key: string, value: T, ttlMs?: number): Promise<boolean> {
  const store: unknown = keyv.store;
  const now = Date.now();
  const text = await serialize(keyv, value, ttlMs, now);
  const full = keyvPrefix(keyv) + key;

  if (isSqlite(store)) {
    const table = sqliteTable(store);
    // A stored value that is not JSON never counts as expired (Keyv's own reviver would be needed).
    const rows = await store.query(
      `INSERT INTO ${table} (key, value) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value
       WHERE (CASE WHEN json_valid(${table}.value) THEN json_extract(${table}.value, '$.expires') END) < ?
       RETURNING key`,
      full,
      text,
      now,
    );
    return rows.length === 1;
  }

  if (isRedis(store)) {
    const client = await store.getClient();
    const ttl = ttlOf(ttlMs);
    const reply = await client.set(redisPrefix(store) + full, text, { condition: 'NX', ...(ttl === undefined ? {} : { expiration: { type: 'PX', value: ttl } }) });
    return reply === 'OK';
  }

  if (store instanceof Map) {
    const map = store as Map<string, unknown>;
    for (;;) {
      const raw = map.get(full);
      const live = await isLive(keyv, raw, now);
      // Reading the old value may have awaited: set only if nobody wrote the key meanwhile.
      if (map.get(full) !== raw) continue;
      if (live) return false;
      map.set(full, text);
      return true;
    }
  }

  throw unsupported('set a key only if it is absent');
}

/**
 * Deletes the keys starting with `prefix` whose value has expired. Redis drops expired keys itself
 * and Keyv deletes an expired value it reads, but SQLite keeps the row of a key nobody reads again
 * (a past day's claim, a finished poll's votes): this removes them from the file. SQLite: one
 * DELETE over the key range (an index range of the primary key); memory: a pass over the Map.
 */
export async function deleteExpired(keyv: Keyv, prefix: string): Promise<void> {
  const store: unknown = keyv.store;
  const now = Date.now();
  const from = keyvPrefix(keyv) + prefix;

  if (isSqlite(store)) {
    const table = sqliteTable(store);
    // Every key with the prefix sorts at or after it and before the prefix with its last character bumped.
    const to = from.slice(0, -1) + String.fromCharCode(from.charCodeAt(from.length - 1) + 1);
    await store.query(
      `DELETE FROM ${table} WHERE key >= ? AND key < ? AND (CASE WHEN json_valid(value) THEN json_extract(value, '$.expires') END) < ?`,
      from,
      to,
      now,
    );
    return;
  }

  if (store instanceof Map) {
    const map = store as Map<string, unknown>;
    for (const [key, raw] of [...map.entries()]) {
      if (typeof key !== 'string' || !key.startsWith(from) || (await isLive(keyv, raw, now))) continue;
      if (map.get(key) === raw) map.delete(key);
    }
  }
}

/**
 * Writes every entry at once: a reader (in any process) sees all of them or none. SQLite: one
 * `INSERT … SELECT FROM json_each(?)` upsert; Redis: one MULTI (on a cluster, one per hash slot);
 * memory: one synchronous pass over the Map.
 */
export async function setAll(keyv: Keyv, entries: readonly Entry[]): Promise<void> {
  if (!entries.length) return;
  const store: unknown = keyv.store;
  const now = Date.now();
  const prefix = keyvPrefix(keyv);
  const texts = await Promise.all(entries.map(async (e) => ({ key: prefix + e.key, text: await serialize(keyv, e.value, e.ttlMs, now), ttl: ttlOf(e.ttlMs) })));

  if (isSqlite(store)) {
    const table = sqliteTable(store);
    // `WHERE true` lets SQLite tell the upsert clause from a join constraint.
    await store.query(
      `INSERT INTO ${table} (key, value)
       SELECT json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]') FROM json_each(?) AS e WHERE true
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      JSON.stringify(texts.map((t) => [t.key, t.text])),
    );
    return;
  }

  if (isRedis(store)) {
    if (store.isCluster()) {
      // The adapter groups a cluster's keys by slot, with one MULTI each.
      await keyv.setMany(entries.map((e) => ({ key: e.key, value: e.value, ttl: ttlOf(e.ttlMs) })));
      return;
    }
    const client = await store.getClient();
    const multi = client.multi();
    const redis = redisPrefix(store);
    for (const t of texts) multi.set(redis + t.key, t.text, t.ttl === undefined ? undefined : { expiration: { type: 'PX', value: t.ttl } });
    await multi.exec();
    return;
  }

  if (store instanceof Map) {
    const map = store as Map<string, unknown>;
    for (const t of texts) map.set(t.key, t.text);
    return;
  }

  throw unsupported('write several keys');
}
