import type Keyv from 'keyv';
import { isLive, isRedis, isSqlite, keyvPrefix, redisPrefix, sqliteTable, type RedisNode } from './atomic.js';

/*
 * What Keyv cannot do with a group of keys: list or delete every key that starts with a prefix (all
 * of one server's state), and remove every expired row of an SQLite file. Done natively on each
 * backend the bot opens, in the spirit of atomic.ts: SQLite over the primary key's index range,
 * Redis with SCAN MATCH and UNLINK, the in-memory Map with one pass. Keys go in and come out
 * without the store's own prefixes.
 */

/** Keys per page: per SQLite query, per Redis SCAN and UNLINK. */
const PAGE = 1_000;

/** A Redis node as @keyv/redis hands it out (a node-redis client): SCAN and UNLINK. */
type RedisNodeClient = RedisNode & { unlink(keys: string | string[]): Promise<number> };

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
 * Deletes every key that starts with `prefix` (expired or not) and returns how many were deleted.
 * SQLite: one DELETE over the key range; Redis: SCAN MATCH `prefix*` and UNLINK, a page at a time,
 * on every master of a cluster; memory: one pass over the Map.
 */
export async function deleteKeys(keyv: Keyv, prefix: string): Promise<number> {
  const store: unknown = keyv.store;
  const from = keyvPrefix(keyv) + prefix;

  if (isSqlite(store)) {
    const rows = await store.query(`DELETE FROM ${sqliteTable(store)} WHERE key >= ? AND key < ? RETURNING key`, from, rangeEnd(from));
    return rows.length;
  }

  if (isRedis(store)) {
    const outer = redisPrefix(store);
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
      if (end === null) return deleted;
      after = end;
    }
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
