/**
 * Benchmark: 100,000 servers with a daily story, stored in a SQLite file, loaded at start-up by
 * the COMPILED bot's daily service (list every schedule, check it, plan its next post, build the
 * one-timer queue): time, and the heap it keeps per scheduled server.
 *
 * Each start-up runs in a fresh process (children/daily-start.mjs), as a restarted bot has it.
 * Baseline, in fresh processes too, taking turns with the bot: the least any loader must do, read
 * the same rows with the same paged query and JSON.parse each. Also printed: finding the next due
 * post with the queue (a heap) against a scan of every server. Asserts nothing.
 *
 * The schedules: half in twenty popular zones, half spread over every zone the runtime knows;
 * times on any quarter hour; rounds part-way through; 5% turned off; today's story already posted
 * (so nothing is sent while measuring).
 *
 *   npm run bench:daily      (builds first; SERVERS=100000 by default)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type * as RandomModule from '../src/catalogue/random.js';
import type * as HeapModule from '../src/daily/heap.js';
import type { DailySchedule } from '../src/daily/schedule.js';
import type * as ScheduleModule from '../src/daily/schedule.js';
import type * as TimeModule from '../src/daily/time.js';
import type * as KeysModule from '../src/store/keys.js';
import type * as KeyvModule from '../src/store/keyv.js';
import { load, requireBuild, root } from './lib/processes.js';
import { median, report, spreadText, type Row } from './lib/report.js';

requireBuild();
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { seededRandom } = await load<typeof RandomModule>('catalogue/random.js');
const { DueHeap } = await load<typeof HeapModule>('daily/heap.js');
const { planNext } = await load<typeof ScheduleModule>('daily/schedule.js');
const { knownZones, localDate } = await load<typeof TimeModule>('daily/time.js');
const { guildKey } = await load<typeof KeysModule>('store/keys.js');
const { openKeyv } = await load<typeof KeyvModule>('store/keyv.js');

const SERVERS = Number(process.env.SERVERS ?? 100_000);
const REPS = Number(process.env.REPS ?? 3);
const GOAL_MS = 2_000;
const GOAL_BYTES = 165;
const NOW = Date.now();
const ids = loadCatalogue().couples.map((c) => c.id);
const child = fileURLToPath(new URL('children/daily-start.mjs', import.meta.url));

function makeSchedules(count: number): Array<[string, DailySchedule]> {
  const random = seededRandom(42);
  const all = knownZones().names;
  const popular = ['Asia/Seoul', 'UTC', 'America/New_York', 'America/Los_Angeles', 'America/Chicago', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Asia/Tokyo', 'Asia/Manila', 'Asia/Jakarta', 'Asia/Singapore', 'Asia/Bangkok', 'Asia/Saigon', 'Australia/Sydney', 'America/Sao_Paulo', 'America/Mexico_City', 'Asia/Calcutta', 'Europe/Istanbul', 'America/Toronto'];
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const out: Array<[string, DailySchedule]> = [];
  for (let i = 0; i < count; i++) {
    const guildId = String(100000000000000000n + BigInt(i) * 4194304n + BigInt(i % 7));
    const timezone = random() < 0.5 ? pick(popular) : pick(all);
    const quarter = Math.floor(random() * 96);
    const time = `${String(Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`;
    const posted = ids.slice(0, 1 + Math.floor(random() * (ids.length - 1)));
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
        lastPost: { date: localDate(NOW, timezone), coupleId: posted.at(-1)!, state: 'sent', attempts: 1, claimedAt: NOW - 3_600_000 },
        round: { order: ids, posted },
      },
    ]);
  }
  return out;
}

/** Writes the records straight into the SQLite table, 500 rows per statement, in one transaction. */
async function seed(file: string, schedules: Array<[string, DailySchedule]>): Promise<void> {
  const keyv = openKeyv(`sqlite://${file}`);
  const store = keyv.store as { query: (sql: string, ...args: unknown[]) => Promise<unknown> };
  await keyv.get('create-the-table');
  await store.query('BEGIN');
  for (let i = 0; i < schedules.length; i += 500) {
    const chunk = schedules.slice(i, i + 500);
    const params: unknown[] = [];
    for (const [guildId, value] of chunk) params.push(`kiss:${guildKey(guildId, 'daily')}`, await keyv.serializeData({ value, expires: undefined }));
    await store.query(`INSERT OR REPLACE INTO keyv (key, value) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, ...params);
  }
  await store.query('COMMIT');
  await keyv.disconnect();
}

/** One start-up in a fresh process. */
function startUp(variant: 'bare' | 'bot', file: string): Promise<{ ms: number; heapKept: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', child, variant, file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += String(d)));
    proc.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { ms: number; heapKept: number }) : reject(new Error(`daily-start ${variant} exited ${code}`))));
  });
}

/** Median of `runs` timings of `fn`, each repeated `reps` times; per call, in ms. */
function time(fn: () => void, reps: number, runs = 5): number {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push((performance.now() - started) / reps);
  }
  return median(samples);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-daily-'));
const rows: Row[] = [];
try {
  const schedules = makeSchedules(SERVERS);
  const enabled = schedules.filter(([, s]) => s.enabled);
  const file = join(dir, 'daily.sqlite');
  await seed(file, schedules);

  const runs = { bare: [] as Array<{ ms: number; heapKept: number }>, bot: [] as Array<{ ms: number; heapKept: number }> };
  for (let rep = 0; rep < REPS; rep++) {
    for (const variant of rep % 2 ? (['bot', 'bare'] as const) : (['bare', 'bot'] as const)) runs[variant].push(await startUp(variant, file));
  }
  const bareMs = runs.bare.map((r) => r.ms);
  const botMs = runs.bot.map((r) => r.ms);
  const perServer = runs.bot.map((r) => r.heapKept / enabled.length);
  rows.push(
    {
      figure: `${SERVERS.toLocaleString('en')} daily schedules loaded at start-up (SQLite, a fresh process)`,
      bare: spreadText(bareMs, ' ms', 0),
      bot: spreadText(botMs, ' ms', 0),
      ratio: `${(median(botMs) / median(bareMs)).toFixed(2)}×`,
      goal: `< ${(GOAL_MS / 1000).toFixed(0)} s`,
      met: median(botMs) < GOAL_MS,
    },
    {
      figure: `heap kept per scheduled server after loading them (${enabled.length.toLocaleString('en')} enabled)`,
      bare: '',
      bot: spreadText(perServer, ' bytes', 0),
      ratio: '',
      goal: `≤ ${GOAL_BYTES} bytes (about 150 before)`,
      met: median(perServer) <= GOAL_BYTES,
    },
  );

  // Finding the next due post: the queue's heap against a scan of every entry.
  const entries = enabled.map(([g, s]) => [g, planNext(s, NOW).at] as [string, number]);
  const heap = DueHeap.from(entries);
  const flat = entries.map(([key, at]) => ({ key, at }));
  let sink = 0;
  const peekMs = time(() => (sink += heap.peek()!.at), 100_000);
  const scanMs = time(() => {
    let best = flat[0]!;
    for (const e of flat) if (e.at < best.at) best = e;
    sink += best.at;
  }, 20);
  if (sink === 42) console.log('');
  rows.push({
    figure: `finding the next due post among ${entries.length.toLocaleString('en')} (bare: a scan; bot: the queue's heap)`,
    bare: `${(scanMs * 1e3).toFixed(1)} µs`,
    bot: `${(peekMs * 1e6).toFixed(0)} ns`,
    ratio: `${(peekMs / scanMs).toExponential(1)}×`,
    goal: '',
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
report(`Daily schedules at start-up: the compiled bot (${REPS} fresh processes each)`, rows);
