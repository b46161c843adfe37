import type Keyv from 'keyv';
import { isLive, isRedis, isSqlite, keyvPrefix, redisPrefix, sqliteTable } from './atomic.js';
import { LUA_DECODE, runScript } from './scripts.js';

/*
 * Counters shared between processes: named counts under one key, changed only by increments that
 * the store applies itself. No process ever reads a count, adds to it and writes the sum back (two
 * processes doing that at once lose one's change): every change is one atomic step on the backend.
 *
 * - `addCounts(keyv, key, deltas)` adds deltas to named counters (a poll result to a leaderboard,
 *   a finished World Cup to the statistics, a quiz answer to the scores). With `once: token`, only
 *   the first call carrying that token changes anything, in any process: a step retried after a
 *   crash is counted once. The last ONCE_KEPT tokens are remembered.
 * - `setMarks(keyv, countsKey, marks)` stores members' marks (a vote: the couple voted for) and
 *   moves the counts by label in the same step: each mark's old label, as stored at that moment,
 *   loses one, its new label gains one. The counts therefore always equal the marks stored, however
 *   many processes write at once. With `unless: fenceKey`, nothing is written once the fence key
 *   holds a value (a poll's close): a late batch cannot change counts already read for results.
 * - `readCounts(keyv, key)` (or `countsOf` of a value read with keyv.get/getMany) reads them all.
 *
 * Stored as an ordinary Keyv value (`{ n: { name: count }, once?: [token…] }`, with Keyv's own
 * `expires`), so keyv.get reads it, key scans list it and expiry works as for any other value; a
 * counter at zero is dropped. Backends: SQLite, one INSERT … ON CONFLICT DO UPDATE whose JSON is
 * computed from the row as it is at that moment; Redis, one Lua script (run alone by the server);
 * memory (tests), a check-and-set on the Map. Marks' and counts' keys are full store keys, so on
 * Redis the bot's single server (not a cluster) is required.
 */

/** Tokens a counters key remembers for `once`: far more than the steps that can be retried at once. */
export const ONCE_KEPT = 200;

export type Counts = ReadonlyMap<string, number>;

/** What a counters key stores. */
interface CountsValue {
  readonly n: Readonly<Record<string, number>>;
  readonly once?: readonly string[];
}

/** One member's mark, counted under its label in a counters key. */
export interface Mark {
  readonly key: string;
  /** The new label; null stores the mark as none (a withdrawn vote), counted nowhere. */
  readonly label: string | null;
  readonly ttlMs?: number | undefined;
  /** What the mark counted as while its key holds nothing (a vote kept in an older format). */
  readonly absentAs?: string | null | undefined;
  /** Written only if its key holds nothing (converting older data: a newer mark is kept). */
  readonly onlyIfAbsent?: boolean | undefined;
}

