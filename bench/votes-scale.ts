/**
 * Benchmark: does a vote cost the same however many members already voted? Measures the COMPILED
 * bot (`npm run build` first; the modules come from dist/), and prints figures; it asserts nothing.
 *
 * (a) The store cost of one vote (through the poll service, alone in its batch: read the poll, its
 *     counts and the member; write the member and the counts) on polls that already have 100, 10,000
 *     and 100,000 voters, on SQLite, and on Redis when TEST_REDIS_URL or REDIS_URL is set. Median of
 *     several rounds, with their spread, and the ratio largest/smallest (goal: at most 1.5×).
 * (b) A burst of 1,000 members voting at once on a poll that already has 50,000 voters, through the
 *     poll service with its batching, on SQLite: time until every vote is answered (goal: at most
 *     3 s), next to the same burst on the in-memory store, measured in the same run.
 *
 * The existing voters are seeded in bulk through the store's own atomic write. On Redis every key
 * the run wrote is removed at the end (the database may be shared). Run:
 *   npm run build && npx tsx bench/votes-scale.ts
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Keyv from 'keyv';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type * as ClockModule from '../src/clock.js';
import type * as LoggerModule from '../src/logger.js';
import type { PollPublisher } from '../src/polls/publisher.js';
import type * as ServiceModule from '../src/polls/service.js';
import type * as KeyvModule from '../src/store/keyv.js';
import type * as PollStoreModule from '../src/store/polls.js';
import { report, type Row } from './lib/report.js';

const dist = new URL('../dist/src/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('polls/service.js', dist)))) {
  console.error('No compiled bot in dist/: run `npm run build` first.');
  process.exit(1);
}
const load = async <T>(path: string) => (await import(new URL(path, dist).href)) as T;
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { systemClock } = await load<typeof ClockModule>('clock.js');
const { createLogger } = await load<typeof LoggerModule>('logger.js');
const { createPollService } = await load<typeof ServiceModule>('polls/service.js');
const { openKeyv } = await load<typeof KeyvModule>('store/keyv.js');
const { createPollStore } = await load<typeof PollStoreModule>('store/polls.js');

type PollService = ServiceModule.PollService;
type PollStore = PollStoreModule.PollStore;

const catalogue = loadCatalogue();
const logger = createLogger({ level: 'silent' });
const SIZES = [100, 10_000, 100_000];
const ROUNDS = 9;
const VOTES_PER_ROUND = 100;
const BURST = 1_000;
const BURST_EXISTING = 50_000;
const BURST_ROUNDS = 3;
const SEED_CHUNK = 10_000;
const runId = `${Date.now() % 1_000_000}${process.pid % 1000}`;
let guildSeq = 0;
const newGuild = () => `9${runId}${String(++guildSeq).padStart(3, '0')}`;
const member = (n: number) => String(400000000000000000n + BigInt(n));

const publisher: PollPublisher = {
  async editMessage() {
    return 'ok';
  },
  async postMessage() {
    return { ok: true, messageId: '900000000000000001' };
  },
};

interface Bench {
  readonly keyv: Keyv;
  readonly store: PollStore;
  readonly service: PollService;
}

function open(url: string): Bench {
  const keyv = openKeyv(url);
  const store = createPollStore(keyv);
  return { keyv, store, service: createPollService({ store, catalogue, clock: systemClock, logger, publisher, renderChart: () => Buffer.alloc(0) }) };
}

/** A new poll in a new server, with `voters` members' votes written in bulk (chunks of one atomic write each). */
async function seededPoll({ store, service }: Bench, voters: number) {
  const guildId = newGuild();
  const poll = await service.create({ guildId, channelId: '2', starterId: '3', durationMs: 3_600_000, hideCounts: false, lang: 'en' });
  for (let from = 0; from < voters; from += SEED_CHUNK) {
    const snapshot = (await store.read(guildId, poll.id, []))!;
    const votes = new Map<string, string>();
    for (let n = from; n < Math.min(voters, from + SEED_CHUNK); n++) votes.set(member(n), poll.coupleIds[n % poll.coupleIds.length]!);
    await store.write(snapshot, { votes });
  }
  const stored = await store.getCounted(guildId, poll.id);
  if (stored?.counts.voters !== voters) throw new Error(`seeded ${stored?.counts.voters} voters, wanted ${voters}`);
  return { guildId, pollId: poll.id };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

/**
 * One round on one poll: votes by members who had not voted, one at a time, each awaited (a batch
 * of one); then they withdraw again, so every round starts from the same number of voters.
 * Returns the ms per vote.
 */
async function round(bench: Bench, guildId: string, pollId: string, firstId: number): Promise<number> {
  const ids = Array.from({ length: VOTES_PER_ROUND }, (_, i) => member(firstId + i));
  const started = performance.now();
  for (const [i, userId] of ids.entries()) await bench.service.vote({ guildId, pollId, userId, index: i % 4 });
  const elapsed = (performance.now() - started) / VOTES_PER_ROUND;
  for (const userId of ids) await bench.service.withdraw({ guildId, pollId, userId });
  return elapsed;
}

const rows: Row[] = [];

async function scaleOn(label: string, url: () => string, cleanup: (keyv: Keyv, guilds: string[]) => Promise<void>) {
  console.log(`\n(a) one vote, on ${label} (${ROUNDS} rounds of ${VOTES_PER_ROUND} votes per size, the sizes taking turns; median, min–max per vote):`);
  const polls = [];
  for (const size of SIZES) {
    const bench = open(url());
    const seedStart = performance.now();
    polls.push({ size, bench, ...(await seededPoll(bench, size)), seedMs: performance.now() - seedStart, rounds: [] as number[] });
  }
  // The sizes take turns, so drifting load on the machine touches them alike; round 0 warms up and is not counted.
  for (let r = 0; r <= ROUNDS; r++) {
    for (const p of polls) {
      const perVote = await round(p.bench, p.guildId, p.pollId, p.size + 1 + r * VOTES_PER_ROUND);
      if (r > 0) p.rounds.push(perVote);
    }
  }
  for (const p of polls) {
    const stored = await p.bench.store.getCounted(p.guildId, p.pollId);
    if (stored?.counts.voters !== p.size) throw new Error(`the poll ended with ${stored?.counts.voters} voters, wanted ${p.size}`);
    console.log(`  ${String(p.size).padStart(7)} voters: ${ms(median(p.rounds))}  (${ms(Math.min(...p.rounds))} – ${ms(Math.max(...p.rounds))}; seeded in ${(p.seedMs / 1000).toFixed(1)} s)`);
    await p.bench.service.stop();
    await cleanup(p.bench.keyv, [p.guildId]);
    await p.bench.keyv.disconnect();
  }
  const medians = polls.map((p) => median(p.rounds));
  const ratio = Math.max(...medians) / Math.min(...medians);
  console.log(`  largest / smallest median: ${ratio.toFixed(2)}× (goal ≤ 1.5×)${ratio <= 1.5 ? '' : '  ← over the goal'}`);
  const name = label.split(' ')[0];
  rows.push({
    figure: `one vote on a poll with ${SIZES.map((n) => n.toLocaleString('en')).join(' / ')} voters (${name}; bare: the smallest poll)`,
    bare: ms(medians[0]!),
    bot: medians.map(ms).join(' / '),
    ratio: `${ratio.toFixed(2)}× (largest ÷ smallest)`,
    goal: '≤ 1.50×',
    met: ratio <= 1.5,
  });
}

/** 1,000 members voting at once on a poll with 50,000 voters: ms until every vote is answered. */
async function burstOn(url: () => string): Promise<number[]> {
  const bench = open(url());
  const { guildId, pollId } = await seededPoll(bench, BURST_EXISTING);
  const times: number[] = [];
  for (let round = 0; round < BURST_ROUNDS; round++) {
    const first = BURST_EXISTING + round * BURST;
    const started = performance.now();
    const receipts = await Promise.all(Array.from({ length: BURST }, (_, i) => bench.service.vote({ guildId, pollId, userId: member(first + i), index: i % 4 })));
    times.push(performance.now() - started);
    if (receipts.some((r) => r.outcome !== 'new')) throw new Error('a burst vote was not new');
  }
  const stored = await bench.store.getCounted(guildId, pollId);
  if (stored?.counts.voters !== BURST_EXISTING + BURST_ROUNDS * BURST) throw new Error(`the burst poll has ${stored?.counts.voters} voters`);
  await bench.service.stop();
  await bench.keyv.disconnect();
  return times;
}

/** Removes every key of the given servers from Redis (SCAN + UNLINK), leaving the rest of the database alone. */
async function removeFromRedis(keyv: Keyv, guilds: string[]) {
  const store = keyv.store as {
    getClient(): Promise<{ scan(cursor: string, o: { MATCH: string; COUNT: number }): Promise<{ cursor: string | number; keys: string[] }>; unlink(keys: string[]): Promise<number> }>;
  };
  const client = await store.getClient();
  for (const guildId of guilds) {
    let cursor = '0';
    do {
      const page = await client.scan(cursor, { MATCH: `*guild:${guildId}:*`, COUNT: 10_000 });
      cursor = String(page.cursor);
      if (page.keys.length) await client.unlink(page.keys);
    } while (cursor !== '0');
  }
}

const began = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'votes-scale-'));
let files = 0;
const sqliteUrl = () => `sqlite://${join(dir, `bench-${++files}.sqlite`)}`;
try {
  console.log(`Votes at scale, compiled bot (dist/), Node ${process.version}`);
  await scaleOn('SQLite (a file in the temporary folder)', sqliteUrl, async () => undefined);
  const redis = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
  if (redis) await scaleOn(`Redis (${redis.replace(/\/\/[^@]*@/, '//')})`, () => redis, removeFromRedis);
  else console.log('\n(a) on Redis: skipped (set TEST_REDIS_URL or REDIS_URL)');

  console.log(`\n(b) ${BURST} members voting at once on a poll with ${BURST_EXISTING} voters, through the poll service (${BURST_ROUNDS} rounds; median, min–max):`);
  const sqlite = await burstOn(sqliteUrl);
  const memory = await burstOn(() => 'memory://');
  console.log(`  SQLite:                 ${ms(median(sqlite))}  (${ms(Math.min(...sqlite))} – ${ms(Math.max(...sqlite))}) (goal ≤ 3000 ms)${median(sqlite) <= 3000 ? '' : '  ← over the goal'}`);
  console.log(`  in-memory (baseline):   ${ms(median(memory))}  (${ms(Math.min(...memory))} – ${ms(Math.max(...memory))})`);
  console.log(`  SQLite / in-memory:     ${(median(sqlite) / median(memory)).toFixed(2)}×`);
  rows.push({
    figure: `${BURST.toLocaleString('en')} members voting at once on a poll with ${BURST_EXISTING.toLocaleString('en')} voters, all answered (bare: the in-memory store; bot: SQLite)`,
    bare: ms(median(memory)),
    bot: `${ms(median(sqlite))} (${ms(Math.min(...sqlite))} – ${ms(Math.max(...sqlite))})`,
    ratio: `${(median(sqlite) / median(memory)).toFixed(2)}×`,
    goal: '≤ 3000 ms',
    met: median(sqlite) <= 3000,
  });
  console.log(`\nDone in ${((performance.now() - began) / 1000).toFixed(1)} s.`);
  report('Votes at scale, compiled bot', rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
