import type Keyv from 'keyv';
import { z } from 'zod';
import { CHANNEL_PERMISSIONS, type DailySchedule } from '../daily/schedule.js';
import { deleteExpired, isRedis, isSqlite, keyvPrefix, redisPrefix, setIfAbsent, sqliteTable } from './atomic.js';
import { guildKey } from './keys.js';

/**
 * The daily-post schedules: one record per server at `guild:<id>:daily`, which holds its settings,
 * its rotation and the last post, written whole by the process that owns the server. Beside it,
 * each attempt at a day's post is claimed once at `guild:<id>:daily-post:<date>:<attempt>` (an
 * atomic set-if-absent), so that two processes that both think they own the server (a rolling
 * deploy) never both post: one wins the claim, the other leaves the day alone.
 *
 * Start-up must find every configured server. There is deliberately no shared index key: a list
 * that every process read-modify-writes loses updates when several processes (Redis) change it at
 * once. The records themselves are the index, listed with one key scan (see `scanEntries`).
 */
export interface DailyStore {
  /** A server's schedule; undefined when there is none (or the stored record is unreadable). */
  get(guildId: string): Promise<DailySchedule | undefined>;
  save(guildId: string, schedule: DailySchedule): Promise<void>;
  /** Returns false when there was nothing to delete. */
  delete(guildId: string): Promise<boolean>;
  /**
   * Every stored schedule, in no particular order, in batches (start-up reads 100,000 of them).
   * Only servers `include` accepts are read (a shard process skips the others' records unparsed);
   * `onInvalid` hears about records that cannot be read, which are skipped.
   */
  list(options?: ListOptions): AsyncIterable<readonly StoredSchedule[]>;
  /**
   * Claims attempt `attempt` (1 for the first) at the post for local `date`: of every holder, in
   * any process, exactly one gets true (again, if it asks again). Claims expire after a few days,
   * and a server's expired claims are deleted when it claims a new day.
   */
  claimPost(guildId: string, date: string, attempt: number, claim: PostClaim): Promise<boolean>;
}

/** A claim of a day's post. */
export interface PostClaim {
  /** Who claims: one id per daily service, so a claim whose schedule could not be saved can be taken up again. */
  readonly holder: string;
  readonly coupleId: string;
  readonly claimedAt: number;
}

/** How long a day's claim is kept: past the end of that local day in every zone. */
export const POST_CLAIM_TTL_MS = 3 * 24 * 60 * 60 * 1000;

export interface ListOptions {
  readonly include?: (guildId: string) => boolean;
  readonly onInvalid?: (guildId: string, problem: string) => void;
}

export interface StoredSchedule {
  readonly guildId: string;
  readonly schedule: DailySchedule;
}

const KIND = 'daily';
const KEY = /^guild:(\d{1,20}):daily$/;
/** The same keys as a glob (SQLite GLOB and Redis MATCH speak the same syntax). */
const KEY_GLOB = 'guild:*:daily';
/** Records per page: per SQLite query, per Redis SCAN, per batch handed to the service. */
const BATCH = 1_000;

// No string in a valid record starts with ":" (the one character Keyv's default serializer
// escapes), which is what lets `list` read records with a plain JSON.parse (see `readFast`).
const snowflake = z.string().regex(/^\d{1,20}$/);
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);
const scheduleSchema = z.object({
  channelId: snowflake,
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  timezone: z.string().regex(/^[A-Za-z][\w+/-]{0,63}$/),
  roleId: snowflake.optional(),
  language: z.enum(['en', 'ko']),
  enabled: z.boolean(),
  disabledReason: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('channel-deleted') }),
      z.object({ kind: z.literal('missing-permissions'), missing: z.array(z.enum(CHANNEL_PERMISSIONS)) }),
    ])
    .optional(),
  disabledAt: z.number().optional(),
  activeSince: z.number(),
  lastPost: z
    .object({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      coupleId: slug,
      state: z.enum(['sending', 'sent', 'retrying', 'abandoned']),
      attempts: z.number().int().min(0),
      retryAt: z.number().optional(),
      claimedAt: z.number(),
    })
    .optional(),
  round: z.object({ order: z.array(slug), posted: z.array(slug) }),
});

type Parsed = { ok: true; schedule: DailySchedule } | { ok: false; problem: string };

