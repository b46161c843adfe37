import type Keyv from 'keyv';
import { isLive, isRedis, isSqlite, keyvPrefix, redisPrefix, sqliteTable, type RedisAdapter, type RedisNode, type SqliteAdapter } from './atomic.js';
import { bareKeyOf, indexEntryOf, indexedPrefix, INDEXED_MARKER, INDEX_VERSION, type IndexEntry } from './redis-index.js';

/*
 * What Keyv cannot do with a group of keys: list or delete every key that starts with a prefix (all
 * of one server's state), and remove every expired row of an SQLite file. Done natively on each
 * backend the bot opens, in the spirit of atomic.ts: SQLite over the primary key's index range;
 * Redis through the index that holds the prefix's keys (a server's, the removal records': see
 * redis-index.ts), or SCAN MATCH for any other prefix and until the indexes are filled; the
 * in-memory Map with one pass. Either way a listing costs what it returns, not the whole store.
 * Keys go in and come out without the store's own prefixes.
 */

/** Keys per page: per SQLite query, per Redis SCAN and UNLINK. */
const PAGE = 1_000;

/** A Redis node as @keyv/redis hands it out (a node-redis client): SCAN and UNLINK. */
type RedisNodeClient = RedisNode & { unlink(keys: string | string[]): Promise<number> };

/** The raw commands this file sends to a single Redis server (node-redis's public API). */
interface RawRedis {
  sendCommand(args: readonly string[]): Promise<unknown>;
  multi(): { addCommand(args: readonly string[]): unknown; execAsPipeline(): Promise<unknown[]> };
}

/** Clients whose store has every key in its index (the marker was seen: it is never unset). */
const indexed = new WeakSet<object>();

/** The client, when the prefix's keys are listed by an index (a single server whose indexes are filled). */
async function indexedClient(store: RedisAdapter): Promise<RawRedis | undefined> {
  if (store.isCluster()) return undefined;
  const client = (await store.getClient()) as unknown as RawRedis;
  if (indexed.has(client)) return client;
  if ((await client.sendCommand(['GET', redisPrefix(store) + INDEXED_MARKER])) !== INDEX_VERSION) return undefined;
  indexed.add(client);
  return client;
}

/**
 * The keys (bare, and only those that exist) an index holds under a member prefix, in pages. Entries
 * whose key is gone (expired) are dropped from the index on the way.
 */
async function* indexedKeys(client: RawRedis, outer: string, entry: IndexEntry): AsyncGenerator<string[]> {
  const index = outer + entry.index;
  let cursor = '0';
  do {
    const [next, flat] = (await client.sendCommand(['ZSCAN', index, cursor, 'MATCH', `${escapeGlob(entry.member)}*`, 'COUNT', String(PAGE)])) as [string, string[]];
    cursor = String(next);
    // ZSCAN answers member, score, member, score… and may repeat a member across pages.
    const members = [...new Set(flat.filter((_, i) => i % 2 === 0))];
    if (!members.length) continue;
    const keys = members.map((member) => bareKeyOf(entry.index, member));
    const exists = client.multi();
    for (const key of keys) exists.addCommand(['EXISTS', outer + key]);
    const found = (await exists.execAsPipeline()) as number[];
    const gone = members.filter((_, i) => Number(found[i]) === 0);
    if (gone.length) await client.sendCommand(['ZREM', index, ...gone]);
    yield keys.filter((_, i) => Number(found[i]) > 0);
  } while (cursor !== '0');
}

/** How long one process holds the backfill of the indexes; if it dies meanwhile, another takes it up. */
const BACKFILL_CLAIM_MS = 30 * 60 * 1000;

/**
 * Redis only: puts every key written before the indexes existed into its index, once, then sets the
 * marker that switches the listings from SCAN to the indexes. One process does it (it claims the
 * work); running twice would be harmless (ZADD GT only raises a score). Returns the keys indexed (0:
 * nothing to do, or done before), or undefined while another process is doing it.
 */
