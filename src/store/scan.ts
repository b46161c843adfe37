import type Keyv from 'keyv';
import { isRedis, isSqlite, keyvPrefix, redisPrefix, sqliteTable } from './atomic.js';

// ---- Listing one kind of key of every server ---------------------------------------------------
//
// Start-up reads one record per server for a few features (the daily schedules, the open-poll
// lists). Reading them server by server costs one round trip each; so they are listed, all servers
// at once, by their key pattern `guild:<id>:<kind>`.
//
// Keyv has `iterator()`, but @keyv/sqlite's pages with LIMIT 10 OFFSET n through nested generators:
// quadratic, ~1 s for 5,000 rows and minutes for 100,000 (bench/daily.ts measures it). So SQLite
// gets GLOB queries paged along the primary key, Redis a SCAN with a large COUNT (on every master of a cluster), the
// in-memory Map is read directly, and any other store goes through Keyv's own iterator. Only keys
// of the kind are returned, as the server's id, with the raw stored text where there is one.

/** A stored value: the raw text as the store holds it, or a value Keyv already decoded. */
export type Stored = { readonly raw: string } | { readonly value: unknown };

/** Records per page: per Redis SCAN, per page handed on. */
const PAGE = 1_000;
/** Rows per SQLite query: each query has a fixed cost, so fewer, larger pages (about 3 MB each). */
const SQLITE_PAGE = 5_000;

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]]/g, (c) => `[${c}]`);
}

/** Which keys a scan returns: a glob (SQLite GLOB, Redis MATCH) and the exact pattern it stands for. */
export interface KeyShape {
  readonly glob: string;
  readonly pattern: RegExp;
}

/**
 * Every `guild:<id>:<kind>` record as [server id, stored value], in pages, in as few round trips as
 * the store allows. `kind` is a fixed word of letters and dashes.
 */
export async function* scanKind(keyv: Keyv, kind: string): AsyncGenerator<Array<[string, Stored]>> {
  if (!/^[a-z][a-z-]*$/.test(kind)) throw new Error(`Not a key kind: ${kind}`);
  const pattern = new RegExp(`^guild:(\\d{1,20}):${kind}$`);
  for await (const page of scanEntries(keyv, { glob: `guild:*:${kind}`, pattern })) {
    yield page.map(([key, stored]): [string, Stored] => [pattern.exec(key)![1]!, stored]);
  }
}

/**
 * Every record whose key (without the store's prefixes) has the given shape, as [key, stored
 * value], in pages, in as few round trips as the store allows.
 */
export async function* scanEntries(keyv: Keyv, keys: KeyShape): AsyncGenerator<Array<[string, Stored]>> {
  const store: unknown = keyv.store;
  const prefix = keyvPrefix(keyv);
  /** The key without prefixes when it has the shape; undefined for any other key. */
  const bare = (key: string, extra = 0) => {
    const k = key.slice(prefix.length + extra);
    return keys.pattern.test(k) ? k : undefined;
  };

  if (isSqlite(store)) {
    // Keyset pages along the primary key: each page is one index seek, and memory stays at two
    // pages. The next page is asked for before this one is handed on, so SQLite reads it (on its
    // own thread) while the caller works through this one.
    const sql = `SELECT key, value FROM ${sqliteTable(store)} WHERE key > ? AND key GLOB ? ORDER BY key LIMIT ${SQLITE_PAGE}`;
    const full = `${escapeGlob(prefix)}${keys.glob}`;
    const query = (after: string) => {
      const rows = store.query(sql, after, full) as Promise<Array<{ key: string; value: string }>>;
      // Awaited below; a caller that stops early leaves it unread, and its failure unreported.
      void rows.catch(() => undefined);
      return rows;
    };
    let next = query('');
    for (;;) {
      const rows = await next;
      if (!rows.length) return;
      next = rows.length < SQLITE_PAGE ? Promise.resolve([]) : query((rows.at(-1) as { key: string }).key);
      const out: Array<[string, Stored]> = [];
      for (const row of rows) {
        const key = bare(row.key);
        if (key) out.push([key, { raw: row.value }]);
      }
      yield out;
    }
  }

  if (isRedis(store)) {
    const storePrefix = redisPrefix(store);
    const match = `${escapeGlob(storePrefix + prefix)}${keys.glob}`;
    for (const node of await store.getMasterNodes()) {
      let cursor = '0';
      do {
        const page = await node.scan(cursor, { MATCH: match, COUNT: PAGE });
        cursor = String(page.cursor);
        if (!page.keys.length) continue;
        const values = await store.mget(page.keys);
        const out: Array<[string, Stored]> = [];
        page.keys.forEach((full, i) => {
          const raw = values[i];
          const key = bare(full, storePrefix.length);
          if (typeof raw === 'string' && key) out.push([key, { raw }]);
        });
        yield out;
      } while (cursor !== '0');
    }
    return;
  }

  if (store instanceof Map) {
    let page: Array<[string, Stored]> = [];
    for (const [full, raw] of store as Map<string, unknown>) {
      if (typeof full !== 'string' || !full.startsWith(prefix)) continue;
      const key = bare(full);
      if (!key) continue;
      page.push([key, typeof raw === 'string' ? { raw } : { value: (raw as { value?: unknown } | undefined)?.value }]);
      if (page.length >= PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
    return;
  }

  if (!keyv.iterator) throw new Error(`This Keyv store cannot list its keys (${keys.glob})`);
  let page: Array<[string, Stored]> = [];
  for await (const [key, value] of keyv.iterator(keyv.namespace) as AsyncGenerator<[string, unknown]>) {
    if (!keys.pattern.test(key)) continue;
    page.push([key, { value }]);
    if (page.length >= PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}