function parse(value: unknown): Parsed {
  const result = scheduleSchema.safeParse(value);
  if (result.success) return { ok: true, schedule: result.data };
  const issue = result.error.issues[0];
  return { ok: false, problem: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid' };
}

/**
 * Reads one stored text the fast way, or returns undefined when only Keyv can tell. Keyv's own
 * deserializer runs a JSON reviver over every value (for Buffers and escaped strings), which costs
 * 6× a plain JSON.parse; a valid schedule holds neither, so a plain parse that yields a valid
 * schedule is exact. Anything else (another serializer, compression, a damaged record) is left to
 * Keyv's deserializer.
 */
function readFast(raw: string, now: number): Parsed | 'expired' | undefined {
  try {
    const data = JSON.parse(raw) as { value?: unknown; expires?: unknown } | null;
    if (!data || typeof data !== 'object') return undefined;
    if (typeof data.expires === 'number' && data.expires < now) return 'expired';
    const parsed = parse(data.value);
    return parsed.ok ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The exact way: Keyv's own deserializer. */
async function readSlow(keyv: Keyv, raw: string, now: number): Promise<Parsed | 'expired'> {
  const data = await keyv.deserializeData<unknown>(raw);
  if (!data) return { ok: false, problem: 'unreadable' };
  if (typeof data.expires === 'number' && data.expires < now) return 'expired';
  return parse(data.value);
}

export function createDailyStore(keyv: Keyv): DailyStore {
  return {
    async get(guildId) {
      const raw = await keyv.get<unknown>(guildKey(guildId, KIND));
      if (raw === undefined || raw === null) return undefined;
      const parsed = parse(raw);
      return parsed.ok ? parsed.schedule : undefined;
    },
    async save(guildId, schedule) {
      await keyv.set(guildKey(guildId, KIND), schedule);
    },
    async delete(guildId) {
      return keyv.delete(guildKey(guildId, KIND));
    },
    async claimPost(guildId, date, attempt, claim) {
      const key = guildKey(guildId, 'daily-post', date, String(attempt));
      if (await setIfAbsent(keyv, key, claim, POST_CLAIM_TTL_MS)) {
        // The server's claims of past days have expired: a few rows, removed once a day.
        if (attempt === 1) await deleteExpired(keyv, guildKey(guildId, 'daily-post', ''));
        return true;
      }
      return (await keyv.get<PostClaim>(key))?.holder === claim.holder;
    },
    async *list({ include, onInvalid } = {}) {
      const now = Date.now();
      for await (const page of scanEntries(keyv)) {
        const batch: StoredSchedule[] = [];
        for (const [key, stored] of page) {
          const guildId = KEY.exec(key)?.[1];
          if (!guildId || (include && !include(guildId))) continue;
          const parsed = 'value' in stored ? parse(stored.value) : (readFast(stored.raw, now) ?? (await readSlow(keyv, stored.raw, now)));
          if (parsed === 'expired') continue;
          if (parsed.ok) batch.push({ guildId, schedule: parsed.schedule });
          else onInvalid?.(guildId, parsed.problem);
        }
        if (batch.length) yield batch;
      }
    },
  };
}

// ---- Listing the records ---------------------------------------------------------------------
//
// Keyv has `iterator()`, but @keyv/sqlite's pages with LIMIT 10 OFFSET n through nested generators:
// quadratic, ~1 s for 5,000 rows and minutes for 100,000 (bench/daily.ts measures it). So SQLite
// gets GLOB queries paged along the primary key, Redis a SCAN with a large COUNT (on every master of a cluster), the
// in-memory Map is read directly, and any other store goes through Keyv's own iterator. Only daily
// keys are returned, without the store's prefixes, with the raw stored text where there is one.

/** A stored value: the raw text as the store holds it, or a value Keyv already decoded. */
export type Stored = { readonly raw: string } | { readonly value: unknown };

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]]/g, (c) => `[${c}]`);
}

/** Which keys a scan returns: a glob (SQLite GLOB, Redis MATCH) and the exact pattern it stands for. */
export interface KeyShape {
  readonly glob: string;
  readonly pattern: RegExp;
}

const DAILY_KEYS: KeyShape = { glob: KEY_GLOB, pattern: KEY };

/**
 * Every record whose key has the given shape (by default the daily records) as [key without
 * prefixes, stored value], in pages, in as few round trips as the store allows.
 */
export async function* scanEntries(keyv: Keyv, keys: KeyShape = DAILY_KEYS): AsyncGenerator<Array<[string, Stored]>> {
  const store: unknown = keyv.store;
  const prefix = keyvPrefix(keyv);
  const strip = (key: string, extra = 0) => key.slice(prefix.length + extra);

  if (isSqlite(store)) {
    // Keyset pages along the primary key: each page is one index seek, and memory stays at one page.
    const sql = `SELECT key, value FROM ${sqliteTable(store)} WHERE key > ? AND key GLOB ? ORDER BY key LIMIT ${BATCH}`;
    const glob = `${escapeGlob(prefix)}${keys.glob}`;
    let after = '';
    for (;;) {
      const rows = (await store.query(sql, after, glob)) as Array<{ key: string; value: string }>;
      if (!rows.length) return;
      yield rows.map((row): [string, Stored] => [strip(row.key), { raw: row.value }]);
      after = (rows.at(-1) as { key: string }).key;
    }
  }

  if (isRedis(store)) {
    const storePrefix = redisPrefix(store);
    const match = `${escapeGlob(storePrefix + prefix)}${keys.glob}`;
    for (const node of await store.getMasterNodes()) {
      let cursor = '0';
      do {
        const page = await node.scan(cursor, { MATCH: match, COUNT: BATCH });
        cursor = String(page.cursor);
        if (!page.keys.length) continue;
        const values = await store.mget(page.keys);
        const out: Array<[string, Stored]> = [];
        page.keys.forEach((key, i) => {
          const raw = values[i];
          if (typeof raw === 'string') out.push([strip(key, storePrefix.length), { raw }]);
        });
        yield out;
      } while (cursor !== '0');
    }
    return;
  }

  if (store instanceof Map) {
    let page: Array<[string, Stored]> = [];
    for (const [key, raw] of store as Map<string, unknown>) {
      if (typeof key !== 'string' || !key.startsWith(prefix)) continue;
      const bare = strip(key);
      if (!keys.pattern.test(bare)) continue;
      page.push([bare, typeof raw === 'string' ? { raw } : { value: (raw as { value?: unknown } | undefined)?.value }]);
      if (page.length >= BATCH) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
    return;
  }

  if (!keyv.iterator) throw new Error('This Keyv store cannot list its keys, so daily schedules cannot be loaded');
  let page: Array<[string, Stored]> = [];
  for await (const [key, value] of keyv.iterator(keyv.namespace) as AsyncGenerator<[string, unknown]>) {
    if (!keys.pattern.test(key)) continue;
    page.push([key, { value }]);
    if (page.length >= BATCH) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}
