/**
 * The README's path to a real bot: `cp .env.example .env`, the token in, start it. Every other line
 * of `.env.example` stays as shipped, its empty values (`SHARD_COUNT=`, `METRICS_PORT=`, …) among
 * them; the settings come from `.env` alone. Run in a scratch copy of the project (its files linked,
 * its own `.env`: never the developer's), against the simulator: `npm start`, the compiled build
 * (`npm run build`, then `node dist/src/main.js`) and the sharding manager (`npm run start:shards`),
 * each to ready and a member answered, then stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimGuild, Simulator } from '@kiss-scene-bot/discord-simulator';
import { commandPayload, loadCommands } from '../../src/loader.js';
import { registerCommands } from '../../src/registration.js';
import { startCheckedSimulator } from '../support/simulator.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** What a fresh clone has that starting and building read (node_modules as `npm ci` left it). */
const LINKED = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'commands', 'data', 'scripts', 'node_modules'];

/** `.env.example` with the lines named in `values` filled in; each must be there exactly once. */
function filledEnvExample(values: Record<string, string>): string {
  let text = readFileSync(join(root, '.env.example'), 'utf8');
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^${name}=.*$`, 'gm');
    expect(text.match(line), `${name}= in .env.example`).toHaveLength(1);
    text = text.replace(line, `${name}=${value}`);
  }
  return text;
}

type LogLine = { msg?: string };

/** One program started in the scratch project with nothing but PATH and HOME from outside. */
interface Run {
  readonly child: ChildProcess;
  /** Once it and every process it started have exited. */
  readonly exited: Promise<void>;
  output(): string;
  logs(): LogLine[];
}

let sim: Simulator;
let guild: SimGuild;
let dir: string;
const runs: Run[] = [];

function run(command: string, args: string[]): Run {
  // Its own process group: npm, the shell, tsx and the bot (or the manager and its children) stop together.
  const child = spawn(command, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  // 'close': the program exited and everything that shared its output (the shard processes) too.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const started: Run = {
    child,
    exited,
    output: () => output,
    logs: () =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine),
  };
  runs.push(started);
  return started;
}

/** SIGTERM to the whole group, and waits for the program to end. */
async function stop(started: Run): Promise<void> {
  if (started.child.exitCode === null && started.child.signalCode === null) process.kill(-started.child.pid!, 'SIGTERM');
  await started.exited;
}

/** Polls until `done` holds, failing with the program's output (hooks cannot use expect.poll). */
async function until(started: Run, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (started.child.exitCode !== null) throw new Error(`exited with code ${started.child.exitCode}:\n${started.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${started.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Ready, answers a member's /kiss-scene, and stops cleanly on SIGTERM. */
async function startsAndAnswers(started: Run, readyLine: string): Promise<void> {
  await until(started, () => started.logs().some((l) => l.msg === readyLine), 60_000);
  const user = sim.createMember(guild.id, { username: `fan-${runs.length}` }).user;
  const res = await sim.command({ user, guildId: guild.id, name: 'kiss-scene', options: { couple: 'Eric & Seo Hyun Jin' } });
  expect(res.message?.embeds[0]?.title).toBe('💋 Eric & Seo Hyun Jin');
  await stop(started);
  expect(started.logs().map((l) => l.msg), started.output()).toContain('bot stopped');
  expect(started.output()).not.toContain(sim.token);
}

beforeAll(async () => {
  sim = await startCheckedSimulator();
  guild = sim.createGuild({ name: 'Env file test', channels: [{ name: 'general' }] });
  await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));
  dir = mkdtempSync(join(tmpdir(), 'kiss-env-file-'));
  for (const name of LINKED) symlinkSync(join(root, name), join(dir, name));
  // `cp .env.example .env`, then the token; the simulator stands in for Discord, and the SQLite file
  // goes to the scratch folder rather than the linked data/.
  const env = filledEnvExample({ DISCORD_TOKEN: sim.token, DISCORD_API_URL: sim.apiUrl, STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}` });
  writeFileSync(join(dir, '.env'), env);
  // The empty values the issue was about are still there, as shipped.
  expect(env).toMatch(/^SHARD_COUNT=$/m);
  expect(env).toMatch(/^SHARD_IDS=$/m);
  const build = run('npm', ['run', 'build']);
  await build.exited;
  expect(build.child.exitCode, build.output()).toBe(0);
}, 120_000);

afterEach(async () => {
  for (const started of runs.splice(0)) await stop(started);
});

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('.env.example copied to .env, with the token filled in', () => {
  it('starts with `npm start`', async () => {
    await startsAndAnswers(run('npm', ['start']), 'bot ready');
    expect(existsSync(join(dir, 'bot.sqlite'))).toBe(true);
  }, 90_000);

  it('starts the compiled build, `node dist/src/main.js`', async () => {
    await startsAndAnswers(run('node', ['dist/src/main.js']), 'bot ready');
  }, 90_000);

  it('starts the sharding manager, `npm run start:shards`, whose shard process is ready', async () => {
    const manager = run('npm', ['run', 'start:shards']);
    await until(manager, () => manager.logs().some((l) => l.msg === 'every shard process is ready'), 60_000);
    await startsAndAnswers(manager, 'bot ready');
    expect(manager.logs().map((l) => l.msg)).toContain('stopping every shard process');
    expect(manager.logs().map((l) => l.msg)).not.toContain('shard process exited; starting it again');
  }, 90_000);

  it('starts the sharding manager with SHARD_IDS and SHARD_COUNT set: its shard process runs the shard it is given', async () => {
    const env = readFileSync(join(dir, '.env'), 'utf8');
    writeFileSync(join(dir, '.env'), env.replace(/^SHARD_IDS=$/m, 'SHARD_IDS=0').replace(/^SHARD_COUNT=$/m, 'SHARD_COUNT=1'));
    try {
      const manager = run('npm', ['run', 'start:shards']);
      await until(manager, () => manager.logs().some((l) => l.msg === 'every shard process is ready'), 60_000);
      await startsAndAnswers(manager, 'bot ready');
    } finally {
      writeFileSync(join(dir, '.env'), env);
    }
  }, 90_000);
});