export async function backfillIndexes(keyv: Keyv): Promise<number | undefined> {
  const store: unknown = keyv.store;
  if (!isRedis(store) || store.isCluster()) return 0;
  const outer = redisPrefix(store);
  const client = (await store.getClient()) as unknown as RawRedis & RedisNode;
  if ((await client.sendCommand(['GET', outer + INDEXED_MARKER])) === INDEX_VERSION) return 0;
  const claim = `${outer}${INDEXED_MARKER}:claim`;
  if ((await client.sendCommand(['SET', claim, String(Date.now()), 'NX', 'PX', String(BACKFILL_CLAIM_MS)])) !== 'OK') return undefined;
  try {
    return await backfill(client, outer);
  } finally {
    await client.sendCommand(['DEL', claim]);
  }
}

async function backfill(client: RawRedis & RedisNode, outer: string): Promise<number> {
  let count = 0;
  for (const pattern of ['guild:*', 'lifecycle:removal:*']) {
    let cursor = '0';
    do {
      const page = await client.scan(cursor, { MATCH: `${escapeGlob(outer)}${pattern}`, COUNT: PAGE });
      cursor = String(page.cursor);
      const keys = page.keys.flatMap((full) => {
        const key = full.slice(outer.length);
        const entry = indexEntryOf(key);
        return entry ? [{ key, entry }] : [];
      });
      if (!keys.length) continue;
      const ttls = client.multi();
      for (const { key } of keys) ttls.addCommand(['PTTL', outer + key]);
      const left = (await ttls.execAsPipeline()) as number[];
      const now = Date.now();
      const adds = client.multi();
      keys.forEach(({ entry }, i) => {
        const ms = Number(left[i]);
        if (ms === -2) return;
        adds.addCommand(['ZADD', outer + entry.index, 'GT', ms < 0 ? '+inf' : String(now + ms), entry.member]);
        count++;
      });
      await adds.execAsPipeline();
    } while (cursor !== '0');
  }
  await client.sendCommand(['SET', outer + INDEXED_MARKER, INDEX_VERSION]);
  return count;
}

/** `text` as a glob that matches only itself (SQLite GLOB and Redis MATCH share the syntax). */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]]/g, (c) => `[${c}]`);
}

/** The first string after every string that starts with `from` (the end of its index range). */
function rangeEnd(from: string): string {
  if (!from) throw new Error('A key prefix cannot be empty');
  return from.slice(0, -1) + String.fromCharCode(from.charCodeAt(from.length - 1) + 1);
}

/** SQL: true when a stored value has an expiry in the past (a value that is not JSON never has). */
const EXPIRED = (table: string) => `(CASE WHEN json_valid(${table}.value) THEN json_extract(${table}.value, '$.expires') END) < ?`;

function unsupported(what: string): Error {
  return new Error(`This Keyv store cannot ${what} (supported: memory, SQLite, Redis)`);
}

/**
 * After a deletion, on an SQLite file in WAL mode: the deleted rows' old pages are copied over (as
 * zeros, with secure_delete) and the log emptied (see sqlite.ts). A log another connection still
 * reads is left for the next checkpoint; nothing fails for it.
 */
async function checkpoint(store: SqliteAdapter): Promise<void> {
  const checkpointing = store as SqliteAdapter & { checkpoint?: () => Promise<boolean> };
  if (!checkpointing.checkpoint) return;
  await checkpointing.checkpoint().catch(() => false);
}