export interface CountOptions {
  /** The counters' expiry from now; without it they never expire (an earlier expiry is removed). */
  readonly ttlMs?: number | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The counters in a value read with keyv.get: empty when there are none (or it is not a counters value). */
export function countsOf(value: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  const n = isRecord(value) ? value.n : undefined;
  if (!isRecord(n)) return counts;
  for (const [name, count] of Object.entries(n)) if (Number.isSafeInteger(count)) counts.set(name, count as number);
  return counts;
}

export async function readCounts(keyv: Keyv, key: string): Promise<Map<string, number>> {
  return countsOf(await keyv.get<unknown>(key));
}

function deltaList(deltas: Iterable<readonly [string, number]>): Array<[string, number]> {
  const summed = new Map<string, number>();
  for (const [name, delta] of deltas) {
    if (!Number.isSafeInteger(delta)) throw new Error(`A counter moves by whole numbers: ${name} by ${delta}`);
    summed.set(name, (summed.get(name) ?? 0) + delta);
  }
  return [...summed].filter(([, d]) => d !== 0);
}

function checkMarks(countsKey: string, marks: readonly Mark[]): void {
  const keys = new Set<string>([countsKey]);
  for (const mark of marks) {
    if (keys.has(mark.key)) throw new Error(`A key appears twice among the marks and counts: ${mark.key}`);
    keys.add(mark.key);
    for (const label of [mark.label, mark.absentAs]) {
      // Keyv's serializer escapes a string starting with ':' (it would be stored as another label).
      if (label !== null && label !== undefined && (label === '' || label.startsWith(':'))) throw new Error(`Not a mark label: "${label}"`);
    }
  }
}

const ttlOf = (ttlMs: number | undefined) => (ttlMs === undefined ? undefined : Math.max(1, Math.ceil(ttlMs)));

async function serialize(keyv: Keyv, value: unknown, ttl: number | undefined, now: number): Promise<string> {
  const text = await keyv.serializeData({ value, expires: ttl === undefined ? undefined : now + ttl });
  if (typeof text !== 'string') throw new Error('This Keyv store has no serializer; counters need one');
  return text;
}

function unsupported(): Error {
  return new Error('This Keyv store cannot keep counters atomically (supported: memory, SQLite, Redis)');
}

/** Adds deltas to counts (a count at zero is dropped), as every backend does. */
function added(n: Readonly<Record<string, unknown>>, deltas: Iterable<readonly [string, number]>): Record<string, number> {
  const next: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [name, count] of Object.entries(n)) if (Number.isSafeInteger(count)) next[name] = count as number;
  for (const [name, delta] of deltas) {
    const sum = (Object.hasOwn(next, name) ? next[name]! : 0) + delta;
    if (sum === 0) delete next[name];
    else next[name] = sum;
  }
  return next;
}

// ---- SQLite ----------------------------------------------------------------------------------
// A row is live when its JSON is valid and it has not expired (as Keyv decides). The INSERT reads
// the table it writes, so SQLite computes every row to write before writing any: the counts are
// computed from the marks and counters as they were when the statement started.

const SQL_LIVE = (v: string) => `json_valid(${v}) AND coalesce(${v} ->> '$.expires' >= ?2, 1)`;

/** The counters row's current value as `base(n, once)`: ?1 is its key, ?2 now. */
const sqlBase = (table: string) => `
  cur(v) AS (SELECT CASE WHEN ${SQL_LIVE('value')} THEN value -> '$.value' END FROM ${table} WHERE key = ?1),
  base(n, once) AS (
    SELECT coalesce(CASE WHEN json_type(v, '$.n') = 'object' THEN v -> '$.n' END, '{}'),
           coalesce(CASE WHEN json_type(v, '$.once') = 'array' THEN v -> '$.once' END, '[]')
    FROM (SELECT (SELECT v FROM cur) AS v))`;

/** The counters row to write, from `merged(name, n)` and a `once` list expression; its expiry is `expires`. */
const sqlCountsRow = (once: string, expires: string) =>
  `json_patch(json_object('value', json_patch(json_object('n', json((SELECT json_group_object(name, n) FROM merged))), json_object('once', CASE WHEN json_array_length(${once}) > 0 THEN json(${once}) END))), json_object('expires', ${expires}))`;

/** `merged(name, n)`: the base counts plus `deltas(name, delta)`, zeros dropped. */
const SQL_MERGED = `
  merged(name, n) AS (
    SELECT name, sum(n) FROM (
      SELECT e.key AS name, e.value AS n FROM base, json_each(base.n) AS e WHERE e.type = 'integer'
      UNION ALL SELECT name, delta FROM deltas)
    GROUP BY name HAVING sum(n) <> 0)`;

/** ?1 key, ?2 now, ?3 deltas as JSON [[name, delta]…], ?4 once token or null, ?5 tokens kept, ?6 expires or null. */
const sqlAddCounts = (table: string) => `
  WITH ${sqlBase(table)},
  deltas(name, delta) AS (SELECT d.value ->> '$[0]', d.value ->> '$[1]' FROM json_each(?3) AS d),
  ${SQL_MERGED},
  tokens(list) AS (
    SELECT CASE WHEN ?4 IS NULL THEN once
                WHEN json_array_length(once) >= ?5 THEN json_insert(json_remove(once, '$[0]'), '$[#]', ?4)
                ELSE json_insert(once, '$[#]', ?4) END FROM base)
  INSERT INTO ${table} (key, value)
  SELECT ?1, ${sqlCountsRow('list', '?6')} FROM tokens
  WHERE ?4 IS NULL OR NOT EXISTS (SELECT 1 FROM base, json_each(base.once) AS e WHERE e.value = ?4)
  ON CONFLICT(key) DO UPDATE SET value = excluded.value
  RETURNING key`;

