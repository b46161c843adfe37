import { EventEmitter } from 'node:events';
import sqlite3 from 'sqlite3';

/*
 * Keyv's store for one SQLite file, on the `sqlite3` driver, in place of @keyv/sqlite (same table,
 * same rows: files written by either are read by the other). Two things @keyv/sqlite cannot do:
 *
 * 1. One statement at a time on the connection, each finalized before the next starts. A statement
 *    that fails with SQLITE_BUSY (another process holds the file's lock) stays active until it is
 *    finalized. A write that completes meanwhile on the same connection is not committed at once:
 *    SQLite commits an autocommit write only when no other write statement is active, so its commit
 *    waits for the failed one, whose finalize then rolls the whole transaction back. The write was
 *    reported done and is gone. With @keyv/sqlite (statements of one process overlapping freely),
 *    three processes writing one file lost about 1 write in 10 reported done: a daily post's claim
 *    or its record rolled back, so the post was made again (bench/daily-processes.ts found it).
 * 2. `secure_delete`: deleted rows are overwritten with zeros, so a server's deleted data (member
 *    ids, story text) is gone from the file, not left in free pages.
 * 3. Write-ahead logging (`journal_mode = WAL`). Readers never wait for a writer, nor a writer for
 *    readers, and a commit is one append: three processes on one file post the daily stories at
 *    Discord's pace (about 48/s) where the rollback journal, its readers waiting on each commit's
 *    locks, got about 18/s (every lock wait past the busy timeout took that process's store down for
 *    a moment). `synchronous = NORMAL`: a commit does not wait for the disk (on a busy disk an fsync
 *    took up to a second, past a store call's deadline); it survives the process's crash at once,
 *    and the machine's from the next checkpoint. A page's old content stays in the `-wal` file beside
 *    the database until a checkpoint: after deleting a server's data, `checkpoint` copies the
 *    (zeroed) pages into the file and empties the log (see prefix.ts).
 */

/** A row as the driver returns it. */
export type Row = Record<string, unknown>;

export interface SqliteStoreOptions {
  /** The file (created if missing), or `:memory:`. */
  readonly file: string;
  /** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs: number;
}

/** Rows per page of `iterator`. */
const PAGE = 1_000;
const TABLE = 'keyv';

/** The first string after every string that starts with `prefix` (the end of its index range). */
function rangeEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export class SqliteStore extends EventEmitter {
  /** What atomic.ts, prefix.ts and scan.ts recognize (`dialect`) and query (`table`). */
  readonly opts: { readonly dialect: 'sqlite'; readonly table: string; readonly uri: string };
  /** Set by Keyv. */
  namespace: string | undefined;
  readonly ttlSupport = false;
  readonly #options: SqliteStoreOptions;
  #database: Promise<sqlite3.Database> | undefined;
  /** The statement running now, and those waiting: each starts once the one before is finalized. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Set by disconnect: the file is never opened again by this store. */
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    super();
    this.#options = options;
    this.opts = { dialect: 'sqlite', table: TABLE, uri: `sqlite://${options.file}` };
  }

