/**
 * Benchmark: `/kiss-scene` round trips, the COMPILED bot (`node dist/src/main.js`, SQLite store,
 * default cooldowns) against a bare discord.js client that answers every `/kiss-scene` with a
 * precomputed reply of the same shape and size: the bot's own embed and buttons for the couple
 * asked for, or, for a random story, the catalogue's embeds in turn. So the ratio measures the
 * bot's own work, not a bigger payload.
 *
 * Each variant is its own process on its own simulator (one server, 20 channels, 500 members: the
 * members and channels take turns, so no member meets the cooldown). After a warm-up, the variants
 * take turns rep by rep (the order swapped every rep); each rep measures, one at a time, 400 round
 * trips with a couple and 400 without (p50, p99), then 200 at once of each (interactions per
 * second, from the first sent to the last answered). Printed: per figure the median of the
 * reps and their range, and the median of the per-rep ratios with their range. Asserts nothing.
 *
 *   npm run bench:scene      (builds first)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimUser, type Simulator } from '@kiss-scene-bot/discord-simulator';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type * as LoaderModule from '../src/loader.js';
import type * as RegistrationModule from '../src/registration.js';
import type * as SceneModule from '../src/replies/scene.js';
import { load, pause, requireBuild, startMeasured, type Measured, type Variant } from './lib/processes.js';
import { atLeast, atMost, quantile, ratioRow, report, type Row } from './lib/report.js';

requireBuild();
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { commandPayload, loadCommands } = await load<typeof LoaderModule>('loader.js');
const { registerCommands } = await load<typeof RegistrationModule>('registration.js');
const { sceneMessage } = await load<typeof SceneModule>('replies/scene.js');

const REPS = Number(process.env.REPS ?? 8);
const SEQUENTIAL = 400;
const BURST = 200;
const WARM_UP = 150;
const CHANNELS = 20;
const MEMBERS = 500;
const COUPLE = 'lee-joon-ki-iu';

const catalogue = loadCatalogue();
const tmp = mkdtempSync(join(tmpdir(), 'bench-scene-'));

/** The bare client's replies: exactly what the bot sends, computed by the bot's own reply builder. */
function bareReplies(): string {
  const reply = (id: string) => {
    const couple = catalogue.get(id)!;
    return sceneMessage({ couple, source: catalogue.sourceOf(couple), lang: 'en' });
  };
  const file = join(tmp, 'replies.json');
  writeFileSync(file, JSON.stringify({ [`kiss-scene couple=${COUPLE}`]: [reply(COUPLE)], 'kiss-scene': catalogue.couples.map((c) => reply(c.id)) }));
  return file;
}

interface Side {
  readonly variant: Variant;
  readonly sim: Simulator;
  readonly guildId: string;
  readonly channels: string[];
  readonly members: SimUser[];
  process?: Measured;
  turn: number;
}

async function side(variant: Variant): Promise<Side> {
  // A long deadline: a slow answer is measured rather than lost (Discord allows 3 s).
  const sim = await startSimulator({ identifyIntervalMs: 0, interactionDeadlineMs: 15_000 });
  const guild = sim.createGuild({ name: `Bench ${variant}`, channels: Array.from({ length: CHANNELS }, (_, i) => ({ name: `talk-${i}` })) });
  const members = Array.from({ length: MEMBERS }, (_, i) => sim.createMember(guild.id, { username: `fan${i}` }).user);
  await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));
  return { variant, sim, guildId: guild.id, channels: guild.channels.filter((c) => c.type === 0).map((c) => c.id), members, turn: 0 };
}

/** One `/kiss-scene`, by the next member in the next channel; resolves with its round trip in ms. */
async function ask(s: Side, withCouple: boolean): Promise<number> {
  const turn = s.turn++;
  const user = s.members[turn % MEMBERS]!;
  const channelId = s.channels[Math.floor(turn / MEMBERS) % CHANNELS]!;
  const started = performance.now();
  const res = await s.sim.command({ user, guildId: s.guildId, channelId, name: 'kiss-scene', ...(withCouple ? { options: { couple: COUPLE } } : {}) });
  const ms = performance.now() - started;
  if (res.outcome !== 'replied' || res.ephemeral || !res.message?.embeds[0]) throw new Error(`${s.variant}: /kiss-scene was answered ${res.outcome}${res.ephemeral ? ' privately' : ''}: ${res.message?.content ?? ''}`);
  return ms;
}

async function sequential(s: Side, withCouple: boolean, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await ask(s, withCouple));
  return times;
}

async function burst(s: Side, withCouple: boolean): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: BURST }, () => ask(s, withCouple)));
  return BURST / ((performance.now() - started) / 1000);
}

type Figures = Record<'coupleP50' | 'coupleP99' | 'randomP50' | 'randomP99' | 'coupleRate' | 'randomRate', number[]>;
const figures = (): Figures => ({ coupleP50: [], coupleP99: [], randomP50: [], randomP99: [], coupleRate: [], randomRate: [] });

const sides: Side[] = [];
const rows: Row[] = [];
try {
  const replies = bareReplies();
  for (const variant of ['bare', 'bot'] as const) {
    const s = await side(variant);
    sides.push(s);
    s.process = await startMeasured({ variant, apiUrl: s.sim.apiUrl, token: s.sim.token, storeUrl: `sqlite://${join(tmp, 'bot.sqlite')}`, replies });
  }
  const results: Record<Variant, Figures> = { bare: figures(), bot: figures() };
  for (const s of sides) {
    await sequential(s, true, WARM_UP);
    await sequential(s, false, WARM_UP);
    await burst(s, false);
  }
  for (let rep = 0; rep < REPS; rep++) {
    for (const s of rep % 2 ? [...sides].reverse() : sides) {
      const r = results[s.variant];
      const couple = await sequential(s, true, SEQUENTIAL);
      const random = await sequential(s, false, SEQUENTIAL);
      r.coupleP50.push(quantile(couple, 0.5));
      r.coupleP99.push(quantile(couple, 0.99));
      r.randomP50.push(quantile(random, 0.5));
      r.randomP99.push(quantile(random, 0.99));
      await pause(100);
      r.coupleRate.push(await burst(s, true));
      await pause(100);
      r.randomRate.push(await burst(s, false));
      await pause(100);
    }
  }
  const { bare, bot } = results;
  rows.push(
    ratioRow('`/kiss-scene couple:<id>`, p50, one at a time', bare.coupleP50, bot.coupleP50, ' ms', atMost(1.1)),
    ratioRow('`/kiss-scene couple:<id>`, p99, one at a time', bare.coupleP99, bot.coupleP99, ' ms', atMost(1.1)),
    ratioRow('`/kiss-scene` (random), p50, one at a time', bare.randomP50, bot.randomP50, ' ms', atMost(1.1)),
    ratioRow('`/kiss-scene` (random), p99, one at a time', bare.randomP99, bot.randomP99, ' ms', atMost(1.1)),
    ratioRow(`\`/kiss-scene couple:<id>\`, ${BURST} at once, answered per second`, bare.coupleRate, bot.coupleRate, '/s', atLeast(0.95), 0),
    ratioRow(`\`/kiss-scene\` (random), ${BURST} at once, answered per second`, bare.randomRate, bot.randomRate, '/s', atLeast(0.95), 0),
  );
} finally {
  for (const s of sides) {
    await s.process?.stop();
    await s.sim.close();
  }
  rmSync(tmp, { recursive: true, force: true });
}
report(`/kiss-scene round trips: the compiled bot vs a bare client with the same reply (${REPS} reps)`, rows);
