import { coupleId } from '../stories/schema.js';
import type Keyv from 'keyv';
import { array, boolean, CheckError, number, object, oneOf, optional, text, type Check } from '../check.js';
import { CHANNEL_PERMISSIONS, type DailySchedule, type DisabledReason } from '../daily/schedule.js';
import { deleteExpired, setIfAbsent } from './atomic.js';
import { guildKey } from './keys.js';
import { scanKind } from './scan.js';

/**
 * The daily-post schedules: one record per server at `guild:<id>:daily`, which holds its settings,
 * its rotation and the last post, written whole by the process that owns the server. Beside it,
 * each attempt at a day's post is claimed once at `guild:<id>:daily-post:<date>:<attempt>` (an
 * atomic set-if-absent), so that two processes that both think they own the server (a rolling
 * deploy) never both post: one wins the claim, the other leaves the day alone.
 *
 * Start-up must find every configured server. There is deliberately no shared index key: a list
 * that every process read-modify-writes loses updates when several processes (Redis) change it at
 * once. The records themselves are the index, listed with one key scan (see scan.ts).
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
/** Schedules per batch handed to the service. */
const BATCH = 500;

// No string in a valid record starts with ":" (the one character Keyv's default serializer
// escapes), which is what lets `list` read records with a plain JSON.parse (see `readFast`).
const snowflake = text({ pattern: [/^\d{1,20}$/, 'must be an id'] });
// A catalogue couple's id (`park-bo-gum-kim-yoo-jung`) or a server story's (`own.` and 8 characters, src/stories).
const slug = coupleId;
const disabledReason: Check<DisabledReason> = (value) => {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === 'channel-deleted') return { kind };
  if (kind === 'missing-permissions') return object({ kind: oneOf(['missing-permissions']), missing: array(oneOf(CHANNEL_PERMISSIONS)) })(value);
  throw new CheckError(['kind'], 'must be channel-deleted or missing-permissions');
};
const scheduleSchema: Check<DailySchedule> = object({
  channelId: snowflake,
  time: text({ pattern: [/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 20:00'] }),
  timezone: text({ pattern: [/^[A-Za-z][\w+/-]{0,63}$/, 'must be a time zone name'] }),
  roleId: optional(snowflake),
  language: oneOf(['en', 'ko']),
  enabled: boolean(),
  disabledReason: optional(disabledReason),
  disabledAt: optional(number()),
  activeSince: number(),
  lastPost: optional(
    object({
      date: text({ pattern: [/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-03-10'] }),
      coupleId: slug,
      state: oneOf(['sending', 'sent', 'retrying', 'abandoned']),
      attempts: number({ integer: true, min: 0 }),
      retryAt: optional(number()),
      claimedAt: number(),
    }),
  ),
  round: object({ order: array(slug), posted: array(slug) }),
});

type Parsed = { ok: true; schedule: DailySchedule } | { ok: false; problem: string };

function parse(value: unknown): Parsed {
  try {
    return { ok: true, schedule: scheduleSchema(value) };
  } catch (error) {
    if (error instanceof CheckError) return { ok: false, problem: error.message };
    throw error;
  }
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
      for await (const page of scanKind(keyv, KIND)) {
        // Handed on in small batches, so the parsed records are garbage again soon (cheap to collect).
        let batch: StoredSchedule[] = [];
        for (const [guildId, stored] of page) {
          if (include && !include(guildId)) continue;
          const parsed = 'value' in stored ? parse(stored.value) : (readFast(stored.raw, now) ?? (await readSlow(keyv, stored.raw, now)));
          if (parsed === 'expired') continue;
          if (parsed.ok) batch.push({ guildId, schedule: parsed.schedule });
          else onInvalid?.(guildId, parsed.problem);
          if (batch.length >= BATCH) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
      }
    },
  };
}