/**
 * ?1 counts key, ?2 now, ?3 marks as JSON [[key, label, absentAs, onlyIfAbsent, text]…], ?4 the
 * counts' expires or null, ?5 the fence key or null.
 */
const sqlSetMarks = (table: string) => `
  WITH ${sqlBase(table)},
  m(k, label, absent_as, keep, text) AS (
    SELECT e.value ->> '$[0]', e.value ->> '$[1]', e.value ->> '$[2]', e.value ->> '$[3]', e.value ->> '$[4]' FROM json_each(?3) AS e),
  s(k, label, keep, text, present, old) AS (
    SELECT m.k, m.label, m.keep, m.text, t.key IS NOT NULL,
           CASE WHEN t.key IS NULL THEN m.absent_as WHEN json_type(t.value, '$.value') = 'text' THEN t.value ->> '$.value' END
    FROM m LEFT JOIN ${table} AS t ON t.key = m.k AND ${SQL_LIVE('t.value')}),
  w AS (SELECT * FROM s WHERE NOT (keep AND present)),
  deltas(name, delta) AS (
    SELECT old, -1 FROM w WHERE old IS NOT NULL AND old IS NOT label
    UNION ALL SELECT label, 1 FROM w WHERE label IS NOT NULL AND old IS NOT label),
  ${SQL_MERGED},
  ok(yes) AS (SELECT ?5 IS NULL OR NOT EXISTS (SELECT 1 FROM ${table} WHERE key = ?5 AND ${SQL_LIVE('value')}))
  INSERT INTO ${table} (key, value)
  SELECT k, text FROM w WHERE (SELECT yes FROM ok)
  UNION ALL
  SELECT ?1, ${sqlCountsRow('once', '?4')} FROM base WHERE (SELECT yes FROM ok)
  ON CONFLICT(key) DO UPDATE SET value = excluded.value
  RETURNING key`;

// ---- Redis -----------------------------------------------------------------------------------

const LUA_COUNTS = `${LUA_DECODE}
local function counters(raw)
  local data = decoded(raw)
  local value = data and data.value
  local n, once = {}, {}
  if type(value) == 'table' then
    if type(value.n) == 'table' then n = value.n end
    if type(value.once) == 'table' then once = value.once end
  end
  return n, once
end
local function add(n, name, delta)
  local sum = (tonumber(n[name]) or 0) + delta
  if sum == 0 then n[name] = nil else n[name] = sum end
end
local function save(key, n, once, ttl)
  local value = { n = n }
  if #once > 0 then value.once = once end
  local data = { value = value }
  if ttl then data.expires = now + ttl end
  local text = cjson.encode(data)
  if ttl then redis.call('SET', key, text, 'PX', ttl) else redis.call('SET', key, text) end
end
`;

/** KEYS[1] the counters. ARGV: now, ttl ('' none), once token ('' none), tokens kept, then name, delta pairs. */
const LUA_ADD_COUNTS = `${LUA_COUNTS}
local n, once = counters(redis.call('GET', KEYS[1]))
local token = ARGV[3]
if token ~= '' then
  for i = 1, #once do if once[i] == token then return 0 end end
  once[#once + 1] = token
  while #once > tonumber(ARGV[4]) do table.remove(once, 1) end
end
for i = 5, #ARGV, 2 do add(n, ARGV[i], tonumber(ARGV[i + 1])) end
save(KEYS[1], n, once, tonumber(ARGV[2]))
return 1
`;

