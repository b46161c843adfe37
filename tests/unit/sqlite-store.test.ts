import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';

const isBusy = (error: unknown) => /SQLITE_BUSY/.test(String((error as { code?: unknown })?.code ?? error));

describe('the SQLite store (src/store/sqlite.ts)', () => {
  it('keeps every write it reports done while four connections write one file at once, some refused with SQLITE_BUSY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiss-sqlite-'));
    const file = join(dir, 'bot.sqlite');
    // A short busy timeout: the connections fail on each other's locks often, as processes under load do.
    const stores = Array.from({ length: 4 }, () => new SqliteStore({ file, busyTimeoutMs: 1 }));
    const reader = new SqliteStore({ file, busyTimeoutMs: 5_000 });
    try {
      await reader.query('SELECT 1');
      const done: string[] = [];
      let refused = 0;
      await Promise.all(
        stores.map(async (store, s) => {
          let next = 0;
          // 20 writes in flight per connection, as the bot's services make them.
          await Promise.all(
            Array.from({ length: 20 }, async () => {
              while (next < 500) {
                const key = `kiss:guild:${s}:vote:${next++}`;
                try {
                  await store.set(key, JSON.stringify({ value: 'x'.repeat(200) }));
                  done.push(key);
                } catch (error) {
                  if (!isBusy(error)) throw error;
                  refused++;
                }
              }
            }),
          );
        }),
      );
      const stored = new Set((await reader.query('SELECT key FROM keyv')).map((row) => row.key as string));
      expect(done.filter((key) => !stored.has(key))).toEqual([]);
      expect(done.length + refused).toBe(2_000);
    } finally {
      await Promise.all([...stores, reader].map((s) => s.disconnect()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads what Keyv writes, answers a bad statement with its error, and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiss-sqlite-'));
    const store = new SqliteStore({ file: join(dir, 'bot.sqlite'), busyTimeoutMs: 500 });
    try {
      await store.set('kiss:a', '{"value":1}');
      expect(await store.get('kiss:a')).toBe('{"value":1}');
      expect(await store.getMany(['kiss:a', 'kiss:b'])).toEqual(['{"value":1}', undefined]);
      await expect(store.query('SELEC nonsense')).rejects.toThrow(/SQLITE_ERROR/);
      await expect(store.query('SELECT ?', 1, 2)).rejects.toThrow(/SQLITE_RANGE/);
      expect(await store.has('kiss:a')).toBe(true);
      expect(await store.delete('kiss:a')).toBe(true);
      expect(await store.delete('kiss:a')).toBe(false);
      // secure_delete: a deleted row's bytes are overwritten in the file; the log beside it is emptied on demand.
      expect(await store.query('PRAGMA secure_delete')).toEqual([{ secure_delete: 1 }]);
      expect(await store.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await store.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
      expect(await store.checkpoint()).toBe(true);
      // Closed stays closed: a statement after disconnect is refused, the file is not opened again.
      await store.disconnect();
      await expect(store.get('kiss:b')).rejects.toThrow(/SQLITE_MISUSE: Database is closed/);
    } finally {
      await store.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
