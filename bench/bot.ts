/**
 * Benchmark: what the bot costs on top of a bare discord.js client, both driven through the local
 * Discord simulator in the same run. Each variant runs in its own process (so memory is its own):
 * - baseline: an unmodified discord.js client (Guilds intent) that answers every command with a
 *   fixed text reply;
 * - bot: this project's bot (`createApp`, the same wiring as `npm start`, SQLite store) answering
 *   `/kiss-scene` with a couple (catalogue search, store read, embed and buttons).
 * Prints memory at ready, and interaction round trips one at a time and 200 at once, as ratios to
 * the baseline. Run: `npm run bench:bot`. Figures, not pass/fail: these machines are shared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { commandPayload, loadCommands } from '../src/loader.js';
import { createLogger } from '../src/logger.js';
import { registerCommands } from '../src/registration.js';
import { startSimulator } from '@kiss-scene-bot/discord-simulator';

type Memory = { rss: number; heapUsed: number };
const MB = 1024 * 1024;

async function child(variant: string, apiUrl: string, token: string): Promise<void> {
  let ready: Promise<void>;
  if (variant === 'baseline') {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
    client.on(Events.InteractionCreate, (i) => {
      if (i.isChatInputCommand()) void i.reply({ content: 'ok' });
    });
    ready = new Promise((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(token);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'kiss-bench-'));
    const config = loadConfig({ DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl, STORE_URL: `sqlite://${join(dir, 'state.sqlite')}`, LOG_LEVEL: 'silent' });
    const app = await createApp({ config, logger: createLogger({ level: 'silent' }) });
    ready = app.start();
  }
  await ready;
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ rss, heapUsed })}\n`);
}

async function run(variant: string, sim: Awaited<ReturnType<typeof startSimulator>>, guildId: string) {
  const script = fileURLToPath(import.meta.url);
  const proc: ChildProcess = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, 'child', variant, sim.apiUrl, sim.token], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const memory = await new Promise<Memory>((resolve) => proc.stdout!.once('data', (d) => resolve(JSON.parse(String(d)) as Memory)));
  const user = sim.createMember(guildId, { username: `bench-${variant}` }).user;
  const ask = () => sim.command({ user, guildId, name: 'kiss-scene', options: { couple: 'iu' } });
  for (let i = 0; i < 30; i++) await ask(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    const res = await ask();
    if (res.outcome !== 'replied') throw new Error(`${variant}: ${res.outcome}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const burstStart = performance.now();
  const burst = await Promise.all(Array.from({ length: 200 }, ask));
  const burstMs = performance.now() - burstStart;
  if (burst.some((r) => r.outcome !== 'replied')) throw new Error(`${variant}: a burst interaction was not answered`);
  proc.kill('SIGKILL');
  return { memory, median: times[100]!, p95: times[190]!, perSecond: 200 / (burstMs / 1000) };
}

if (process.argv[2] === 'child') {
  await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
} else {
  const sim = await startSimulator();
  const guild = sim.createGuild({ name: 'Bench', channels: [{ name: 'general' }] });
  await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));
  const base = await run('baseline', sim, guild.id);
  const bot = await run('bot', sim, guild.id);
  const row = (label: string, b: number, o: number, unit: string, digits = 1) =>
    console.log(`  ${label.padEnd(44)} ${b.toFixed(digits).padStart(9)} ${unit.padEnd(5)} ${o.toFixed(digits).padStart(9)} ${unit.padEnd(5)} ${(o / b).toFixed(2)}×`);
  console.log(`Bot vs a bare discord.js client, through the simulator (Node ${process.version})`);
  console.log(`  ${''.padEnd(44)} ${'baseline'.padStart(15)} ${'bot'.padStart(15)}  ratio`);
  row('RSS at ready', base.memory.rss / MB, bot.memory.rss / MB, 'MB');
  row('heap used at ready (after GC)', base.memory.heapUsed / MB, bot.memory.heapUsed / MB, 'MB');
  row('round trip, one at a time: median', base.median, bot.median, 'ms', 2);
  row('round trip, one at a time: 95th percentile', base.p95, bot.p95, 'ms', 2);
  row('200 at once: interactions per second', base.perSecond, bot.perSecond, '/s', 0);
  await sim.close();
  process.exit(0);
}