/** Every key that starts with `prefix` and holds a value that has not expired, in pages. */
export async function* listKeys(keyv: Keyv, prefix: string): AsyncGenerator<string[]> {
  const store: unknown = keyv.store;
  const head = keyvPrefix(keyv);
  const from = head + prefix;
  const now = Date.now();

  if (isSqlite(store)) {
    const table = sqliteTable(store);
    // Keyset pages along the primary key; an expired row is left out (it is only waiting to be removed).
    const sql = `SELECT key FROM ${table} WHERE key >= ? AND key > ? AND key < ? AND NOT IFNULL(${EXPIRED(table)}, 0) ORDER BY key LIMIT ${PAGE}`;
    const end = rangeEnd(from);
    let after = '';
    for (;;) {
      const rows = (await store.query(sql, from, after, end, now)) as Array<{ key: string }>;
      if (!rows.length) return;
      yield rows.map((row) => row.key.slice(head.length));
      after = (rows.at(-1) as { key: string }).key;
    }
  }

  if (isRedis(store)) {
    const outer = redisPrefix(store);
    const entry = head ? undefined : indexedPrefix(prefix);
    const client = entry && (await indexedClient(store));
    if (entry && client) {
      yield* indexedKeys(client, outer, entry);
      return;
    }
    for (const node of await store.getMasterNodes()) {
      let cursor = '0';
      do {
        const page = await node.scan(cursor, { MATCH: `${escapeGlob(outer + from)}*`, COUNT: PAGE });
        cursor = String(page.cursor);
        if (page.keys.length) yield page.keys.map((key) => key.slice(outer.length + head.length));
      } while (cursor !== '0');
    }
    return;
  }

  if (store instanceof Map) {
    const keys: string[] = [];
    for (const [key, raw] of [...(store as Map<string, unknown>).entries()]) {
      if (typeof key === 'string' && key.startsWith(from) && (await isLive(keyv, raw, now))) keys.push(key.slice(head.length));
    }
    for (let i = 0; i < keys.length; i += PAGE) yield keys.slice(i, i + PAGE);
    return;
  }

  throw unsupported('list keys by prefix');
}

/**
 * The id of every server that has a key (`guild:<id>:…`), each once, in pages. SQLite: a skip
 * along the primary key, one index seek per server; Redis: the servers' indexes (SCAN over the
 * keyspace, as start-up's other listings; before the indexes are filled, over the keys themselves);
 * memory: one pass. An expired value may still count (it is deleted with the rest).
 */
export async function* listGuildIds(keyv: Keyv): AsyncGenerator<string[]> {
  const store: unknown = keyv.store;
  const head = keyvPrefix(keyv);
  const idOf = (bare: string) => /^guild:(\d{1,20}):/.exec(bare)?.[1];

  if (isSqlite(store)) {
    const from = `${head}guild:`;
    const sql = `SELECT key FROM ${sqliteTable(store)} WHERE key > ? AND key < ? ORDER BY key LIMIT 1`;
    let after = from;
    let page: string[] = [];
    for (;;) {
      const row = ((await store.query(sql, after, rangeEnd(from))) as Array<{ key: string }>)[0];
      if (!row) break;
      const guildId = idOf(row.key.slice(head.length));
      // Past every key of this server: `guild:<id>;` sorts right after `guild:<id>:…`.
      after = guildId ? `${from}${guildId};` : row.key;
      if (!guildId) continue;
      page.push(guildId);
      if (page.length >= PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
    return;
  }

  if (isRedis(store)) {
    const outer = redisPrefix(store);
    const client = await indexedClient(store);
    const pattern = client ? `${escapeGlob(outer)}guild-index:*` : `${escapeGlob(outer + head)}guild:*`;
    const seen = new Set<string>();
    for (const node of await store.getMasterNodes()) {
      let cursor = '0';
      do {
        const page = await node.scan(cursor, { MATCH: pattern, COUNT: PAGE });
        cursor = String(page.cursor);
        const ids = page.keys.flatMap((full) => {
          const bare = full.slice(outer.length);
          const guildId = client ? /^guild-index:(\d{1,20})$/.exec(bare)?.[1] : idOf(bare.slice(head.length));
          if (!guildId || seen.has(guildId)) return [];
          seen.add(guildId);
          return [guildId];
        });
        if (ids.length) yield ids;
      } while (cursor !== '0');
    }
    return;
  }

  if (store instanceof Map) {
    const ids = new Set<string>();
    for (const key of (store as Map<string, unknown>).keys()) {
      const guildId = typeof key === 'string' && key.startsWith(head) ? idOf(key.slice(head.length)) : undefined;
      if (guildId) ids.add(guildId);
    }
    const all = [...ids];
    for (let i = 0; i < all.length; i += PAGE) yield all.slice(i, i + PAGE);
    return;
  }

  throw unsupported('list the servers that have keys');
}

/**
 * Deletes every key that starts with `prefix` (expired or not) and returns how many were deleted.
 * SQLite: one DELETE over the key range; Redis: SCAN MATCH `prefix*` and UNLINK, a page at a time,
 * on every master of a cluster; memory: one pass over the Map.
 */
export async function deleteKeys(keyv: Keyv, prefix: string): Promise<number> {
  const store: unknown = keyv.store;
  const from = keyvPrefix(keyv) + prefix;

  if (isSqlite(store)) {
    const rows = await store.query(`DELETE FROM ${sqliteTable(store)} WHERE key >= ? AND key < ? RETURNING key`, from, rangeEnd(from));
    if (rows.length) await checkpoint(store);
    return rows.length;
  }

  if (isRedis(store)) {
    const outer = redisPrefix(store);
    const entry = keyvPrefix(keyv) ? undefined : indexedPrefix(prefix);
    const client = entry && (await indexedClient(store));
    if (entry && client) {
      // Every key the index names, existing or not: each UNLINK takes its entry out of the index too.
      const index = outer + entry.index;
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, flat] = (await client.sendCommand(['ZSCAN', index, cursor, 'MATCH', `${escapeGlob(entry.member)}*`, 'COUNT', String(PAGE)])) as [string, string[]];
        cursor = String(next);
        const keys = flat.filter((_, i) => i % 2 === 0).map((member) => outer + bareKeyOf(entry.index, member));
        if (keys.length) deleted += Number(await client.sendCommand(['UNLINK', ...keys]));
      } while (cursor !== '0');
      return deleted;
    }
    const cluster = store.isCluster();
    let deleted = 0;
    for (const node of (await store.getMasterNodes()) as unknown as RedisNodeClient[]) {
      let cursor = '0';
      do {
        const page = await node.scan(cursor, { MATCH: `${escapeGlob(outer + from)}*`, COUNT: PAGE });
        cursor = String(page.cursor);
        if (!page.keys.length) continue;
        // A cluster refuses one UNLINK over keys of several hash slots: there, one key per call.
        const counts = cluster ? await Promise.all(page.keys.map((key) => node.unlink(key))) : [await node.unlink(page.keys)];
        deleted += counts.reduce((sum, n) => sum + n, 0);
      } while (cursor !== '0');
    }
    return deleted;
  }

  if (store instanceof Map) {
    const map = store as Map<string, unknown>;
    let deleted = 0;
    for (const key of [...map.keys()]) {
      if (typeof key === 'string' && key.startsWith(from) && map.delete(key)) deleted++;
    }
    return deleted;
  }

  throw unsupported('delete keys by prefix');
}