/**
 * KEYS[1] the counters, KEYS[2] the fence (when ARGV[3] is '1'), KEYS[3…] the marks. ARGV: now, the
 * counters' ttl ('' none), fenced, then per mark: label ('=' + label, '' none), absentAs (same),
 * onlyIfAbsent ('1'/'0'), ttl ('' none), stored text.
 */
const LUA_SET_MARKS = `${LUA_COUNTS}
if ARGV[3] == '1' and decoded(redis.call('GET', KEYS[2])) then return 0 end
local deltas = {}
local function move(label, d) if label then deltas[label] = (deltas[label] or 0) + d end end
local function label(arg) if arg == '' then return nil end return string.sub(arg, 2) end
for i = 3, #KEYS do
  local a = 4 + (i - 3) * 5
  local new = label(ARGV[a])
  local data = decoded(redis.call('GET', KEYS[i]))
  if not (ARGV[a + 2] == '1' and data) then
    local old
    if data then
      if type(data.value) == 'string' then old = data.value end
    else
      old = label(ARGV[a + 1])
    end
    if old ~= new then move(old, -1) move(new, 1) end
    local ttl = tonumber(ARGV[a + 3])
    if ttl then redis.call('SET', KEYS[i], ARGV[a + 4], 'PX', ttl) else redis.call('SET', KEYS[i], ARGV[a + 4]) end
  end
end
local n, once = counters(redis.call('GET', KEYS[1]))
for name, d in pairs(deltas) do add(n, name, d) end
save(KEYS[1], n, once, tonumber(ARGV[2]))
return 1
`;

// ---- memory ----------------------------------------------------------------------------------

/**
 * Changes values of a Map store in one synchronous step: reads them (decoding may await), computes
 * the writes, and applies them only if none of the keys changed meanwhile (else starts over).
 * `change` gets each key's live value (undefined when absent or expired) and returns the texts to
 * write, or undefined to write nothing.
 */
async function changeMap(
  keyv: Keyv,
  map: Map<string, unknown>,
  keys: readonly string[],
  change: (live: ReadonlyMap<string, { value: unknown; expires?: unknown } | undefined>) => Promise<Map<string, string> | undefined>,
): Promise<boolean> {
  for (;;) {
    const now = Date.now();
    const raws = keys.map((k) => map.get(k));
    const live = new Map<string, { value: unknown } | undefined>();
    for (const [i, key] of keys.entries()) {
      const raw = raws[i];
      if (!(await isLive(keyv, raw, now))) live.set(key, undefined);
      else live.set(key, typeof raw === 'string' ? ((await keyv.deserializeData(raw)) as { value: unknown }) : (raw as { value: unknown }));
    }
    const writes = await change(live);
    if (keys.some((k, i) => map.get(k) !== raws[i])) continue;
    for (const [key, text] of writes ?? []) map.set(key, text);
    return writes !== undefined;
  }
}

const storedCounts = (data: { value: unknown } | undefined): CountsValue => {
  const value = data?.value;
  if (!isRecord(value)) return { n: {} };
  return { n: isRecord(value.n) ? (value.n as Record<string, number>) : {}, once: Array.isArray(value.once) ? value.once.filter((t): t is string => typeof t === 'string') : undefined };
};

// ---- the operations --------------------------------------------------------------------------

/**
 * Adds `deltas` to the counters under `key`, in one atomic step in any process. With `once`, only
 * the first call carrying that token does; the result says whether this one did.
 */
