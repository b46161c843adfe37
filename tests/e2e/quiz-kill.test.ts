/**
 * A server quiz game survives a SIGKILL mid-question: the bot runs as production runs it
 * (`src/main.ts`), is killed while a question is open, and a new process on the same store takes
 * the game on: the answers given before the kill are kept, the question is answered and closed once,
 * the next one follows, and no question is posted twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Keyv from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimMessage, Simulator } from '@kiss-scene-bot/discord-simulator';
import { coupleName, loadCatalogue } from '../../src/catalogue/catalogue.js';
import { commandPayload, loadCommands } from '../../src/loader.js';
import { hideNames } from '../../src/quiz/hide.js';
import { registerCommands } from '../../src/registration.js';
import { openKeyv } from '../../src/store/keyv.js';
import { forgetGuilds } from '../support/backends.js';
import { startCheckedSimulator } from '../support/simulator.js';

const root = new URL('../../', import.meta.url);
const redis = process.env.TEST_REDIS_URL;
const catalogue = loadCatalogue();
const BACKENDS = [
  { name: 'SQLite', skip: false, url: () => `sqlite://${join(mkdtempSync(join(tmpdir(), 'kiss-quiz-kill-')), 'state.sqlite')}` },
  { name: 'Redis (TEST_REDIS_URL)', skip: !redis, url: () => redis! },
];

function startBot(sim: Simulator, storeUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DISCORD_TOKEN: sim.token, DISCORD_API_URL: sim.apiUrl, STORE_URL: storeUrl, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = () => out.split('\n').some((l) => l.includes('"msg":"bot ready"'));
  return { child, exited, ready, output: () => out };
}

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const buttons = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []);
const answerIds = (m: SimMessage) => buttons(m).filter((c) => c.custom_id?.startsWith('quiz:a:'));
/** The right choice of a question: the couple whose story, names hidden, is its text. */
function rightChoice(m: SimMessage): number {
  const text = m.embeds[0]!.description!;
  const names = answerIds(m).map((b) => b.label!.replace(/^[A-D] · /, ''));
  const right = names.findIndex((name) => catalogue.couples.some((c) => coupleName(c) === name && text.startsWith(hideNames(c.story.en, c))));
  expect(right).toBeGreaterThanOrEqual(0);
  return right;
}

describe.each(BACKENDS)('a quiz game whose process is killed mid-question, on $name', (backend) => {
  let sim: Simulator | undefined;
  let keyv: Keyv | undefined;
  const bots: Array<ReturnType<typeof startBot>> = [];
  const guilds: string[] = [];
  afterEach(async () => {
    for (const bot of bots.splice(0)) {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await bot.exited;
    }
    if (keyv && backend.name.startsWith('Redis')) await forgetGuilds(keyv, guilds);
    await keyv?.disconnect();
    await sim?.close();
  });

  it.skipIf(backend.skip)('goes on in the next process: answers kept, the question closed once, the next one posted once', async () => {
    sim = await startCheckedSimulator();
    const guild = sim.createGuild({ name: 'Quiz club', channels: [{ name: 'general' }] });
    guilds.push(guild.id);
    const channelId = guild.channels.find((c) => c.type === 0)!.id;
    await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));
    const storeUrl = backend.url();
    keyv = openKeyv(storeUrl);

    const first = startBot(sim, storeUrl);
    bots.push(first);
    await until(first.ready, 'the first process');
    const host = sim.createMember(guild.id, { username: 'host' }).user;
    const [x, y] = [sim.createMember(guild.id, { username: 'x' }).user, sim.createMember(guild.id, { username: 'y' }).user];
    const started = await (await sim.command({ user: host, guildId: guild.id, name: 'kiss-quiz', subcommand: 'start', options: { questions: 5, seconds: 60 } })).settled();
    expect(started.message!.content).toMatch(/^Your quiz is up/);
    const q1 = await sim.waitForMessage(channelId, (m) => answerIds(m).length === 4);
    const ids = answerIds(q1).map((b) => b.custom_id!);
    const right = rightChoice(q1);
    const wrong = (right + 1) % 4;
    const click = async (user: typeof x, n: number) => (await (await sim!.click({ user, message: q1.id, customId: ids[n]!, forge: true })).settled(10_000)).message!.content;
    expect(await click(x, wrong)).toBe("❌ Wrong, −1: you're out of this question.");

    first.child.kill('SIGKILL');
    await first.exited;
    const next = startBot(sim, storeUrl);
    bots.push(next);
    await until(next.ready, 'the next process');

    // The answer from before the kill is kept: x is still out; y's right answer wins the question.
    expect(await click(x, right)).toBe("You're out of this question: wait for the next one.");
    expect(await click(y, right)).toBe('✅ Correct, +1!');
    await until(() => sim!.messages(channelId).find((m) => m.id === q1.id && (m.embeds[0]?.description ?? '').startsWith(`🏆 <@${y.id}> got it`)), 'the answer shown');
    const q2 = await until(() => sim!.messages(channelId).find((m) => m.id !== q1.id && answerIds(m).length === 4), 'the next question', 20_000);
    expect(q2.embeds[0]!.title).toBe('❓ Question 2 of 5');
    const stop = await (await sim.command({ user: host, guildId: guild.id, name: 'kiss-quiz', subcommand: 'stop' })).settled(10_000);
    expect(stop.message!.content).toMatch(/stopped/);
    const board = await until(() => sim!.messages(channelId).find((m) => m.embeds[0]?.title === '🏁 The quiz is over'), 'the scoreboard');
    expect(board.embeds[0]!.description!.split('\n').slice(2)).toEqual([`🥇 <@${y.id}> · 1 point · best streak 1`, `🥈 <@${x.id}> · -1 point · best streak 0`]);
    const posts = sim.requests.filter((r) => r.method === 'POST' && r.route === `/channels/${channelId}/messages` && r.status < 300 && JSON.stringify(r.body ?? '').includes('quiz:a:'));
    expect(posts).toHaveLength(2);
  }, 120_000);
});
