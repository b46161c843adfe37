/**
 * Benchmark: 100,000 servers with a daily story, in an in-memory Keyv and in a SQLite file.
 *
 * Measures what start-up costs (listing the stored schedules, planning each server's next post,
 * building the heap) in time and memory, and how long finding the next due post takes. Every
 * figure is also given as a ratio against a baseline measured in the same run, since machines are
 * shared and noisy:
 * - start-up against a plain JSON.parse of the same records (the least any loader must do);
 * - listing SQLite with paged key-range queries against Keyv's own `iterator()` (measured on small
 *   tables: it is quadratic, so it is extrapolated to the full count rather than run for minutes);
 * - the heap's peek and pop/re-insert against a naive scan of all entries for the earliest.
 *
 * Run: `npx tsx --expose-gc bench/daily.ts [servers]` (without --expose-gc, memory figures are rougher).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Keyv from 'keyv';
import { loadCatalogue } from '../src/catalogue/catalogue.js';
import { seededRandom as seeded } from '../src/catalogue/random.js';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { DueHeap } from '../src/daily/heap.js';
import type { DailyPublisher } from '../src/daily/publisher.js';
import { planNext, type DailySchedule } from '../src/daily/schedule.js';
import { createDailyService } from '../src/daily/service.js';
import { addDays, knownZones, localDate } from '../src/daily/time.js';
import { createLogger } from '../src/logger.js';
import { createDailyStore } from '../src/store/daily.js';
import { guildKey } from '../src/store/keys.js';
import { openKeyv } from '../src/store/keyv.js';

const SERVERS = Number(process.argv[2] ?? 100_000);
const NOW = Date.UTC(2026, 2, 10, 9, 0);
const catalogue = loadCatalogue();
const ids = catalogue.couples.map((c) => c.id);
const gc = (globalThis as { gc?: () => void }).gc;


/**
 * Realistic-to-hard data: half the servers in the twenty most likely zones, half spread over every
 * zone the runtime knows; times on any quarter hour; rounds part-way through; a few turned off.
 */