export async function addCounts(keyv: Keyv, key: string, deltas: Iterable<readonly [string, number]>, options: CountOptions & { readonly once?: string | undefined } = {}): Promise<boolean> {
  const list = deltaList(deltas);
  const store: unknown = keyv.store;
  const full = keyvPrefix(keyv) + key;
  const ttl = ttlOf(options.ttlMs);
  const now = Date.now();

  if (isSqlite(store)) {
    const rows = await store.query(sqlAddCounts(sqliteTable(store)), full, now, JSON.stringify(list), options.once ?? null, ONCE_KEPT, ttl === undefined ? null : now + ttl);
    return rows.length === 1;
  }

  if (isRedis(store)) {
    const args = [String(now), ttl === undefined ? '' : String(ttl), options.once ?? '', String(ONCE_KEPT), ...list.flatMap(([name, d]) => [name, String(d)])];
    return (await runScript(store, LUA_ADD_COUNTS, [redisPrefix(store) + full], args)) === 1;
  }

  if (store instanceof Map) {
    return changeMap(keyv, store as Map<string, unknown>, [full], async (live) => {
      const { n, once = [] } = storedCounts(live.get(full));
      if (options.once !== undefined && once.includes(options.once)) return undefined;
      const tokens = options.once === undefined ? once : [...once, options.once].slice(-ONCE_KEPT);
      const value: CountsValue = tokens.length ? { n: added(n, list), once: tokens } : { n: added(n, list) };
      return new Map([[full, await serialize(keyv, value, ttl, now)]]);
    });
  }

  throw unsupported();
}

/**
 * Stores `marks` and moves the counts under `countsKey` by their labels, in one atomic step in any
 * process: each mark's label as stored at that moment loses one, its new label gains one. With
 * `unless`, nothing is written when that key holds a live value; the result says whether the marks
 * were written.
 */
export async function setMarks(keyv: Keyv, countsKey: string, marks: readonly Mark[], options: CountOptions & { readonly unless?: string | undefined } = {}): Promise<boolean> {
  checkMarks(countsKey, marks);
  const store: unknown = keyv.store;
  const prefix = keyvPrefix(keyv);
  const full = prefix + countsKey;
  const fence = options.unless === undefined ? undefined : prefix + options.unless;
  const ttl = ttlOf(options.ttlMs);
  const now = Date.now();
  const texts = await Promise.all(marks.map((m) => serialize(keyv, m.label, ttlOf(m.ttlMs), now)));

  if (isSqlite(store)) {
    const rows = marks.map((m, i) => [prefix + m.key, m.label, m.absentAs ?? null, m.onlyIfAbsent === true, texts[i]]);
    const written = await store.query(sqlSetMarks(sqliteTable(store)), full, now, JSON.stringify(rows), ttl === undefined ? null : now + ttl, fence ?? null);
    return written.length > 0;
  }

  if (isRedis(store)) {
    const redis = redisPrefix(store);
    const label = (l: string | null | undefined) => (l === null || l === undefined ? '' : `=${l}`);
    const args = [String(now), ttl === undefined ? '' : String(ttl), fence === undefined ? '0' : '1'];
    marks.forEach((m, i) => {
      const markTtl = ttlOf(m.ttlMs);
      args.push(label(m.label), label(m.absentAs), m.onlyIfAbsent ? '1' : '0', markTtl === undefined ? '' : String(markTtl), texts[i]!);
    });
    const keys = [redis + full, redis + (fence ?? full), ...marks.map((m) => redis + prefix + m.key)];
    return (await runScript(store, LUA_SET_MARKS, keys, args)) === 1;
  }

  if (store instanceof Map) {
    const keys = [full, ...(fence === undefined ? [] : [fence]), ...marks.map((m) => prefix + m.key)];
    return changeMap(keyv, store as Map<string, unknown>, keys, async (live) => {
      if (fence !== undefined && live.get(fence)) return undefined;
      const writes = new Map<string, string>();
      const deltas: Array<[string, number]> = [];
      marks.forEach((m, i) => {
        const data = live.get(prefix + m.key);
        if (m.onlyIfAbsent && data) return;
        const old = data ? (typeof data.value === 'string' ? data.value : null) : (m.absentAs ?? null);
        if (old !== m.label) {
          if (old !== null) deltas.push([old, -1]);
          if (m.label !== null) deltas.push([m.label, 1]);
        }
        writes.set(prefix + m.key, texts[i]!);
      });
      const { n, once } = storedCounts(live.get(full));
      writes.set(full, await serialize(keyv, once?.length ? { n: added(n, deltas), once } : { n: added(n, deltas) }, ttl, now));
      return writes;
    });
  }

  throw unsupported();
}
