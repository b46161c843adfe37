import { Events, type Guild } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { shardOf, startSimulator, type SimGuild, type SimUser, type Simulator } from '../src/index.js';
import { eventually, startBot, type TestBot } from './helpers.js';

describe('one shard: resume, reconnect, invalid session', () => {
  let sim: Simulator;
  let bot: TestBot;
  let guild: SimGuild;
  let alice: SimUser;
  const joined: string[] = [];
  let resumes = 0;

  beforeAll(async () => {
    sim = await startSimulator();
    guild = sim.createGuild({ name: 'Main' });
    sim.createGuild({ name: 'Second' });
    bot = await startBot(sim);
    bot.client.on(Events.GuildCreate, (g: Guild) => joined.push(g.name));
    bot.client.on(Events.ShardResume, () => resumes++);
    await bot.client.application.commands.set([{ name: 'ping', description: 'Ping' }]);
    bot.commands.set('ping', async (i) => {
      await i.reply(`pong ${i.id}`);
    });
    alice = sim.createMember(guild.id, { username: 'alice' }).user;
  });

  afterAll(async () => {
    await bot?.client.destroy();
    await sim?.close();
  });

  it('READY lists the guilds and each arrives as GUILD_CREATE', () => {
    expect(bot.client.guilds.cache.map((g) => g.name).sort()).toEqual(['Main', 'Second']);
    expect(sim.gateway.connectedShards()).toEqual([0]);
    expect(sim.gateway.sessions()).toMatchObject([{ shardId: 0, shardCount: 1, identified: 1, resumed: 0, connected: true, intents: 1 }]);
  });

  it('a guild created while connected is announced with GUILD_CREATE', async () => {
    sim.createGuild({ name: 'Joined later' });
    await eventually(() => joined.includes('Joined later'));
  });

  it('after a dropped socket the client resumes and gets what was sent meanwhile exactly once', async () => {
    sim.gateway.drop();
    expect(sim.gateway.connectedShards()).toEqual([]);
    sim.createGuild({ name: 'During drop' });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(res.outcome).toBe('replied');
    expect(res.message?.content).toBe(`pong ${res.id}`);
    await eventually(() => joined.includes('During drop'));
    expect(bot.received.filter((id) => id === res.id)).toHaveLength(1);
    expect(joined.filter((n) => n === 'During drop')).toHaveLength(1);
    expect(sim.gateway.sessions()).toMatchObject([{ identified: 1, resumed: 1, connected: true }]);
    expect(resumes).toBe(1);
  });

  it('op 7 RECONNECT: the client resumes and loses nothing', async () => {
    sim.gateway.reconnect();
    sim.createGuild({ name: 'During reconnect' });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(res.outcome).toBe('replied');
    await eventually(() => joined.includes('During reconnect') && sim.gateway.sessions()[0]?.resumed === 2);
    expect(joined.filter((n) => n === 'During reconnect')).toHaveLength(1);
    expect(bot.received.filter((id) => id === res.id)).toHaveLength(1);
  });

  it('op 9 resumable: the client resumes on the same connection', async () => {
    sim.gateway.invalidateSession(0, true);
    await eventually(() => sim.gateway.sessions()[0]?.resumed === 3 && sim.gateway.connectedShards().length === 1);
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(res.outcome).toBe('replied');
  });

  it('op 9 not resumable: the client identifies again (after the identify throttle)', async () => {
    const before = sim.gateway.sessions()[0]?.sessionId;
    sim.gateway.invalidateSession(0, false);
    await sim.gateway.waitForReady(1, 10_000);
    const [session] = sim.gateway.sessions();
    expect(session?.sessionId).not.toBe(before);
    expect(session).toMatchObject({ identified: 2, resumed: 0, connected: true });
    const res = await sim.command({ user: alice, guildId: guild.id, name: 'ping' });
    expect(res.outcome).toBe('replied');
  }, 15_000);

  it('every request body the simulator accepted here matches Discord’s schema', () => {
    expect(sim.requests.filter((r) => r.schema === 'valid').length).toBeGreaterThan(4);
    expect(sim.schemaViolations).toEqual([]);
  });
});

