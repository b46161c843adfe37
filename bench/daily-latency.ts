/**
 * Benchmark: daily posts when Discord is slow. The local Discord simulator answers every message
 * post 200 ms late (on top of its 50-requests-a-second global limit); every server's story is due
 * (set for a minute ago, as after downtime), so the COMPILED bot (`node dist/src/main.js`, one
 * process, SQLite) posts them all at once. Measured: posts per second from the first to the last.
 *
 * Baseline, in the same run, on the same simulator: a bare @discordjs/rest client sending the same
 * number of messages, all at once (its own queue keeps it to 50 a second). The variants take turns,
 * rep by rep. Goal: the bot at 0.9 × 50/s or more. Asserts nothing.
 *
 *   npm run bench:daily-latency      (builds first; SERVERS=600 by default)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REST } from '@discordjs/rest';
import { startSimulator, type SimGuild, type SimMessage } from '@kiss-scene-bot/discord-simulator';
import { Routes } from 'discord.js';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type { DailySchedule } from '../src/daily/schedule.js';
import type * as StoreModule from '../src/store/index.js';
import { load, pause, requireBuild, startMeasured } from './lib/processes.js';
import { median, report, spreadText, type Row } from './lib/report.js';

requireBuild();
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { createStore, openKeyv } = await load<typeof StoreModule>('store/index.js');

const SERVERS = Number(process.env.SERVERS ?? 600);
const REPS = Number(process.env.REPS ?? 2);
const LATENCY_MS = 200;
const GOAL = 0.9 * 50;

const tmp = mkdtempSync(join(tmpdir(), 'bench-daily-latency-'));
const order = loadCatalogue().couples.map((c) => c.id);
const channelOf = (g: SimGuild) => g.channels.find((c) => c.type === 0)!.id;
const isDaily = (m: SimMessage) => m.embeds[0]?.author?.name === 'Story of the day';

/** Every server's story due a minute ago (today in UTC), in a fresh SQLite file. */
async function seed(file: string, guilds: readonly SimGuild[]): Promise<void> {
  const now = Date.now();
  const due = new Date(now - 60_000);
  if (due.getUTCDate() !== new Date(now).getUTCDate()) throw new Error('It is just past midnight UTC: run it again in a minute.');
  const time = `${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}`;
  const store = createStore(openKeyv(`sqlite://${file}`));
  for (const guild of guilds) {
    const schedule: DailySchedule = { channelId: channelOf(guild), time, timezone: 'UTC', language: 'en', enabled: true, activeSince: now - 86_400_000, round: { order, posted: [] } };
    await store.daily.save(guild.id, schedule);
  }
  await store.close();
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await pause(50);
  }
}

/** Posts per second, from the first post to the last, as Discord saw them. */
const rateOf = (times: readonly number[]) => (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);

async function botRun(rep: number): Promise<number> {
  const sim = await startSimulator({ identifyIntervalMs: 0 });
  try {
    const guilds = Array.from({ length: SERVERS }, (_, i) => sim.createGuild({ name: `Club ${i}`, channels: [{ name: 'general' }] }));
    const file = join(tmp, `bot-${rep}.sqlite`);
    await seed(file, guilds);
    sim.faults.latency({ route: '/channels/:id/messages', method: 'POST', ms: LATENCY_MS });
    const postedAt: number[] = [];
    sim.on('messageCreate', (m) => {
      if (isDaily(m)) postedAt.push(performance.now());
    });
    const bot = await startMeasured({ variant: 'bot', apiUrl: sim.apiUrl, token: sim.token, storeUrl: `sqlite://${file}`, env: { LOG_LEVEL: 'warn' }, readyWhen: 'started' });
    try {
      await until(() => postedAt.length >= SERVERS, 110_000, `${SERVERS} daily posts (got ${postedAt.length})`);
    } finally {
      await bot.stop();
    }
    const perServer = guilds.map((g) => sim.messages(channelOf(g)).filter(isDaily).length);
    if (perServer.some((n) => n !== 1)) throw new Error('a server did not get exactly one daily post');
    return rateOf(postedAt);
  } finally {
    await sim.close();
  }
}

async function bareRun(): Promise<number> {
  const sim = await startSimulator({ identifyIntervalMs: 0 });
  try {
    // One channel per message, like one per server: Discord (and @discordjs/rest) queue a channel's posts one after another.
    const channels = Array.from({ length: SERVERS }, (_, i) => channelOf(sim.createGuild({ name: `Baseline ${i}`, channels: [{ name: 'general' }] })));
    sim.faults.latency({ route: '/channels/:id/messages', method: 'POST', ms: LATENCY_MS });
    const postedAt: number[] = [];
    sim.on('messageCreate', () => postedAt.push(performance.now()));
    const rest = new REST({ api: sim.apiUrl, version: '10' }).setToken(sim.token);
    await Promise.all(channels.map((channelId, i) => rest.post(Routes.channelMessages(channelId), { body: { content: `baseline ${i}` } })));
    return rateOf(postedAt);
  } finally {
    await sim.close();
  }
}

const rates = { bare: [] as number[], bot: [] as number[] };
try {
  writeFileSync(join(tmp, 'replies.json'), '{}');
  for (let rep = 0; rep < REPS; rep++) {
    for (const variant of rep % 2 ? (['bot', 'bare'] as const) : (['bare', 'bot'] as const)) {
      rates[variant].push(variant === 'bot' ? await botRun(rep) : await bareRun());
      await pause(500);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const bot = median(rates.bot);
const rows: Row[] = [
  {
    figure: `daily posts with ${LATENCY_MS} ms of latency on Discord's side (${SERVERS} due at once), posts per second`,
    bare: spreadText(rates.bare, '/s', 1),
    bot: spreadText(rates.bot, '/s', 1),
    ratio: `${(bot / median(rates.bare)).toFixed(2)}× (${(bot / 50).toFixed(2)}× 50/s)`,
    goal: `≥ ${GOAL.toFixed(0)}/s (0.9 × 50/s)`,
    met: bot >= GOAL,
  },
];
report(`Daily posts with ${LATENCY_MS} ms of added latency: the compiled bot vs a bare REST client (${REPS} reps)`, rows);
