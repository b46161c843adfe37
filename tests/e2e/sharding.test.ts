/**
 * `npm run start:shards` as an operator runs it: discord.js's ShardingManager starts one process per
 * shard (the count Discord recommends), all on one Redis store. A shard process killed in the middle
 * of a vote burst is started again; every vote that was answered is counted, and nothing is answered
 * twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionResult, SimGuild, SimMessage, SimUser, Simulator } from '@kiss-scene-bot/discord-simulator';
import { commandPayload, loadCommands } from '../../src/loader.js';
import { registerCommands } from '../../src/registration.js';
import { startCheckedSimulator } from '../support/simulator.js';

const redis = process.env.TEST_REDIS_URL;
const root = new URL('../../', import.meta.url);
const SHARDS = 3;

type LogLine = { msg?: string; shardId?: number; pid?: number; url?: string };

/** Polls `done` until it holds (hooks cannot use expect.poll). */
async function waitFor(done: () => boolean, timeoutMs: number, explain: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out; output so far:\n${explain().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const isPoll = (m: SimMessage) => m.components.some((row) => row.components?.some((c) => c.custom_id?.startsWith('poll:vote:')));
const voteIds = (m: SimMessage) =>
  m.components.flatMap((row) => row.components ?? []).flatMap((c) => (c.custom_id?.startsWith('poll:vote:') ? [c.custom_id] : []));

describe.skipIf(!redis)('npm run start:shards: one process per shard on Redis', () => {
  let sim: Simulator;
  let manager: ChildProcess;
  let output = '';
  const guilds: SimGuild[] = [];
  const logs = (): LogLine[] =>
    output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const readyCount = () => logs().filter((l) => l.msg === 'bot ready').length;

  beforeAll(async () => {
    // Discord recommends the count; every process identifies in its own bucket, so spawns need no gap.
    sim = await startCheckedSimulator({ recommendedShards: SHARDS, maxConcurrency: SHARDS });
    for (let shard = 0; shard < SHARDS; shard++) {
      guilds.push(sim.createGuild({ name: `Shard ${shard} club`, channels: [{ name: 'general' }], shardHint: shard, shardCount: SHARDS }));
    }
    await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));
    manager = spawn(process.execPath, ['--import', 'tsx', 'src/shards.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DISCORD_TOKEN: sim.token,
        DISCORD_API_URL: sim.apiUrl,
        STORE_URL: redis!,
        LOG_LEVEL: 'info',
        SHARD_SPAWN_DELAY_MS: '100',
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    manager.stdout!.on('data', (d) => (output += String(d)));
    manager.stderr!.on('data', (d) => (output += String(d)));
    await waitFor(() => logs().some((l) => l.msg === 'every shard process is ready'), 60_000, () => output);
  }, 90_000);

  afterAll(async () => {
    if (manager && manager.exitCode === null) {
      const exited = new Promise((resolve) => manager.once('exit', resolve));
      manager.kill('SIGTERM');
      await exited;
    }
    await sim?.close();
  }, 30_000);

  it('runs the recommended number of shard processes, each answering its own servers', async () => {
    const started = logs().filter((l) => l.msg === 'shard process started');
    expect(new Set(started.map((l) => l.shardId))).toEqual(new Set([0, 1, 2]));
    expect(new Set(started.map((l) => l.pid)).size).toBe(SHARDS);
    // Each process logs 'bot ready' once its polls and daily schedules are loaded, just after the
    // manager hears it is connected.
    await expect.poll(() => readyCount(), { timeout: 15_000 }).toBe(SHARDS);
    for (const guild of guilds) {
      const user = sim.createMember(guild.id, { username: 'reader' }).user;
      const res = await sim.command({ user, guildId: guild.id, name: 'kiss-scene', options: { couple: 'Moon Lovers' } });
      expect(res.message?.embeds[0]?.title, guild.name).toBe('💋 Lee Joon Ki & IU');
    }
  });

  it("serves the totals of every shard process on the manager's /metrics and /healthz; the processes open no port", async () => {
    const url = logs().find((l) => l.msg === 'serving /metrics and /healthz for every shard process')?.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    expect(logs().filter((l) => l.msg === 'serving /metrics and /healthz')).toEqual([]);
    const sample = async (line: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const found = text.split('\n').find((l) => l.startsWith(`${line} `));
      return found === undefined ? undefined : Number(found.slice(line.length + 1));
    };
    // The previous test made one /kiss-scene in each shard's server, each in its own process.
    await expect.poll(() => sample('kiss_interactions_total{kind="command",command="kiss-scene",outcome="ok"}'), { timeout: 10_000 }).toBe(SHARDS);
    expect(await sample('kiss_interaction_first_response_seconds_count')).toBe(SHARDS);
    for (let shard = 0; shard < SHARDS; shard++) {
      expect(await sample(`kiss_guilds{shard="${shard}"}`), `shard ${shard}`).toBe(1);
      expect(await sample(`kiss_shard_ready{shard="${shard}"}`), `shard ${shard}`).toBe(1);
    }
    expect(await sample('kiss_manager_process_cpu_seconds_total')).toBeGreaterThan(0);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', reasons: [], shardsReady: SHARDS, shardCount: SHARDS });
  });

  it('starts a killed shard process again; every answered vote counts, retries count once, nothing is answered twice', async () => {
    const guild = guilds[1]!;
    const starter = sim.createMember(guild.id, { username: 'starter' }).user;
    const channelId = guild.channels.find((c) => c.type === 0)!.id;
    const start = await (
      await sim.command({ user: starter, guildId: guild.id, channelId, name: 'kiss-poll', subcommand: 'start', options: { couples: 'park-bo-gum-kim-yoo-jung, lee-joon-ki-iu' } })
    ).settled();
    expect(start.message?.content).toMatch(/^Your poll is up: /);
    const poll = await sim.waitForMessage(channelId, isPoll);
    const [first, second] = voteIds(poll);

    const members: SimUser[] = Array.from({ length: 40 }, (_, i) => sim.createMember(guild.id, { username: `fan${i}` }).user);
    const choice = (i: number) => (i % 2 === 0 ? first! : second!);
    const victim = logs().findLast((l) => l.msg === 'shard process started' && l.shardId === 1)!.pid!;
    const readyBefore = readyCount();

    // The burst: half the clicks go out; once some are answered, shard 1's process dies while the
    // rest of that half are in flight; then the other half arrives.
    let replied = 0;
    const click = (user: SimUser, i: number) =>
      sim.click({ user, message: poll, customId: choice(i) }).then((r) => {
        if (r.outcome === 'replied') replied++;
        return r;
      });
    const clicks: Array<Promise<InteractionResult>> = members.slice(0, 20).map((user, i) => click(user, i));
    await waitFor(() => replied >= 5, 10_000, () => `${replied} replied`);
    process.kill(victim, 'SIGKILL');
    clicks.push(...members.slice(20).map((user, i) => click(user, i + 20)));
    const results = await Promise.all(clicks);
    const answered = results.map((r) => r.outcome === 'replied');
    expect(answered.filter(Boolean).length).toBeGreaterThan(0);
    expect(answered.filter((a) => !a).length, 'clicks that reached the dead process').toBeGreaterThan(0);

    // The manager starts shard 1 again; the members whose click went unanswered click again.
    await expect.poll(() => readyCount(), { timeout: 60_000, interval: 200 }).toBe(readyBefore + 1);
    expect(logs().some((l) => l.msg === 'shard process exited; starting it again' && l.shardId === 1)).toBe(true);
    const retried = await Promise.all(members.flatMap((user, i) => (answered[i] ? [] : [sim.click({ user, message: poll, customId: choice(i) })])));
    expect(retried.map((r) => r.outcome)).toEqual(retried.map(() => 'replied'));

    // Every member is counted exactly once, for the couple they chose.
    const results2 = await (await sim.command({ user: starter, guildId: guild.id, channelId, name: 'kiss-poll', subcommand: 'results' })).settled();
    const text = results2.message!.embeds[0]!.description!;
    expect(text).toMatch(/\b40 members have voted\b/);
    expect(text).toMatch(/Park Bo Gum & Kim Yoo Jung[^\n]*\n[^\n]*\b20 votes\b/);
    expect(text).toMatch(/Lee Joon Ki & IU[^\n]*\n[^\n]*\b20 votes\b/);

    // Nothing was answered twice: Discord would have refused a second response with 40060.
    const refused = [...results, ...retried].flatMap((r) => r.errors);
    expect(refused).toEqual([]);
    expect(sim.requests.filter((r) => r.status === 400 && JSON.stringify(r).includes('40060'))).toEqual([]);
    // Every process kept Discord's identify and REST limits, the restarted one included.
    expect(sim.stats.identifyRateLimited).toBe(0);
    expect(sim.stats.global429s).toBe(0);
  }, 120_000);
});
