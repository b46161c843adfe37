import type Keyv from 'keyv';
import { isLive, isRedis, isSqlite, keyvPrefix, redisPrefix, sqliteTable } from './atomic.js';
import { LUA_DECODE, runScript } from './scripts.js';

/*
 * Leases: a claim on a piece of work (posting a poll's results, a World Cup step) that one process
 * holds at a time, in any process sharing the store, for a short time renewed while it works. A
 * holder that dies stops renewing, and its lease lapses within LEASE_MS: another process takes the
 * work over within seconds. Before its one visible step, the holder confirms it still holds the
 * lease (a holder stalled past its lease, whose work another took over, stops there).
 *
 * Stored as `{ holder, at }` with Keyv's own expiry. Taking and renewing are one call (`takeLease`:
 * the lease is free, lapsed or already this holder's); giving up deletes it only for its holder.
 * SQLite: one INSERT … ON CONFLICT DO UPDATE … WHERE; Redis: a Lua script; memory: a check-and-set.
 */

/** How long a lease holds without renewal: the longest a dead holder delays its work. */
export const LEASE_MS = 15_000;
/** How often a held lease is renewed. */
export const LEASE_RENEW_MS = 5_000;

/** A lease taken, or the time (epoch ms) at which the other holder's lease lapses unless renewed. */
export type LeaseClaim = { readonly held: true } | { readonly held: false; readonly expiresAt: number };

interface LeaseValue {
  readonly holder: string;
  readonly at: number;
}

function unsupported(): Error {
  return new Error('This Keyv store cannot keep leases atomically (supported: memory, SQLite, Redis)');
}

/** KEYS[1] the lease. ARGV: now, holder, stored text, ttl. Returns 1 when taken, else the other holder's ms left. */
const LUA_TAKE = `${LUA_DECODE}
local data = decoded(redis.call('GET', KEYS[1]))
if data and not (type(data.value) == 'table' and data.value.holder == ARGV[2]) then
  return -1 - math.max(0, redis.call('PTTL', KEYS[1]))
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
`;

/** KEYS[1] the lease. ARGV: now, holder. */
const LUA_DROP = `${LUA_DECODE}
local data = decoded(redis.call('GET', KEYS[1]))
if data and type(data.value) == 'table' and data.value.holder == ARGV[2] then redis.call('DEL', KEYS[1]) end
return 1
`;

/** The other holder's expiry, read after a refused take (close enough: it only says when to look again). */
async function expiryOf(keyv: Keyv, key: string, now: number, ttlMs: number): Promise<number> {
  const raw = await keyv.getRaw<LeaseValue>(key);
  return typeof raw?.expires === 'number' ? raw.expires : now + ttlMs;
}

/**
 * Takes the lease at `key` for `holder`, or renews it when `holder` has it: held for `ttlMs` from
 * now. Refused while another holder's lease has not lapsed.
 */
export async function takeLease(keyv: Keyv, key: string, holder: string, ttlMs: number): Promise<LeaseClaim> {
  const store: unknown = keyv.store;
  const now = Date.now();
  const ttl = Math.max(1, Math.ceil(ttlMs));
  const full = keyvPrefix(keyv) + key;
  const text = await keyv.serializeData({ value: { holder, at: now } satisfies LeaseValue, expires: now + ttl });
  if (typeof text !== 'string') throw new Error('This Keyv store has no serializer; leases need one');

  if (isSqlite(store)) {
    const table = sqliteTable(store);
    const rows = await store.query(
      `INSERT INTO ${table} (key, value) VALUES (?1, ?2)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value
       WHERE CASE WHEN NOT json_valid(${table}.value) THEN 1
                  WHEN ${table}.value ->> '$.expires' < ?3 THEN 1
                  ELSE (${table}.value ->> '$.value.holder') IS ?4 END
       RETURNING key`,
      full,
      text,
      now,
      holder,
    );
    return rows.length === 1 ? { held: true } : { held: false, expiresAt: await expiryOf(keyv, key, now, ttl) };
  }

  if (isRedis(store)) {
    const reply = Number(await runScript(store, LUA_TAKE, [redisPrefix(store) + full], [String(now), holder, text, String(ttl)]));
    return reply === 1 ? { held: true } : { held: false, expiresAt: now + (-1 - reply) };
  }

  if (store instanceof Map) {
    const map = store as Map<string, unknown>;
    for (;;) {
      const raw = map.get(full);
      const live = await isLive(keyv, raw, now);
      const data = live ? (typeof raw === 'string' ? await keyv.deserializeData<LeaseValue>(raw) : (raw as { value?: LeaseValue; expires?: number })) : undefined;
      if (map.get(full) !== raw) continue;
      if (data && data.value?.holder !== holder) return { held: false, expiresAt: typeof data.expires === 'number' ? data.expires : now + ttl };
      map.set(full, text);
      return { held: true };
    }
  }

  throw unsupported();
}

/** Gives the lease at `key` up, if `holder` has it (another holder's lease is left alone). */
export async function dropLease(keyv: Keyv, key: string, holder: string): Promise<void> {
  const store: unknown = keyv.store;
  const full = keyvPrefix(keyv) + key;

  if (isSqlite(store)) {
    await store.query(`DELETE FROM ${sqliteTable(store)} WHERE key = ?1 AND CASE WHEN json_valid(value) THEN (value ->> '$.value.holder') IS ?2 ELSE 0 END`, full, holder);
    return;
  }

  if (isRedis(store)) {
    await runScript(store, LUA_DROP, [redisPrefix(store) + full], [String(Date.now()), holder]);
    return;
  }

  if (store instanceof Map) {
    const map = store as Map<string, unknown>;
    for (;;) {
      const raw = map.get(full);
      const data = typeof raw === 'string' ? await keyv.deserializeData<LeaseValue>(raw) : (raw as { value?: LeaseValue } | undefined);
      if (map.get(full) !== raw) continue;
      if (data?.value?.holder === holder) map.delete(full);
      return;
    }
  }

  throw unsupported();
}

/** How a lease is taken (or renewed) and given up: the store calls of one piece of work. */
export interface LeaseOps {
  take(): Promise<LeaseClaim>;
  drop(): Promise<void>;
}

/**
 * A lease held while working: renewed every `renewMs` until released. `confirm()` before a step
 * that must happen once; `release()` when done (in a `finally`).
 */
export class HeldLease {
  #lost = false;
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly ops: LeaseOps,
    renewMs: number,
  ) {
    this.#timer = setInterval(() => void this.#renew().catch(() => undefined), renewMs);
    this.#timer.unref();
  }

  /** Takes the lease and starts renewing it; when another holder has it, when that one's lapses. */
  static async take(ops: LeaseOps, options: { renewMs?: number | undefined } = {}): Promise<HeldLease | { readonly held: false; readonly expiresAt: number }> {
    const claim = await ops.take();
    if (!claim.held) return claim;
    return new HeldLease(ops, options.renewMs ?? LEASE_RENEW_MS);
  }

  readonly held = true;

  /** Renews the lease now: false when it was lost (it lapsed and another holder took it). */
  async confirm(): Promise<boolean> {
    await this.#renew();
    return !this.#lost;
  }

  /** Stops renewing and gives the lease up (whoever comes next may take the work). */
  async release(): Promise<void> {
    this.#stop();
    if (!this.#lost) await this.ops.drop();
  }

  async #renew(): Promise<void> {
    if (this.#lost || !this.#timer) return;
    const claim = await this.ops.take();
    if (!claim.held) {
      this.#lost = true;
      this.#stop();
    }
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
