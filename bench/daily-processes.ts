/**
 * Benchmark: daily posts from several bot processes at once, against Discord's global limit of 50
 * requests a second per bot token. Runs the COMPILED bot (`npm run build` first) as real processes:
 * three `node dist/src/main.js` shard processes on one store, behind one `node dist/src/rest-proxy.js`,
 * against the local Discord simulator (which answers past 50/s with a global 429). Every server's
 * story is overdue when the processes start (set for a minute ago, as after downtime), so all are
 * posted at once.
 *
 * Baseline, in the same run: a bare @discordjs/rest client sending the same number of messages
 * through the same proxy as fast as the limit allows. Printed: posts/s for both, their ratio, the
 * ratio to 50/s, and the global 429s and invalid requests Discord saw.
 *
 * It asserts one thing, after every post has arrived and the processes have stopped: every server
 * got exactly one post, and its stored record says so (today's post `sent`: nothing left to retry).
 * Otherwise it names the servers and exits with code 1.
 *
 *   npm run bench:daily-processes          (SERVERS=1500 by default; STORE_URL=redis://… to use Redis)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REST } from '@discordjs/rest';
import { startSimulator, type SimGuild } from '@kiss-scene-bot/discord-simulator';
import { Routes } from 'discord.js';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type { DailySchedule } from '../src/daily/schedule.js';
import type * as LoaderModule from '../src/loader.js';
import type * as RegistrationModule from '../src/registration.js';
import type * as StoreModule from '../src/store/index.js';
import { report } from './lib/report.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = new URL('../dist/src/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('main.js', dist)))) {
  console.error('No compiled bot in dist/: run `npm run build` first.');
  process.exit(1);
}
const load = async <T>(path: string) => (await import(new URL(path, dist).href)) as T;
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { commandPayload, loadCommands } = await load<typeof LoaderModule>('loader.js');
const { registerCommands } = await load<typeof RegistrationModule>('registration.js');
const { createStore, openKeyv } = await load<typeof StoreModule>('store/index.js');

const SERVERS = Number(process.env.SERVERS ?? 1500);
const PROCESSES = 3;
const tmp = mkdtempSync(join(tmpdir(), 'bench-daily-processes-'));
const storeUrl = process.env.STORE_URL ?? `sqlite://${join(tmp, 'state.sqlite')}`;
const children: ChildProcess[] = [];

function run(script: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [join(root, 'dist/src', script)], {
    cwd: tmp,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  children.push(child);
  return { child, output: () => out };
}

/** Stops a process as the sharding manager would (SIGTERM: posts in progress finish) and waits for it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sim = await startSimulator({ recommendedShards: PROCESSES, maxConcurrency: PROCESSES });
try {
  const guilds: SimGuild[] = [];
  for (let i = 0; i < SERVERS; i++) guilds.push(sim.createGuild({ name: `Club ${i}`, channels: [{ name: 'general' }] }));
  const channelOf = (g: SimGuild) => g.channels.find((c) => c.type === 0)!.id;
  await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));

  // Every server's story was due a minute ago today (UTC), and the schedule is older than that.
  const now = Date.now();
  const due = new Date(now - 60_000);
  const time = `${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}`;
  if (due.getUTCDate() !== new Date(now).getUTCDate()) {
    console.error('It is just past midnight UTC: run it again in a minute.');
    process.exit(1);
  }
  const order = loadCatalogue().couples.map((c) => c.id);
  const store = createStore(openKeyv(storeUrl));
  for (const guild of guilds) {
    const schedule: DailySchedule = { channelId: channelOf(guild), time, timezone: 'UTC', language: 'en', enabled: true, activeSince: now - 86_400_000, round: { order, posted: [] } };
    await store.daily.save(guild.id, schedule);
  }
  await store.close();

  const proxy = run('rest-proxy.js', { DISCORD_API_URL: sim.apiUrl, REST_PROXY_PORT: '0', LOG_LEVEL: 'warn' });
  await until(() => /DISCORD_API_URL=(\S+)/.test(proxy.output()), 20_000, 'the REST proxy');
  const proxyUrl = /DISCORD_API_URL=(\S+)/.exec(proxy.output())![1]!;

  // ---- Baseline: a bare REST client, the same number of messages, the same proxy.
  const bareChannel = sim.createGuild({ name: 'Baseline', channels: [{ name: 'general' }] });
  const rest = new REST({ api: proxyUrl, version: '10' }).setToken(sim.token);
  const statsBefore = sim.stats;
  const bareStart = performance.now();
  await Promise.all(Array.from({ length: SERVERS }, (_, i) => rest.post(Routes.channelMessages(channelOf(bareChannel)), { body: { content: `baseline ${i}` } })));
  const bareSeconds = (performance.now() - bareStart) / 1000;
  const bareRate = SERVERS / bareSeconds;
  const bare429 = sim.stats.global429s - statsBefore.global429s;

  // ---- The bot: three shard processes posting every overdue story at once.
  const postedAt: number[] = [];
  sim.on('messageCreate', (m) => {
    if (m.embeds[0]?.author?.name === 'Story of the day') postedAt.push(performance.now());
  });
  const before = sim.stats;
  const bots: ChildProcess[] = [];
  for (let shard = 0; shard < PROCESSES; shard++) {
    bots.push(run('main.js', { DISCORD_TOKEN: sim.token, DISCORD_API_URL: proxyUrl, STORE_URL: storeUrl, SHARD_IDS: String(shard), SHARD_COUNT: String(PROCESSES), LOG_LEVEL: 'warn' }).child);
  }
  await until(() => postedAt.length >= SERVERS, 180_000, `${SERVERS} daily posts (got ${postedAt.length})`);
  const seconds = (postedAt.at(-1)! - postedAt[0]!) / 1000;
  const rate = (SERVERS - 1) / seconds;
  // A post made twice may come late (a retry): stop the processes first (they finish what is under
  // way), then count, and read what each server's record says.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await Promise.all(bots.map(stop));
  const perServer = guilds.map((g) => sim.messages(channelOf(g)).filter((m) => m.embeds[0]?.author?.name === 'Story of the day').length);
  const after = sim.stats;
  const today = new Date(now).toISOString().slice(0, 10);
  const check = createStore(openKeyv(storeUrl));
  const records = await Promise.all(guilds.map((g) => check.daily.get(g.id)));
  const recorded = records.filter((r) => r?.lastPost?.date === today && r.lastPost.state === 'sent').length;
  const odd = guilds.flatMap((g, i) => (perServer[i] === 1 && records[i]?.lastPost?.state === 'sent' ? [] : [`${g.id}: ${perServer[i]} posts, record ${JSON.stringify(records[i]?.lastPost)}`]));
  // A shared Redis keeps what this run wrote; the next run's processes would find these servers' schedules.
  if (!storeUrl.startsWith('sqlite:')) for (const g of guilds) await check.lifecycle.deleteGuild(g.id);
  await check.close();

  const invalid = after.invalidRequests - before.invalidRequests;
  const global429s = after.global429s - before.global429s;
  const exactlyOne = perServer.filter((n) => n === 1).length;
  report(`Daily posts across ${PROCESSES} processes, ${SERVERS} servers, store ${storeUrl.split(':')[0]}, compiled build`, [
    {
      figure: `daily posts from ${PROCESSES} shard processes behind the REST proxy (${SERVERS.toLocaleString('en')} due at once), posts per second`,
      bare: `${bareRate.toFixed(1)}/s (${bare429} global 429s)`,
      bot: `${rate.toFixed(1)}/s = ${(rate / 50).toFixed(2)}× 50/s; ${global429s} global 429s, ${invalid} invalid requests`,
      ratio: `${(rate / bareRate).toFixed(2)}×`,
      goal: '≥ 0.90×, no 429',
      met: rate / bareRate >= 0.9 && global429s === 0 && invalid === 0,
    },
    {
      figure: 'servers with exactly one daily post (3 processes, one store)',
      bare: '',
      bot: `${exactlyOne.toLocaleString('en')} of ${SERVERS.toLocaleString('en')}`,
      ratio: '',
      goal: 'all',
      met: exactlyOne === SERVERS,
    },
    {
      figure: 'servers whose stored record says today\'s post was sent (after the processes stopped)',
      bare: '',
      bot: `${recorded.toLocaleString('en')} of ${SERVERS.toLocaleString('en')}`,
      ratio: '',
      goal: 'all',
      met: recorded === SERVERS,
    },
  ]);
  if (odd.length) {
    console.error(`Not exactly one post per server, recorded as sent (${odd.length}):\n${odd.slice(0, 20).join('\n')}`);
    process.exitCode = 1;
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await sim.close();
  rmSync(tmp, { recursive: true, force: true });
}
