import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import type * as KeyvRedisModule from '@keyv/redis';
import Keyv from 'keyv';
import { STORE_DEADLINE_MS } from './availability.js';
import { indexingClient } from './redis-index.js';
import { SqliteStore } from './sqlite.js';

/** Longest wait for a locked SQLite file: half a call's deadline, so a lock is an error in time, never a late write. */
const SQLITE_BUSY_TIMEOUT_MS = STORE_DEADLINE_MS / 2;
/** Longest wait for a Redis connection, and the longest pause between two reconnection attempts. */
const REDIS_CONNECT_TIMEOUT_MS = STORE_DEADLINE_MS;
const REDIS_MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * Opens the Keyv store named by STORE_URL:
 * - `sqlite://path/to/file.sqlite` (default; the file and its folder are created on first run),
 * - `redis://host:port` or `rediss://…` (when the bot runs as several processes),
 * - `memory://` (tests; nothing survives a restart).
 * Relative SQLite paths are resolved against `baseDir` (the project root by default).
 *
 * Errors are thrown, not hidden (Keyv's default would read a failed read as "no value" and a failed
 * write as done). Redis's offline queue is off: while the connection is down a command is refused at
 * once instead of being queued and run whenever it comes back, long after its caller gave up.
 */
export function openKeyv(url: string, baseDir = process.cwd()): Keyv {
  const namespace = 'kiss';
  if (url.startsWith('memory:')) return new Keyv({ namespace, throwOnErrors: true });
  if (url.startsWith('redis:') || url.startsWith('rediss:')) {
    const { default: KeyvRedis, createClient } = redisModule();
    /**
     * @keyv/redis connects on first use, but only the first caller waits for the connection:
     * callers right behind it find the client opening and, with the offline queue off, would be
     * refused. Here they all wait for that connection. A connection lost later is not waited for:
     * while the client reconnects, calls are refused at once (the point of turning the queue off).
     */
    class ConnectingKeyvRedis extends KeyvRedis<unknown> {
      #connecting: ReturnType<KeyvRedisModule.default<unknown>['getClient']> | undefined;

      override getClient(): ReturnType<KeyvRedisModule.default<unknown>['getClient']> {
        if (!this.client.isOpen && !this.#connecting) {
          const connecting = super.getClient();
          this.#connecting = connecting;
          const done = () => {
            if (this.#connecting === connecting) this.#connecting = undefined;
          };
          connecting.then(done, done);
        }
        return this.#connecting ?? super.getClient();
      }
    }
    // Each server's keys are indexed as they are written (see redis-index.ts); @keyv/redis puts `kiss::` before every key.
    const client = indexingClient(createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, REDIS_MAX_RECONNECT_DELAY_MS),
      },
    }), `${namespace}::`);
    const store = new ConnectingKeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: REDIS_CONNECT_TIMEOUT_MS });
    return new Keyv({ store, namespace, useKeyPrefix: false, throwOnErrors: true });
  }
  if (url.startsWith('sqlite:')) {
    const raw = url.replace(/^sqlite:\/\//, '');
    const file = raw === ':memory:' || isAbsolute(raw) ? raw : resolve(baseDir, raw);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return new Keyv({ store: new SqliteStore({ file, busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS }), namespace, throwOnErrors: true });
  }
  throw new Error(`Unsupported STORE_URL scheme: ${url.split(':')[0]}`);
}

/**
 * The Redis adapter and its client (about 2.5 MB of memory and a few hundred ms of loading) are
 * loaded only when STORE_URL names Redis. Its CommonJS build, so opening a store stays synchronous.
 */
function redisModule(): typeof KeyvRedisModule {
  return createRequire(import.meta.url)('@keyv/redis') as typeof KeyvRedisModule;
}