function makeSchedules(count: number): Array<[string, DailySchedule]> {
  const random = seeded(42);
  const all = knownZones().names;
  const popular = ['Asia/Seoul', 'UTC', 'America/New_York', 'America/Los_Angeles', 'America/Chicago', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Asia/Tokyo', 'Asia/Manila', 'Asia/Jakarta', 'Asia/Singapore', 'Asia/Bangkok', 'Asia/Saigon', 'Australia/Sydney', 'America/Sao_Paulo', 'America/Mexico_City', 'Asia/Calcutta', 'Europe/Istanbul', 'America/Toronto'];
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const out: Array<[string, DailySchedule]> = [];
  for (let i = 0; i < count; i++) {
    const guildId = String(100000000000000000n + BigInt(i) * 4194304n + BigInt(i % 7));
    const timezone = random() < 0.5 ? pick(popular) : pick(all);
    const quarter = Math.floor(random() * 96);
    const time = `${String(Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`;
    const posted = ids.slice(0, Math.floor(random() * ids.length));
    const today = localDate(NOW, timezone);
    out.push([
      guildId,
      {
        channelId: String(200000000000000000n + BigInt(i)),
        time,
        timezone,
        roleId: random() < 0.3 ? String(300000000000000000n + BigInt(i)) : undefined,
        language: random() < 0.5 ? 'ko' : 'en',
        enabled: random() < 0.95,
        activeSince: NOW - 30 * 86_400_000,
        lastPost: posted.length ? { date: random() < 0.5 ? today : addDays(today, -1), coupleId: posted.at(-1) as string, state: 'sent', attempts: 1, claimedAt: NOW - 86_400_000 } : undefined,
        round: { order: ids, posted },
      },
    ]);
  }
  return out;
}

const silentPublisher: DailyPublisher = {
  post: async () => ({ kind: 'ok' }),
  checkChannel: async () => ({ ok: true }),
};

function memory() {
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** Starts a daily service over `keyv` and reports time and retained memory. */
async function startUp(keyv: Keyv) {
  const before = memory();
  const clock = new ManualClock(NOW);
  const service = createDailyService({
    store: createDailyStore(keyv),
    catalogue,
    clock,
    logger: createLogger({ level: 'silent' }),
    publisher: silentPublisher,
    ownsGuild: () => true,
    random: seeded(1),
  });
  const started = performance.now();
  await service.start();
  const took = performance.now() - started;
  const after = memory();
  const pending = clock.pending;
  await service.stop();
  return { took, heap: after.heap - before.heap, rss: after.rss - before.rss, pending };
}

/** Writes the records straight into the SQLite table, 500 rows per statement, in one transaction. */
async function seedSqlite(keyv: Keyv, schedules: Array<[string, DailySchedule]>, serialized: string[]) {
  const store = keyv.store as { query: (sql: string, ...args: unknown[]) => Promise<unknown> };
  const prefix = keyv.namespace ? `${keyv.namespace}:` : '';
  await store.query('BEGIN');
  for (let i = 0; i < schedules.length; i += 500) {
    const chunk = schedules.slice(i, i + 500);
    const params = chunk.flatMap(([guildId], j) => [prefix + guildKey(guildId, 'daily'), serialized[i + j]]);
    await store.query(`INSERT OR REPLACE INTO keyv (key, value) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, params);
  }
  await store.query('COMMIT');
}

/** Keyv's own iterator over a SQLite table of `rows` schedules (the listing this design avoids). */
async function keyvIterator(dir: string, schedules: Array<[string, DailySchedule]>, serialized: string[], rows: number) {
  const keyv = openKeyv(`sqlite://${join(dir, `iterator-${rows}.sqlite`)}`);
  await seedSqlite(keyv, schedules.slice(0, rows), serialized);
  const started = performance.now();
  let seen = 0;
  for await (const entry of keyv.iterator!(keyv.namespace)) if (entry) seen++;
  const took = performance.now() - started;
  await keyv.disconnect();
  if (seen !== rows) throw new Error(`iterator saw ${seen} of ${rows}`);
  return took;
}

/** Median of `runs` timings of `fn`, each repeated `reps` times; per call, in ms. */
function time(fn: () => void, reps: number, runs = 5): number {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push((performance.now() - started) / reps);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

async function main() {
  console.log(`Daily schedules: ${SERVERS.toLocaleString('en')} servers (Node ${process.version}${gc ? '' : ', run with --expose-gc for steadier memory figures'})\n`);
  const schedules = makeSchedules(SERVERS);
  const enabled = schedules.filter(([, s]) => s.enabled).length;
  const dir = mkdtempSync(join(tmpdir(), 'daily-bench-'));
  try {
    // ---- Baseline: the least any loader does — parse every record once.
    const memoryKeyv = openKeyv('memory://');
    const serialized = await Promise.all(schedules.map(([, value]) => memoryKeyv.serializeData({ value, expires: undefined }) as Promise<string>));
    const parseMs = time(() => serialized.forEach((s) => void JSON.parse(s)), 1, 5);
    const beforeKeep = memory().heap;
    let kept: unknown[] | undefined = serialized.map((s) => JSON.parse(s) as unknown);
    const keptHeap = memory().heap - beforeKeep;
    if (kept.length !== SERVERS) throw new Error('unreachable');
    kept = undefined;

    // ---- In-memory Keyv.
    for (let i = 0; i < schedules.length; i += 1_000) {
      await memoryKeyv.setMany(schedules.slice(i, i + 1_000).map(([g, value]) => ({ key: guildKey(g, 'daily'), value })));
    }
    const inMemoryFirst = await startUp(memoryKeyv);
    const inMemory = await startUp(memoryKeyv);

    // ---- SQLite file.
    const sqliteKeyv = openKeyv(`sqlite://${join(dir, 'daily.sqlite')}`);
    await seedSqlite(sqliteKeyv, schedules, serialized);
    const sqliteFirst = await startUp(sqliteKeyv);
    const sqlite = await startUp(sqliteKeyv);
    await sqliteKeyv.disconnect();

    // ---- Keyv's iterator on SQLite, on small tables (quadratic: extrapolated).
    const small = Math.min(2_500, SERVERS);
    const smallMs = await keyvIterator(dir, schedules, serialized, small);
    const doubleMs = await keyvIterator(dir, schedules, serialized, small * 2);
    const growth = Math.log2(doubleMs / smallMs);
    const extrapolated = doubleMs * (SERVERS / (small * 2)) ** Math.max(1, growth);

    // ---- Finding the next due post: heap against a naive scan.
    const entries = schedules.filter(([, s]) => s.enabled).map(([g, s]) => [g, planNext(s, NOW).at] as [string, number]);
    const heap = DueHeap.from(entries);
    const flat = entries.map(([key, at]) => ({ key, at }));
    const naiveEarliest = () => {
      let best = flat[0]!;
      for (const e of flat) if (e.at < best.at) best = e;
      return best;
    };
    let sink = 0;
    const peekMs = time(() => (sink += heap.peek()!.at), 100_000);
    const scanMs = time(() => (sink += naiveEarliest().at), 20);
    const popMs = time(() => {
      const top = heap.pop()!;
      heap.set(top.key, top.at + 86_400_000);
    }, 20_000);
    const scanUpdateMs = time(() => {
      const top = naiveEarliest();
      top.at += 86_400_000;
    }, 20);
    const heapifyMs = time(() => void DueHeap.from(entries), 1, 3);
    if (sink === 42) console.log('');

    const rows: Array<[string, string, string]> = [
      ['baseline: JSON.parse of every record', ms(parseMs), '1.00×'],
      ['start-up, in-memory Keyv (first)', ms(inMemoryFirst.took), ratio(inMemoryFirst.took, parseMs)],
      ['start-up, in-memory Keyv (again)', ms(inMemory.took), ratio(inMemory.took, parseMs)],
      ['start-up, SQLite file (cold)', ms(sqliteFirst.took), ratio(sqliteFirst.took, parseMs)],
      ['start-up, SQLite file (warm)', ms(sqlite.took), ratio(sqlite.took, parseMs)],
      [`Keyv iterator on SQLite, ${small.toLocaleString('en')} rows`, ms(smallMs), ratio(smallMs, parseMs * (small / SERVERS))],
      [`Keyv iterator on SQLite, ${(small * 2).toLocaleString('en')} rows (growth n^${growth.toFixed(2)})`, ms(doubleMs), ''],
      [`Keyv iterator on SQLite, ${SERVERS.toLocaleString('en')} rows (extrapolated)`, ms(extrapolated), `${ratio(extrapolated, sqlite.took)} this start-up`],
      ['heap build (heapify) of the due times', ms(heapifyMs), ratio(heapifyMs, parseMs)],
    ];
    console.log('Start-up');
    for (const [what, figure, vs] of rows) console.log(`  ${what.padEnd(66)} ${figure.padStart(10)}  ${vs}`);
    console.log(`  (scheduled ${enabled.toLocaleString('en')} enabled servers; clock timers armed: ${inMemory.pending})`);
    console.log('\nMemory of the started service: heap retained after GC / RSS growth during start-up (the peak, incl. the query result)');
    console.log(`  in-memory Keyv: ${mb(inMemory.heap)} / ${mb(inMemory.rss)}; SQLite: ${mb(sqlite.heap)} / ${mb(sqlite.rss)}; heap per scheduled server: ${Math.round(sqlite.heap / enabled)} bytes`);
    console.log(`  baseline: the same records parsed and kept in memory: ${mb(keptHeap)} (${ratio(keptHeap, sqlite.heap)} the service's heap)`);
    console.log('\nFinding the next due post');
    console.log(`  naive scan of ${entries.length.toLocaleString('en')} entries for the earliest  ${(scanMs * 1e3).toFixed(1).padStart(10)} µs  1.00×`);
    console.log(`  heap peek                                           ${(peekMs * 1e6).toFixed(0).padStart(10)} ns  ${(scanMs / peekMs).toFixed(0)}× faster`);
    console.log(`  naive scan + move to tomorrow                       ${(scanUpdateMs * 1e3).toFixed(1).padStart(10)} µs  1.00×`);
    console.log(`  heap pop + re-insert for tomorrow                   ${(popMs * 1e6).toFixed(0).padStart(10)} ns  ${(scanUpdateMs / popMs).toFixed(0)}× faster`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
