/**
 * Benchmark: what a server's data costs to show, at the size of a large bot's store. The COMPILED bot
 * (`node dist/src/main.js`) answers `/kiss-data show` for a server with 100 keys, through the local
 * Discord simulator (which refuses a first answer later than Discord's 3 s), first with that server
 * alone in the store (the baseline), then with OTHERS keys (1,000,000 by default) of 1,000 other
 * servers written beside it. Then, in this process, the hourly listing of removed servers (100, then
 * 1,000 of them) among those keys: the bot's (a key range on SQLite, an index on Redis) against a
 * scan of the whole keyspace (Redis's listing before it had an index).
 *
 * On SQLite, and on Redis when `redis-server` is installed (a private one, on a free port, emptied
 * at the end). Figures only: the answer must come within 3 s and not deferred, which the simulator
 * checks; nothing is timed against a goal in a test.
 *
 *   npm run bench:data-show      (OTHERS=1000000 REPS=20 by default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { startSimulator, type SimUser, type Simulator } from '@kiss-scene-bot/discord-simulator';
import sqlite3 from 'sqlite3';
import type * as LoaderModule from '../src/loader.js';
import type * as RegistrationModule from '../src/registration.js';
import type * as StoreModule from '../src/store/index.js';
import { load, requireBuild, startMeasured } from './lib/processes.js';
import { median, report, type Row } from './lib/report.js';

requireBuild();
const { commandPayload, loadCommands } = await load<typeof LoaderModule>('loader.js');
const { registerCommands } = await load<typeof RegistrationModule>('registration.js');
const { createStore, openKeyv } = await load<typeof StoreModule>('store/index.js');

const OTHERS = Number(process.env.OTHERS ?? 1_000_000);
const SERVERS = 1_000;
const PER_SERVER = Math.ceil(OTHERS / SERVERS);
const OWN_KEYS = 100;
const REPS = Number(process.env.REPS ?? 20);
const LISTING_REPS = 7;
const tmp = mkdtempSync(join(tmpdir(), 'bench-data-show-'));

const ms = (values: readonly number[]) => `${median(values).toFixed(1)} ms (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
const count = (n: number) => n.toLocaleString('en');

interface Backend {
  readonly name: 'SQLite' | 'Redis';
  readonly url: string;
  /** Writes `PER_SERVER` keys for each of `servers`, as the bot writes them (Redis: with their index). */
  seedOthers(servers: readonly string[]): Promise<void>;
  /** Lists the removal records by scanning every key (Redis before its index); undefined on SQLite. */
  scanRemovals?(): Promise<number>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function sqliteBackend(): Backend {
  const file = join(tmp, 'state.sqlite');
  return {
    name: 'SQLite',
    url: `sqlite://${file}`,
    async seedOthers(servers) {
      // One statement, in SQLite itself: a member's vote per key, as `guild:<id>:poll:<poll>:vote:<member>`.
      const db = new sqlite3.Database(file);
      db.configure('busyTimeout', 10_000);
      const values = servers.map((id) => `('${id}')`).join(',');
      await new Promise<void>((resolve, reject) =>
        db.run(
          `WITH servers(id) AS (VALUES ${values}),
                n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${PER_SERVER - 1})
           INSERT INTO keyv (key, value)
           SELECT 'kiss:guild:' || id || ':poll:p' || (i / 100) || ':vote:' || (300000000000 + i), '{"value":"park-bo-gum-kim-yoo-jung"}'
           FROM servers, n`,
          (err) => (err ? reject(err) : resolve()),
        ),
      );
      const rows = await new Promise<Array<{ n: number }>>((resolve, reject) => db.all(`SELECT count(*) AS n FROM keyv`, (err, found: Array<{ n: number }>) => (err ? reject(err) : resolve(found))));
      const n = rows[0]?.n ?? 0;
      if (n < servers.length * PER_SERVER) throw new Error(`only ${n} keys in SQLite`);
      await new Promise<void>((resolve) => db.close(() => resolve()));
    },
    async close() {},
  };
}

async function redisBackend(): Promise<Backend | undefined> {
  const port = await freePort();
  let server: ChildProcess;
  try {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d: Buffer) => {
        out += String(d);
        if (out.includes('Ready to accept connections')) resolve();
      });
      server.once('error', reject);
      server.once('exit', () => reject(new Error('redis-server exited')));
    });
  } catch {
    return undefined;
  }
  const url = `redis://127.0.0.1:${port}`;
  const client = createClient({ url });
  await client.connect();
  return {
    name: 'Redis',
    url,
    async seedOthers(servers) {
      // Each server's keys and its index entries, as the bot's client writes them (one script per server).
      const script = `for i = 0, tonumber(ARGV[2]) - 1 do
          local member = 'poll:p' .. math.floor(i / 100) .. ':vote:' .. string.format('%d', 300000000000 + i)
          redis.call('SET', 'kiss::guild:' .. ARGV[1] .. ':' .. member, '{"value":"park-bo-gum-kim-yoo-jung"}')
          redis.call('ZADD', 'kiss::guild-index:' .. ARGV[1], 'inf', member)
        end`;
      for (let i = 0; i < servers.length; i += 50) {
        await Promise.all(servers.slice(i, i + 50).map((id) => client.eval(script, { keys: [], arguments: [id, String(PER_SERVER)] })));
      }
      const keys = await client.dbSize();
      if (keys < servers.length * PER_SERVER) throw new Error(`only ${keys} keys in Redis`);
    },
    async scanRemovals() {
      let found = 0;
      for await (const page of client.scanIterator({ MATCH: 'kiss::lifecycle:removal:*', COUNT: 1000 })) {
        if (page.length) found += (await client.mGet(page)).length;
      }
      return found;
    },
    async close() {
      await client.quit();
      server.kill('SIGKILL');
    },
  };
}

