import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import type KeyvRedisAdapter from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';

/**
 * Opens the Keyv store named by STORE_URL:
 * - `sqlite://path/to/file.sqlite` (default; the file and its folder are created on first run),
 * - `redis://host:port` or `rediss://…` (when the bot runs as several processes),
 * - `memory://` (tests; nothing survives a restart).
 * Relative SQLite paths are resolved against `baseDir` (the project root by default).
 */
export function openKeyv(url: string, baseDir = process.cwd()): Keyv {
  const namespace = 'kiss';
  if (url.startsWith('memory:')) return new Keyv({ namespace });
  if (url.startsWith('redis:') || url.startsWith('rediss:')) {
    const KeyvRedis = redisAdapter();
    return new Keyv({ store: new KeyvRedis(url), namespace, useKeyPrefix: false });
  }
  if (url.startsWith('sqlite:')) {
    const raw = url.replace(/^sqlite:\/\//, '');
    const file = raw === ':memory:' || isAbsolute(raw) ? raw : resolve(baseDir, raw);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 10_000 }), namespace });
  }
  throw new Error(`Unsupported STORE_URL scheme: ${url.split(':')[0]}`);
}

/**
 * The Redis adapter and its client (about 2.5 MB of memory and a few hundred ms of loading) are
 * loaded only when STORE_URL names Redis. Its CommonJS build, so opening a store stays synchronous.
 */
function redisAdapter(): typeof KeyvRedisAdapter {
  const loaded = createRequire(import.meta.url)('@keyv/redis') as { default: typeof KeyvRedisAdapter };
  return loaded.default;
}
