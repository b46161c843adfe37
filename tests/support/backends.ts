import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { openKeyv } from '../../src/store/keyv.js';

/** Two connections to one store, as two bot processes sharing it have. */
export interface SharedStore {
  readonly a: Keyv;
  readonly b: Keyv;
  /** A server id no other test run uses (the Redis database outlives runs); `close` removes its keys from Redis. */
  readonly guild: () => string;
  /** Closes both connections (and removes a temporary SQLite file). */
  readonly close: () => Promise<void>;
}

export interface Backend {
  readonly name: string;
  /** True when this backend cannot run here (Redis without TEST_REDIS_URL). */
  readonly skip: boolean;
  open(): SharedStore;
}

let counter = 0;

function uniqueGuildId(): string {
  counter += 1;
  return String(BigInt(Date.now()) * 1_000_000n + BigInt(process.pid % 1000) * 1000n + BigInt(counter));
}

interface RedisClient {
  scan(cursor: string, options: { MATCH: string; COUNT: number }): Promise<{ cursor: string | number; keys: string[] }>;
  unlink(keys: string[]): Promise<number>;
}

/** Removes every key of the given servers from Redis, and nothing else. */
export async function forgetGuilds(keyv: Keyv, guilds: readonly string[]): Promise<void> {
  const client = await (keyv.store as { getClient(): Promise<RedisClient> }).getClient();
  for (const guildId of guilds) {
    let cursor = '0';
    do {
      const page = await client.scan(cursor, { MATCH: `*guild:${guildId}:*`, COUNT: 1_000 });
      cursor = String(page.cursor);
      if (page.keys.length) await client.unlink(page.keys);
    } while (cursor !== '0');
  }
}

function both(a: Keyv, b: Keyv, options: { redis?: boolean; after?: () => void } = {}): SharedStore {
  const guilds: string[] = [];
  return {
    a,
    b,
    guild() {
      const id = uniqueGuildId();
      guilds.push(id);
      return id;
    },
    async close() {
      if (options.redis) await forgetGuilds(a, guilds);
      await Promise.all([a.disconnect(), b.disconnect()]);
      options.after?.();
    },
  };
}

/**
 * Every store the bot runs on: memory (two Keyvs over one Map), a real SQLite file (two
 * connections) and Redis at TEST_REDIS_URL (two clients; skipped when it is not set). The Redis
 * database is shared and never flushed: tests use keys of their own and remove them.
 */
export const BACKENDS: readonly Backend[] = [
  {
    name: 'memory',
    skip: false,
    open() {
      const map = new Map<string, unknown>();
      return both(new Keyv({ store: map, namespace: 'kiss' }), new Keyv({ store: map, namespace: 'kiss' }));
    },
  },
  {
    name: 'SQLite',
    skip: false,
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'kiss-shared-'));
      const url = `sqlite://${join(dir, 'bot.sqlite')}`;
      return both(openKeyv(url), openKeyv(url), { after: () => rmSync(dir, { recursive: true, force: true }) });
    },
  },
  {
    name: 'Redis (TEST_REDIS_URL)',
    skip: !process.env.TEST_REDIS_URL,
    open() {
      const url = process.env.TEST_REDIS_URL ?? '';
      return both(openKeyv(url), openKeyv(url), { redis: true });
    },
  },
];

