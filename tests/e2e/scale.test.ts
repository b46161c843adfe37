/**
 * The bot at Discord's scale, through the simulator (which enforces sharding past 2,500 servers a
 * shard, identify buckets and the global REST limit of 50 requests a second per bot token):
 * - thousands of servers with no shard setting;
 * - two processes that both think they own a shard (a rolling deploy);
 * - three processes posting thousands of daily stories at one minute through the REST proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, shardOf, type SimGuild, type SimMessage, type Simulator } from '@kiss-scene-bot/discord-simulator';
import { startWorld, type BotUnderTest, type World } from './harness.js';

const redis = process.env.TEST_REDIS_URL;
const root = new URL('../../', import.meta.url);
const isDaily = (m: SimMessage) => m.embeds[0]?.author?.name === 'Story of the day';
const textChannel = (guild: SimGuild) => guild.channels.find((c) => c.type === 0)!.id;

/** Runs `tasks` with at most `limit` at a time, in order. */
async function inBatches<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(task));
}

describe('6,000 servers with no shard setting', () => {
  const GUILDS = 6_000;
  let world: World;
  const guilds: SimGuild[] = [];

  beforeAll(async () => {
    world = await startWorld({
      // Every shard may identify at once (a large bot's max_concurrency); Discord recommends 6.
      simulator: { maxConcurrency: 16 },
      beforeBot: (sim) => {
        for (let i = 0; i < GUILDS; i++) guilds.push(sim.createGuild({ name: `Club ${i}`, channels: [{ name: 'general' }] }));
      },
    });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('connects on the shards Discord recommends, never one past 2,500 servers, and answers in every server', async () => {
    const { client } = world.bot.app;
    expect(client.ws.shards.size).toBe(Math.ceil((GUILDS + 1) / 1_000));
    expect(client.guilds.cache.size).toBe(GUILDS + 1);
    expect(world.sim.stats.shardingRequiredCloses).toBe(0);
    expect(world.sim.stats.identifyRateLimited).toBe(0);

    // The simulator checks each reply against Discord's API description, compiling that check on the
    // first reply: over half a second of this process's time, which would land on the first burst's
    // store reads and run them past their deadline. One reply first, in the world's own server.
    const first = await world.sim.command({ user: world.sim.createMember(world.guild.id, { username: 'first' }).user, guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'Moon Lovers' } });
    expect(first.message?.embeds[0]?.title).toBe('💋 Lee Joon Ki & IU');
    const failed: string[] = [];
    await inBatches(guilds, 200, async (guild) => {
      const user = world.sim.createMember(guild.id, { username: 'fan' }).user;
      const res = await world.sim.command({ user, guildId: guild.id, name: 'kiss-scene', options: { couple: 'Moon Lovers' } });
      if (res.message?.embeds[0]?.title !== '💋 Lee Joon Ki & IU') failed.push(`${guild.name}: ${res.outcome} ${res.message?.embeds[0]?.title ?? res.message?.content ?? ''}`);
    });
    expect(failed).toEqual([]);
    expect(world.sim.stats.invalidRequests).toBe(0);
  }, 180_000);
});

describe.skipIf(!redis)('two processes that both own a shard, as in a rolling deploy (Redis)', () => {
  const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z'));
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('gives 20 servers due at the same minute one daily post each, and a poll closed by both one results message', async () => {
    const guilds: SimGuild[] = [];
    world = await startWorld({
      clock,
      storeUrl: redis!,
      beforeBot: (sim) => {
        for (let i = 0; i < 20; i++) guilds.push(sim.createGuild({ name: `Deploy ${i}`, channels: [{ name: 'general' }] }));
      },
    });
    const w = world;
    // Set up through the old process, while it is the only one.
    for (const guild of guilds) {
      const mod = w.sim.createMember(guild.id, { username: 'mod', moderator: true }).user;
      const res = await (
        await w.sim.command({ user: mod, guildId: guild.id, channelId: textChannel(guild), name: 'kiss-daily', subcommand: 'set', options: { channel: textChannel(guild), time: '20:00', timezone: 'Asia/Seoul' } })
      ).settled();
      expect(res.message!.content).toContain('✅ Saved.');
    }
    const pollGuild = guilds[0]!;
    const starter = w.sim.createMember(pollGuild.id, { username: 'starter' }).user;
    const started = await (
      await w.sim.command({ user: starter, guildId: pollGuild.id, channelId: textChannel(pollGuild), name: 'kiss-poll', subcommand: 'start', options: { couples: 'park-bo-gum-kim-yoo-jung, lee-joon-ki-iu', duration: '2h' } })
    ).settled();
    expect(started.message!.content).toMatch(/^Your poll is up: /);
    const poll = await w.sim.waitForMessage(textChannel(pollGuild), (m) => m.components.length > 0 && !isDaily(m));
    const voter = w.sim.createMember(pollGuild.id, { username: 'voter' }).user;
    const vote = poll.components.flatMap((r) => r.components ?? []).find((c) => c.custom_id?.startsWith('poll:vote:'))!.custom_id!;
    expect((await w.sim.click({ user: voter, message: poll, customId: vote })).outcome).toBe('replied');

    // The new process starts on the same shard and the same store; the old one keeps running.
    const second: BotUnderTest = await w.startBot({ clock, storeUrl: redis! });
    expect(second.app.client.guilds.cache.has(pollGuild.id)).toBe(true);

    // 20:00 in Seoul, and the poll's deadline: both processes' timers fire.
    await clock.advanceTo(Date.parse('2026-11-25T11:00:00Z'));
    for (const guild of guilds) await w.sim.waitForMessage(textChannel(guild), isDaily, 10_000);
    await w.sim.waitForMessage(textChannel(pollGuild), (m) => m.embeds[0]?.author?.name === 'Poll results', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(guilds.map((g) => w.sim.messages(textChannel(g)).filter(isDaily).length)).toEqual(guilds.map(() => 1));
    expect(w.sim.messages(textChannel(pollGuild)).filter((m) => m.embeds[0]?.author?.name === 'Poll results')).toHaveLength(1);
  }, 120_000);
});

describe.skipIf(!redis)('three processes posting 3,000 daily stories due at one minute, through the REST proxy', () => {
  const GUILDS = 3_000;
  const SHARDS = 3;
  const clock = new ManualClock(Date.parse('2026-11-26T00:00:00Z'));
  let world: World;
  let proxy: ChildProcess | undefined;
  let proxyUrl = '';
  const bots: BotUnderTest[] = [];
  const guilds: SimGuild[] = [];

  beforeAll(async () => {
    world = await startWorld({
      clock,
      storeUrl: redis!,
      simulator: { recommendedShards: SHARDS, maxConcurrency: SHARDS },
      firstBot: { shards: { ids: [0], count: SHARDS } },
      beforeBot: async (sim) => {
        for (let i = 0; i < GUILDS; i++) guilds.push(sim.createGuild({ name: `Daily ${i}`, channels: [{ name: 'general' }] }));
        proxyUrl = await startProxy(sim);
        return { apiUrl: proxyUrl };
      },
    });
    bots.push(world.bot);
    for (let shard = 1; shard < SHARDS; shard++) {
      bots.push(await world.startBot({ clock, storeUrl: redis!, shards: { ids: [shard], count: SHARDS }, apiUrl: proxyUrl }));
    }
    // Every server asks for its story at 20:00 Seoul time, through the process that owns it.
    await inBatches(guilds, 100, async (guild) => {
      const owner = bots[shardOf(guild.id, SHARDS)]!;
      await owner.app.ctx.daily.configure(guild.id, { channelId: textChannel(guild), time: '20:00', timezone: 'Asia/Seoul', language: 'en' });
    });
  }, 240_000);

  afterAll(async () => {
    await world?.close();
    proxy?.kill('SIGTERM');
  });

  async function startProxy(sim: Simulator): Promise<string> {
    let output = '';
    proxy = spawn(process.execPath, ['--import', 'tsx', 'src/rest-proxy.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DISCORD_API_URL: sim.apiUrl, REST_PROXY_PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy.stdout!.on('data', (d) => (output += String(d)));
    proxy.stderr!.on('data', (d) => (output += String(d)));
    const until = Date.now() + 20_000;
    while (!/DISCORD_API_URL=(\S+)/.test(output)) {
      if (Date.now() > until) throw new Error(`the REST proxy did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return /DISCORD_API_URL=(\S+)/.exec(output)![1]!;
  }

  it('posts every story exactly once with no global 429 and no invalid request, and prints the rate', async () => {
    const postedAt: number[] = [];
    world.sim.on('messageCreate', (m) => {
      if (isDaily(m)) postedAt.push(performance.now());
    });
    const before = { ...world.sim.stats };
    await clock.advanceTo(Date.parse('2026-11-26T11:00:00Z'));
    const until = Date.now() + 150_000;
    while (postedAt.length < GUILDS && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 250));
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const perServer = guilds.map((g) => world.sim.messages(textChannel(g)).filter(isDaily).length);
    expect(perServer.filter((n) => n !== 1)).toEqual([]);
    const seconds = (postedAt.at(-1)! - postedAt[0]!) / 1000;
    const rate = (GUILDS - 1) / seconds;
    console.log(`[figures] ${GUILDS} daily posts from ${SHARDS} processes through the REST proxy in ${seconds.toFixed(1)} s: ${rate.toFixed(1)} posts/s (${(rate / 50).toFixed(2)} × Discord's 50/s); global 429s ${world.sim.stats.global429s - before.global429s}; invalid requests ${world.sim.stats.invalidRequests - before.invalidRequests}`);
    expect(world.sim.stats.global429s - before.global429s).toBe(0);
    expect(world.sim.stats.invalidRequests - before.invalidRequests).toBe(0);
    // The rate is a speed figure: printed here, and held to its goal (0.9 × 50/s) by
    // `npm run bench:daily-processes` on the compiled build, never by a timed test on a shared machine.
    expect(rate).toBeGreaterThan(0);
  }, 200_000);
});