/** `/kiss-data show` by `mod`, REPS times: the time to the first answer, each checked to be the answer itself (not deferred). */
async function showTimes(sim: Simulator, guildId: string, mod: SimUser): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REPS + 2; i++) {
    const started = performance.now();
    const res = await sim.command({ user: mod, guildId, name: 'kiss-data', subcommand: 'show' });
    const took = performance.now() - started;
    if (res.outcome !== 'replied' || !res.message?.content.includes(`Pinned video links: ${OWN_KEYS}`)) {
      throw new Error(`/kiss-data show was not answered at once with the server's data: ${res.outcome} ${res.message?.content ?? ''}`);
    }
    // The first two warm the process up.
    if (i >= 2) times.push(took);
  }
  return times;
}

async function listingTimes(store: ReturnType<typeof createStore>, expected: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < LISTING_REPS; i++) {
    const started = performance.now();
    const found = await store.lifecycle.listRemovals();
    times.push(performance.now() - started);
    if (found.length !== expected) throw new Error(`listed ${found.length} removals, not ${expected}`);
  }
  return times;
}

async function measure(backend: Backend): Promise<Row[]> {
  const sim = await startSimulator({ identifyIntervalMs: 0 });
  const bots: Array<{ stop(): Promise<void> }> = [];
  try {
    const guild = sim.createGuild({ name: 'Measured Club', channels: [{ name: 'general' }] });
    // The other servers the bot is in (so start-up finds their data where it belongs).
    const others = Array.from({ length: SERVERS }, (_, i) => sim.createGuild({ name: `Club ${i}` }).id);
    const mod = sim.createMember(guild.id, { username: 'mina', moderator: true }).user;
    await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));

    const store = createStore(openKeyv(backend.url));
    for (let i = 0; i < OWN_KEYS; i++) await store.videos.pin(guild.id, `couple-${i}`, { url: `https://youtu.be/v${i}`, pinnedBy: mod.id, pinnedAt: 1 });

    const bot = await startMeasured({ variant: 'bot', apiUrl: sim.apiUrl, token: sim.token, storeUrl: backend.url, cwd: tmp });
    bots.push(bot);
    const alone = await showTimes(sim, guild.id, mod);

    const seedStarted = performance.now();
    await backend.seedOthers(others);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    // SQLite: the seed held the file's lock; the bot's store may have been down for it meanwhile.
    await new Promise((r) => setTimeout(r, 1_500));
    const crowded = await showTimes(sim, guild.id, mod);
    await bot.stop();

    // The hourly listing: 100, then 1,000 removed servers among the keys.
    const listed: Record<number, number[]> = {};
    const scanned: number[] = [];
    for (const removedCount of [100, 1_000]) {
      for (const id of others.slice(0, removedCount)) await store.lifecycle.scheduleRemoval({ guildId: id, removedAt: 1, deleteAt: 2 });
      listed[removedCount] = await listingTimes(store, removedCount);
      if (removedCount === 100 && backend.scanRemovals) {
        for (let i = 0; i < LISTING_REPS; i++) {
          const started = performance.now();
          await backend.scanRemovals();
          scanned.push(performance.now() - started);
        }
      }
    }
    await store.close();
    const total = count(SERVERS * PER_SERVER);
    console.error(`${backend.name}: ${total} keys of ${count(SERVERS)} other servers written in ${seedSeconds.toFixed(1)} s`);
    return [
      {
        figure: `\`/kiss-data show\` for a server with ${OWN_KEYS} keys, ${total} keys of ${count(SERVERS)} other servers in the store (${backend.name}; bare: the server alone), answered without deferring, time to the answer`,
        bare: ms(alone),
        bot: ms(crowded),
        ratio: `${(median(crowded) / median(alone)).toFixed(2)}×`,
        goal: '< 3 s, not deferred',
        met: Math.max(...crowded) < 3_000,
      },
      {
        figure: `the hourly listing of removed servers among ${total} keys (${backend.name}): 100 / 1,000 removed${backend.scanRemovals ? '; bare: a SCAN of the keyspace (before the index), 100 removed' : ' (a key range)'}`,
        bare: scanned.length ? ms(scanned) : '',
        bot: `${median(listed[100]!).toFixed(2)} ms / ${median(listed[1_000]!).toFixed(2)} ms`,
        ratio: scanned.length ? `${(median(listed[100]!) / median(scanned)).toFixed(4)}×` : '',
        goal: 'grows with removed servers, not keys',
        met: undefined,
      },
    ];
  } finally {
    for (const bot of bots) await bot.stop().catch(() => undefined);
    await sim.close();
  }
}

const rows: Row[] = [];
try {
  rows.push(...(await measure(sqliteBackend())));
  const redis = await redisBackend();
  if (redis) {
    try {
      rows.push(...(await measure(redis)));
    } finally {
      await redis.close();
    }
  } else {
    console.error('redis-server is not installed: the Redis rows are left out.');
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
report(`/kiss-data show and the removal listing at ${count(OTHERS)} other keys, compiled build`, rows);