describe('two shards', () => {
  let sim: Simulator;
  let bot: TestBot;
  let guilds: SimGuild[];
  const seenOnShard = new Map<string, number>();

  beforeAll(async () => {
    // max_concurrency 2 lets both shards identify at once (with 1, discord.js waits 5 s between them)
    sim = await startSimulator({ recommendedShards: 2, maxConcurrency: 2 });
    guilds = [
      sim.createGuild({ name: 'A', shardHint: 0, shardCount: 2 }),
      sim.createGuild({ name: 'B', shardHint: 1, shardCount: 2 }),
      sim.createGuild({ name: 'C' }),
      sim.createGuild({ name: 'D' }),
    ];
    bot = await startBot(sim, { shards: [0, 1], shardCount: 2 });
    await bot.client.application.commands.set([{ name: 'where', description: 'Which shard' }]);
    bot.commands.set('where', async (i) => {
      seenOnShard.set(i.guildId ?? '', i.guild?.shardId ?? -1);
      await i.reply(`shard ${String(i.guild?.shardId)}`);
    });
  });

  afterAll(async () => {
    await bot?.client.destroy();
    await sim?.close();
  });

  it('consecutive guilds spread over shards and shardHint pins one', () => {
    expect(shardOf(guilds[0]!.id, 2)).toBe(0);
    expect(shardOf(guilds[1]!.id, 2)).toBe(1);
    expect(shardOf(guilds[2]!.id, 2)).not.toBe(shardOf(guilds[3]!.id, 2));
  });

  it('each shard gets only its own guilds', () => {
    const sessions = sim.gateway.sessions().sort((a, b) => a.shardId - b.shardId);
    expect(sessions.map((s) => [s.shardId, s.shardCount])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(sim.gateway.connectedShards()).toEqual([0, 1]);
    for (const g of guilds) {
      expect(bot.client.guilds.cache.get(g.id)?.shardId).toBe(shardOf(g.id, 2));
    }
  });

  it('interactions arrive on the shard that owns the guild', async () => {
    for (const g of guilds) {
      const member = sim.createMember(g.id);
      const res = await sim.command({ user: member.user, guildId: g.id, name: 'where' });
      expect(res.message?.content).toBe(`shard ${shardOf(g.id, 2)}`);
    }
    expect(seenOnShard.size).toBe(4);
  });

  it('dropping one shard leaves the other connected', async () => {
    sim.gateway.drop(1);
    expect(sim.gateway.connectedShards()).toEqual([0]);
    await sim.gateway.waitForReady(2, 5000);
    expect(sim.gateway.sessions().find((s) => s.shardId === 1)?.resumed).toBe(1);
  });
});

describe('two sessions of one shard (a rolling deploy)', () => {
  let sim: Simulator;
  const bots: TestBot[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ maxConcurrency: 2 });
    sim.createGuild({ name: 'Main' });
  });

  afterAll(async () => {
    for (const bot of bots) await bot.client.destroy();
    await sim?.close();
  });

  it('both get every interaction, and a lagged one gets it late but in order', async () => {
    const old = await startBot(sim);
    bots.push(old);
    const [oldSession] = sim.gateway.sessions();
    sim.gateway.lag(oldSession!.sessionId, 150);
    const next = await startBot(sim);
    bots.push(next);
    const seen: Array<{ who: string; id: string; at: number }> = [];
    for (const [who, bot] of [['old', old], ['new', next]] as const) {
      await bot.client.application.commands.set([{ name: 'ping', description: 'Ping' }]);
      bot.commands.set('ping', async (i) => {
        seen.push({ who, id: i.id, at: performance.now() });
        if (who === 'new') await i.reply('pong');
      });
    }
    const guild = [...sim.world.guilds.values()][0]!;
    const user = sim.createMember(guild.id, { username: 'clicker' }).user;
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) ids.push((await sim.command({ user, guildId: guild.id, name: 'ping' })).id);
    await eventually(() => seen.filter((s) => s.who === 'old').length === 3);
    const of = (who: string) => seen.filter((s) => s.who === who);
    expect(of('old').map((s) => s.id)).toEqual(ids);
    expect(of('new').map((s) => s.id)).toEqual(ids);
    // The old session heard of each interaction well after the new one.
    for (const [i, s] of of('old').entries()) expect(s.at - of('new')[i]!.at).toBeGreaterThan(100);
    expect(() => sim.gateway.lag('no-such-session', 10)).toThrow(/No gateway session/);
  });
});