  /** Runs one statement (after every statement asked for before it) and returns its rows. */
  query(sql: string, ...args: unknown[]): Promise<Row[]> {
    const result = this.#queue.then(async () => run(await this.#open(), sql, args));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async get(key: string): Promise<string | undefined> {
    const rows = await this.query(`SELECT value FROM ${TABLE} WHERE key = ?`, key);
    return rows[0]?.value as string | undefined;
  }

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    const rows = await this.query(`SELECT key, value FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`, JSON.stringify(keys));
    const found = new Map(rows.map((row) => [row.key as string, row.value as string]));
    return keys.map((key) => found.get(key));
  }

  async set(key: string, value: string): Promise<void> {
    await this.query(`INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.query(`DELETE FROM ${TABLE} WHERE key = ? RETURNING key`, key)).length > 0;
  }

  async deleteMany(keys: readonly string[]): Promise<boolean> {
    return (await this.query(`DELETE FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?)) RETURNING key`, JSON.stringify(keys))).length > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.query(`SELECT 1 FROM ${TABLE} WHERE key = ?`, key)).length > 0;
  }

  /** Deletes the namespace's keys (every key without one). */
  async clear(): Promise<void> {
    if (this.namespace) await this.query(`DELETE FROM ${TABLE} WHERE key >= ? AND key < ?`, `${this.namespace}:`, rangeEnd(`${this.namespace}:`));
    else await this.query(`DELETE FROM ${TABLE}`);
  }

  /** Every [key, stored text] of the namespace, in pages along the primary key. */
  async *iterator(namespace?: string): AsyncGenerator<[string, string]> {
    const from = namespace ? `${namespace}:` : '';
    const to = namespace ? rangeEnd(from) : '\u{10FFFF}';
    let after = from;
    for (;;) {
      const rows = await this.query(`SELECT key, value FROM ${TABLE} WHERE key >= ? AND key > ? AND key < ? ORDER BY key LIMIT ${PAGE}`, from, after, to);
      for (const row of rows) yield [row.key as string, row.value as string];
      if (rows.length < PAGE) return;
      after = rows.at(-1)!.key as string;
    }
  }

  /**
   * Copies every page of the write-ahead log into the file and empties the log (truncates it), so
   * nothing deleted is left in it. False when another connection's read kept part of it (the next
   * checkpoint, or SQLite's own, takes the rest).
   */
  async checkpoint(): Promise<boolean> {
    const [row] = await this.query('PRAGMA wal_checkpoint(TRUNCATE)');
    return row?.busy === 0;
  }

  /** Closes the file once the statements asked for have run. */
  async disconnect(): Promise<void> {
    this.#closed = true;
    const opening = this.#database;
    if (!opening) return;
    this.#database = undefined;
    await this.#queue;
    const database = await opening.catch(() => undefined);
    if (database) await new Promise<void>((resolve, reject) => database.close((err) => (err ? reject(err) : resolve())));
  }

  /**
   * The connection, opened on first use. Opening reads (and on a new file creates) the table, which
   * can meet another process's lock: a failed opening is forgotten, and the next statement tries again.
   */
  #open(): Promise<sqlite3.Database> {
    // As sqlite3 answers a closed connection: a statement after disconnect is a bug, not an outage.
    if (this.#closed) return Promise.reject(Object.assign(new Error('SQLITE_MISUSE: Database is closed'), { code: 'SQLITE_MISUSE' }));
    this.#database ??= connect(this.#options).catch((error: unknown) => {
      this.#database = undefined;
      this.emit('error', error);
      throw error;
    });
    return this.#database;
  }
}

async function connect({ file, busyTimeoutMs }: SqliteStoreOptions): Promise<sqlite3.Database> {
  const database = await new Promise<sqlite3.Database>((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
  });
  try {
    database.configure('busyTimeout', busyTimeoutMs);
    await run(database, 'PRAGMA secure_delete = ON', []);
    // The switch to WAL is written in the file once (its first opening); later ones find it there.
    // It needs the file to itself for a moment: other processes opening it at once wait their turn.
    for (let tries = 1; ; tries++) {
      try {
        await run(database, 'PRAGMA journal_mode = WAL', []);
        break;
      } catch (error) {
        if (tries >= 20 || !/SQLITE_BUSY/.test(String((error as { code?: unknown }).code))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25 * tries));
      }
    }
    await run(database, 'PRAGMA synchronous = NORMAL', []);
    // Only a new file takes the write lock here; an existing one is read.
    const exists = await run(database, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [TABLE]);
    if (!exists.length) await run(database, `CREATE TABLE IF NOT EXISTS ${TABLE} (key VARCHAR(255) PRIMARY KEY, value TEXT)`, []);
    return database;
  } catch (error) {
    database.close(() => undefined);
    throw error;
  }
}

/** Prepares, runs and finalizes one statement; settles once it is finalized (see the top of this file). */
function run(database: sqlite3.Database, sql: string, args: readonly unknown[]): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    let outcome: { rows: Row[] } | { error: Error } | undefined;
    // A statement that cannot be prepared is finalized by the driver at once, and nothing else of it
    // runs (neither callback below is called; the driver reports them as an 'error' event instead).
    const statement = database.prepare(sql, (err: Error | null) => {
      if (err) reject(err);
    });
    statement.on('error', () => undefined);
    statement.all<Row>(args, (err: Error | null, rows: Row[]) => {
      outcome = err ? { error: err } : { rows };
    });
    statement.finalize(() => {
      if (!outcome) reject(new Error('SQLite statement finished without a result'));
      else if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.rows);
    });
  });
}