/**
 * Deletes every expired value in the whole store and returns how many. Keyv deletes an expired value
 * only when it reads it, and Redis drops expired keys by itself, but an SQLite file keeps every row
 * nobody reads again (a closed poll's votes, old claims): this removes them, a page of the primary
 * key at a time so no single statement holds the file's write lock long. Memory: one pass; Redis: 0.
 */
export async function deleteAllExpired(keyv: Keyv): Promise<number> {
  const store: unknown = keyv.store;
  const now = Date.now();

  if (isSqlite(store)) {
    const table = sqliteTable(store);
    const pageEnd = `SELECT key FROM ${table} WHERE key > ? ORDER BY key LIMIT 1 OFFSET ${PAGE - 1}`;
    const remove = `DELETE FROM ${table} WHERE key > ? AND (? IS NULL OR key <= ?) AND ${EXPIRED(table)} RETURNING key`;
    let deleted = 0;
    let after = '';
    for (;;) {
      const end = ((await store.query(pageEnd, after)) as Array<{ key: string }>)[0]?.key ?? null;
      deleted += (await store.query(remove, after, end, end, now)).length;
      if (end === null) break;
      after = end;
    }
    if (deleted) await checkpoint(store);
    return deleted;
  }

  if (isRedis(store)) return 0;

  if (store instanceof Map) {
    const map = store as Map<string, unknown>;
    let deleted = 0;
    for (const [key, raw] of [...map.entries()]) {
      if (await isLive(keyv, raw, now)) continue;
      if (map.get(key) === raw && map.delete(key)) deleted++;
    }
    return deleted;
  }

  throw unsupported('delete expired values');
}
