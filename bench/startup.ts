/**
 * Benchmark: start-up of the COMPILED bot (`node dist/src/main.js`) against a bare discord.js client,
 * each its own process, through the local Discord simulator, at 0, 1,000 and 10,000 servers:
 * - time to ready: from spawning the process to the bot's `bot ready` log line (after its poll
 *   timers are restored and its daily schedules loaded) or the bare client's ClientReady;
 * - RSS and heap used at ready, after a GC.
 * The bot's store is an SQLite file seeded like a lived-in bot's: a daily story in 10% of the
 * servers and an open poll in 1% (each run starts from a fresh copy, so no run inherits another's
 * identify claim). The variants take turns, rep by rep, so drifting load touches both alike;
 * printed are the median of the per-rep ratios and their range. Asserts nothing.
 *
 *   npm run bench:startup      (builds first)
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimGuild } from '@kiss-scene-bot/discord-simulator';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type { DailySchedule } from '../src/daily/schedule.js';
import type * as ModelModule from '../src/polls/model.js';
import type * as StoreModule from '../src/store/index.js';
import { load, pause, requireBuild, startMeasured, type Variant } from './lib/processes.js';
import { atMost, ratioRow, report, type Row } from './lib/report.js';

requireBuild();
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { newPoll } = await load<typeof ModelModule>('polls/model.js');
const { createStore, openKeyv } = await load<typeof StoreModule>('store/index.js');

const MB = 1024 * 1024;
const SIZES = [
  { servers: 0, reps: 5, cacheVariant: false },
  { servers: 1_000, reps: 5, cacheVariant: false },
  // At 10,000 servers also a bare client with the bot's discord.js cache settings: what they cost.
  { servers: 10_000, reps: 3, cacheVariant: true },
] as const;

const tmp = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const noReplies = join(tmp, 'replies.json');
writeFileSync(noReplies, '{}');
const catalogue = loadCatalogue();

/** A store file as a bot serving `guilds` would have it: daily stories in 10%, open polls in 1%. */
async function seed(file: string, guilds: readonly SimGuild[]): Promise<void> {
  const store = createStore(openKeyv(`sqlite://${file}`));
  // The file is opened on first use: one write makes it exist even for 0 servers.
  await store.ping();
  const now = Date.now();
  const order = catalogue.couples.map((c) => c.id);
  for (const [i, guild] of guilds.entries()) {
    const channelId = guild.channels.find((c) => c.type === 0)!.id;
    if (i % 10 === 0) {
      const schedule: DailySchedule = { channelId, time: '04:00', timezone: 'Asia/Seoul', language: 'ko', enabled: true, activeSince: now, round: { order, posted: [] } };
      await store.daily.save(guild.id, schedule);
    }
    if (i % 100 === 0) {
      const built = newPoll({ id: `Poll${String(i).padStart(6, '0')}`, guildId: guild.id, channelId, starterId: guild.ownerId, coupleIds: order.slice(0, 4), hideCounts: false, lang: 'en', createdAt: now, durationMs: 86_400_000 });
      if (!built.ok) throw new Error(built.reason);
      const poll = { ...built.poll, messageId: '900000000000000001' };
      await store.polls.savePoll(poll);
      await store.polls.setOpenPolls(guild.id, [{ pollId: poll.id, closesAt: poll.closesAt }]);
    }
  }
  await store.close();
}

const rows: Row[] = [];
try {
  for (const { servers, reps, cacheVariant } of SIZES) {
    const sim = await startSimulator({ maxConcurrency: 16, identifyIntervalMs: 0 });
    try {
      const guilds: SimGuild[] = [];
      for (let i = 0; i < servers; i++) guilds.push(sim.createGuild({ name: `Club ${i}`, channels: [{ name: 'general' }] }));
      const seeded = join(tmp, `seed-${servers}.sqlite`);
      await seed(seeded, guilds);
      type Run = Variant | 'bareWithBotCache';
      const results: Record<Run, { ready: number[]; rss: number[]; heap: number[] }> = {
        bare: { ready: [], rss: [], heap: [] },
        bot: { ready: [], rss: [], heap: [] },
        bareWithBotCache: { ready: [], rss: [], heap: [] },
      };
      for (let rep = 0; rep < reps; rep++) {
        const order: Run[] = rep % 2 ? ['bot', 'bare'] : ['bare', 'bot'];
        if (cacheVariant) order.push('bareWithBotCache');
        for (const run of order) {
          const storeFile = join(tmp, `run-${servers}-${rep}.sqlite`);
          copyFileSync(seeded, storeFile);
          const variant: Variant = run === 'bot' ? 'bot' : 'bare';
          const env: Record<string, string> = run === 'bareWithBotCache' ? { BARE_CACHE: 'bot' } : {};
          const measured = await startMeasured({ variant, apiUrl: sim.apiUrl, token: sim.token, storeUrl: `sqlite://${storeFile}`, replies: noReplies, env });
          const memory = await measured.memory();
          await measured.stop();
          results[run].ready.push(measured.readyMs);
          results[run].rss.push(memory.rss / MB);
          results[run].heap.push(memory.heapUsed / MB);
          await pause(300);
        }
      }
      const label = `${servers.toLocaleString('en')} servers`;
      // The goals: memory at 0 and 10,000 servers, time to ready at 1,000 and 10,000.
      const memoryGoal = servers === 0 ? atMost(1.15) : servers === 10_000 ? atMost(1.1) : undefined;
      if (servers > 0) rows.push(ratioRow(`time to ready, ${label}`, results.bare.ready, results.bot.ready, ' ms', atMost(1.2), 0));
      rows.push(ratioRow(`RSS at ready, ${label}`, results.bare.rss, results.bot.rss, ' MB', memoryGoal, 1));
      rows.push(ratioRow(`heap used at ready, ${label}`, results.bare.heap, results.bot.heap, ' MB', memoryGoal, 1));
      if (cacheVariant) {
        // Not a goal: the same bare client given the bot's cache settings (bare ÷ that client).
        rows.push(ratioRow(`time to ready, ${label}: bare vs bare with the bot's discord.js cache settings`, results.bare.ready, results.bareWithBotCache.ready, ' ms', undefined, 0));
        rows.push(ratioRow(`RSS at ready, ${label}: bare vs bare with the bot's discord.js cache settings`, results.bare.rss, results.bareWithBotCache.rss, ' MB', undefined, 1));
      }
    } finally {
      await sim.close();
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
report('Start-up: the compiled bot vs a bare discord.js client', rows);