describe('protocol edges (raw WebSocket)', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ heartbeatIntervalMs: 200 });
  });

  afterAll(async () => {
    await sim?.close();
  });

  /** Opens a socket and collects what the server sends until it closes. */
  function open(): { ws: WebSocket; received: Array<{ op: number; t?: string; d?: unknown }>; closed: Promise<number> } {
    const ws = new WebSocket(`${sim.gatewayUrl}?v=10&encoding=json`);
    const received: Array<{ op: number; t?: string; d?: unknown }> = [];
    ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString()) as { op: number }));
    const closed = new Promise<number>((resolve) => ws.on('close', (code: number) => resolve(code)));
    return { ws, received, closed };
  }

  it('says HELLO with the configured heartbeat interval and ACKs heartbeats', async () => {
    const { ws, received } = open();
    await eventually(() => received.length > 0);
    expect(received[0]).toEqual({ op: 10, d: { heartbeat_interval: 200 } });
    ws.send(JSON.stringify({ op: 1, d: null }));
    await eventually(() => received.some((p) => p.op === 11));
    ws.close(1000);
  });

  it('closes a zombie connection that stops heartbeating', async () => {
    const { ws, received, closed } = open();
    await eventually(() => received.length > 0);
    ws.send(JSON.stringify({ op: 2, d: { token: sim.token, intents: 1, properties: {} } }));
    await eventually(() => received.some((p) => p.t === 'READY'));
    expect(await closed).toBe(4009);
  });

  it('refuses a wrong token (4004) and answers an unknown session with op 9 false', async () => {
    const bad = open();
    await eventually(() => bad.received.length > 0);
    bad.ws.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1, properties: {} } }));
    expect(await bad.closed).toBe(4004);
    const stale = open();
    await eventually(() => stale.received.length > 0);
    stale.ws.send(JSON.stringify({ op: 6, d: { token: sim.token, session_id: 'nope', seq: 3 } }));
    await eventually(() => stale.received.some((p) => p.op === 9));
    expect(stale.received.find((p) => p.op === 9)).toEqual({ op: 9, d: false });
    stale.ws.close(1000);
  });

  it('refuses a shard outside the shard count (4010)', async () => {
    const { ws, received, closed } = open();
    await eventually(() => received.length > 0);
    ws.send(JSON.stringify({ op: 2, d: { token: sim.token, intents: 1, properties: {}, shard: [2, 2] } }));
    expect(await closed).toBe(4010);
  });
});

describe('the bot removed from a guild, invited back, and a guild outage', () => {
  let sim: Simulator;
  let bot: TestBot;
  let guild: SimGuild;
  const events: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator();
    guild = sim.createGuild({ name: 'Club' });
    sim.createGuild({ name: 'Other' });
    bot = await startBot(sim);
    bot.client.on(Events.GuildDelete, (g: Guild) => events.push(`delete ${g.name} available=${g.available}`));
    bot.client.on(Events.GuildUnavailable, (g: Guild) => events.push(`unavailable ${g.name}`));
    bot.client.on(Events.GuildAvailable, (g: Guild) => events.push(`available ${g.name}`));
    bot.client.on(Events.GuildCreate, (g: Guild) => events.push(`create ${g.name}`));
  });

  afterAll(async () => {
    await bot?.client.destroy();
    await sim?.close();
  });

  it('an outage is GUILD_DELETE with unavailable: discord.js keeps the guild and says it is unavailable, then available again', async () => {
    sim.guildOutage(guild.id);
    await eventually(() => events.includes('unavailable Club'));
    expect(bot.client.guilds.cache.get(guild.id)?.available).toBe(false);
    sim.endGuildOutage(guild.id);
    await eventually(() => events.includes('available Club'));
    expect(bot.client.guilds.cache.get(guild.id)?.available).toBe(true);
    expect(events.filter((e) => e.startsWith('delete'))).toEqual([]);
  });

  it('a removal is GUILD_DELETE without unavailable: discord.js drops the guild, and Discord answers 403 for it', async () => {
    sim.removeBot(guild.id);
    await eventually(() => events.includes('delete Club available=true'));
    expect(bot.client.guilds.cache.has(guild.id)).toBe(false);
    expect(sim.world.member(guild.id, sim.botUserId)).toBeUndefined();
    expect(sim.world.guilds.get(guild.id)!.roles.some((r) => r.botId)).toBe(false);
    await expect(bot.client.rest.get(`/guilds/${guild.id}`)).rejects.toMatchObject({ status: 403, code: 50001 });
    const general = guild.channels[0]!.id;
    await expect(bot.client.rest.post(`/channels/${general}/messages`, { body: { content: 'hello?' } })).rejects.toMatchObject({ status: 403 });
    // Events of a guild the bot left do not reach it.
    const received = events.length;
    sim.createRole(guild.id, { name: 'later', permissions: 0n });
    expect(() => sim.removeBot(guild.id)).toThrow(/not in guild/);
    expect(events).toHaveLength(received);
  });

  it('a new IDENTIFY lists only the guilds the bot is in', async () => {
    sim.gateway.invalidateSession(0, false);
    await sim.gateway.waitForReady(1, 10_000);
    await eventually(() => bot.client.guilds.cache.size === 1);
    expect(bot.client.guilds.cache.map((g) => g.name)).toEqual(['Other']);
  });

  it('a re-invite is GUILD_CREATE with a new managed role, and the bot can post again', async () => {
    sim.inviteBot(guild.id);
    await eventually(() => events.includes('create Club'));
    const cached = bot.client.guilds.cache.get(guild.id)!;
    expect(cached.members.me?.roles.cache.has(sim.world.guilds.get(guild.id)!.botRoleId)).toBe(true);
    const general = guild.channels[0]!.id;
    await bot.client.rest.post(`/channels/${general}/messages`, { body: { content: 'back' } });
    expect(sim.messages(general).at(-1)?.content).toBe('back');
    expect(() => sim.inviteBot(guild.id)).toThrow(/already in guild/);
  });
});
