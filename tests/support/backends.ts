import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { openKeyv } from '../../src/store/keyv.js';

/** Two connections to one store, as two bot processes sharing it have. */
export interface SharedStore {
  readonly a: Keyv;
  readonly b: Keyv;
  /** Closes both connections (and removes a temporary SQLite file). */
  readonly close: () => Promise<void>;
}

export interface Backend {
  readonly name: string;
  /** True when this backend cannot run here (Redis without TEST_REDIS_URL). */
  readonly skip: boolean;
  open(): SharedStore;
}

function both(a: Keyv, b: Keyv, after: () => void = () => undefined): SharedStore {
  return {
    a,
    b,
    async close() {
      await Promise.all([a.disconnect(), b.disconnect()]);
      after();
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
      return both(openKeyv(url), openKeyv(url), () => rmSync(dir, { recursive: true, force: true }));
    },
  },
  {
    name: 'Redis (TEST_REDIS_URL)',
    skip: !process.env.TEST_REDIS_URL,
    open() {
      const url = process.env.TEST_REDIS_URL ?? '';
      return both(openKeyv(url), openKeyv(url));
    },
  },
];

let counter = 0;

/** A server id no other test run uses (the Redis database outlives runs). */
export function uniqueGuildId(): string {
  counter += 1;
  return String(BigInt(Date.now()) * 1_000_000n + BigInt(process.pid % 1000) * 1000n + BigInt(counter));
}
