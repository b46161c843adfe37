/** Discord's rules at scale: sharding required, recommended shards, identify concurrency, the global limit, invalid requests. */
import { REST } from '@discordjs/rest';
import { Client, Events, GatewayIntentBits, type TextChannel } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GlobalRateLimit } from '../src/limits.js';
import { shardOf, startSimulator, type SimGuild, type Simulator } from '../src/index.js';
import { eventually, sleep, startBot, type TestBot } from './helpers.js';

/** A client that is not logged in yet, for tests that watch the login fail. */
function newClient(sim: Simulator, o: { shards?: number[]; shardCount?: number } = {}): Client {
  return new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sim.apiUrl }, ...o });
}

/** `GET /gateway/bot` as a client sees it. */
async function gatewayBot(sim: Simulator): Promise<{ shards: number; session_start_limit: { total: number; remaining: number; max_concurrency: number } }> {
  const res = await fetch(`${sim.apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${sim.token}` } });
  return (await res.json()) as { shards: number; session_start_limit: { total: number; remaining: number; max_concurrency: number } };
}

describe('sharding required (4011) and recommended shards', () => {
  let sim: Simulator;
  const clients: Client[] = [];

  beforeAll(async () => {
    // each test connects a new client at once: the identify interval has its own tests below
    sim = await startSimulator({ maxConcurrency: 4, identifyIntervalMs: 0 });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy();
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('recommends one shard per 1,000 guilds, at least one, counted when asked', async () => {
    expect((await gatewayBot(sim)).shards).toBe(1);
    for (let i = 0; i < 1000; i++) sim.createGuild();
    expect((await gatewayBot(sim)).shards).toBe(1);
    sim.createGuild();
    expect((await gatewayBot(sim)).shards).toBe(2);
    for (let i = 0; i < 1500; i++) sim.createGuild();
    expect(sim.world.guilds.size).toBe(2501);
    expect((await gatewayBot(sim)).shards).toBe(3);
  });

  it('a shard that would carry 2,501 guilds is closed with 4011: the login rejects and the client never becomes ready', async () => {
    const client = newClient(sim, { shards: [0], shardCount: 1 });
    clients.push(client);
    const shardErrors: string[] = [];
    const closes: number[] = [];
    let ready = false;
    client.on(Events.ShardError, (error) => shardErrors.push(error.message));
    client.on(Events.ShardDisconnect, (event) => closes.push(event.code));
    client.once(Events.ClientReady, () => (ready = true));
    await expect(client.login(sim.token)).rejects.toThrow('Sharding is required');
    expect(shardErrors).toEqual(['Sharding is required']);
    expect(closes).toEqual([4011]);
    expect(sim.stats.shardingRequiredCloses).toBe(1);
    await sleep(700); // discord.js would reconnect 500 ms after a recoverable close
    expect(ready).toBe(false);
    expect(sim.gateway.sessions()).toEqual([]);
    expect(sim.stats.identifies).toBe(1);
  });

  it('on two shards (about 1,250 guilds each) the same guilds are fine', async () => {
    const bot = await startBot(sim, { shards: [0, 1], shardCount: 2 });
    clients.push(bot.client);
    expect(bot.client.guilds.cache.size).toBe(2501);
    expect(sim.gateway.connectedShards()).toEqual([0, 1]);
    expect(sim.stats.shardingRequiredCloses).toBe(1);
  });

  it('a client left to the recommendation connects 3 shards; session_start_limit.remaining counts every IDENTIFY', async () => {
    const before = sim.stats.identifies;
    expect((await gatewayBot(sim)).session_start_limit).toMatchObject({ total: 1000, remaining: 1000 - before, max_concurrency: 4 });
    const bot = await startBot(sim, { shards: 'auto' });
    clients.push(bot.client);
    expect(bot.client.ws.shards.size).toBe(3);
    expect(bot.client.guilds.cache.size).toBe(2501);
    expect(sim.stats.identifies).toBe(before + 3);
    expect((await gatewayBot(sim)).session_start_limit.remaining).toBe(1000 - before - 3);
  });

  it('an explicit recommendedShards wins over the guild count', async () => {
    const fixed = await startSimulator({ recommendedShards: 5 });
    try {
      expect((await gatewayBot(fixed)).shards).toBe(5);
    } finally {
      await fixed.close();
    }
  });
});

describe('identify concurrency', () => {
  /** A raw gateway connection that collects what the server sends. */
  function open(sim: Simulator): { ws: WebSocket; received: Array<{ op: number; t?: string; d?: unknown }>; closed: Promise<number> } {
    const ws = new WebSocket(`${sim.gatewayUrl}?v=10&encoding=json`);
    const received: Array<{ op: number; t?: string; d?: unknown }> = [];
    ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString()) as { op: number }));
    const closed = new Promise<number>((resolve) => ws.on('close', (code: number) => resolve(code)));
    return { ws, received, closed };
  }

  async function identify(sim: Simulator, shard: [number, number]): Promise<{ op: number; t?: string; d?: unknown }> {
    const conn = open(sim);
    await eventually(() => conn.received.length > 0);
    conn.ws.send(JSON.stringify({ op: 2, d: { token: sim.token, intents: 1, properties: {}, shard } }));
    await eventually(() => conn.received.some((p) => p.t === 'READY' || p.op === 9));
    conn.ws.close(1000);
    return conn.received.find((p) => p.t === 'READY' || p.op === 9)!;
  }

  it('shards of one bucket identify once per interval across connections; other buckets are free', async () => {
    const sim = await startSimulator({ maxConcurrency: 2, identifyIntervalMs: 60_000 });
    try {
      expect((await identify(sim, [0, 4])).t).toBe('READY');
      expect((await identify(sim, [1, 4])).t).toBe('READY'); // bucket 1
      expect(await identify(sim, [2, 4])).toEqual({ op: 9, d: false }); // bucket 0 again, from another connection
      expect(await identify(sim, [3, 4])).toEqual({ op: 9, d: false }); // bucket 1 again
      expect(sim.stats).toMatchObject({ identifies: 4, identifyRateLimited: 2 });
      expect((await gatewayBot(sim)).session_start_limit.remaining).toBe(996);
    } finally {
      await sim.close();
    }
  });

  it('two processes identifying one bucket at once: the second gets op 9 and connects after discord.js waits', async () => {
    // max_concurrency 1: shards 0 and 1 share the bucket; each process identifies its own shard
    const sim = await startSimulator({ recommendedShards: 2 });
    const a = newClient(sim, { shards: [0], shardCount: 2 });
    const b = newClient(sim, { shards: [1], shardCount: 2 });
    try {
      const readies = [a, b].map((c) => new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve())));
      await Promise.all([a.login(sim.token), b.login(sim.token), ...readies]);
      expect(sim.stats).toMatchObject({ identifies: 3, identifyRateLimited: 1 });
      expect(sim.gateway.connectedShards()).toEqual([0, 1]);
    } finally {
      await a.destroy();
      await b.destroy();
      await sim.close();
    }
  }, 30_000);

  it('two processes that respect the interval both connect at once', async () => {
    const sim = await startSimulator({ recommendedShards: 2, identifyIntervalMs: 300 });
    let first: TestBot | undefined;
    let second: TestBot | undefined;
    try {
      first = await startBot(sim, { shards: [0], shardCount: 2 });
      await sleep(400);
      second = await startBot(sim, { shards: [1], shardCount: 2 });
      expect(sim.stats).toMatchObject({ identifies: 2, identifyRateLimited: 0 });
    } finally {
      await first?.client.destroy();
      await second?.client.destroy();
      await sim.close();
    }
  });
});

describe('the global rate limit (unit)', () => {
  /** Seeded pseudo-random numbers in [0, 1). */
  function random(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
      return s / 2 ** 32;
    };
  }

  /** No freezes: time as it comes. */
  const flowing = (t: number): number => t;

  /**
   * When one @discordjs/rest process sends requests it wants to send at `wanted` (ms, ascending):
   * its global limiter's fixed windows, each opened by the first request after the last one ended,
   * the 50 ms offset it adds when it had to wait, and each request after the one before it. `thaw`
   * maps a time within a freeze of its event loop to the end of that freeze.
   */
  function discordJsSends(wanted: number[], thaw = flowing, limit = 50): number[] {
    let reset = -1;
    let remaining = limit;
    let last = -1;
    return wanted.map((t) => {
      let now = thaw(Math.max(t, last));
      while (remaining <= 0 && now < reset) now = thaw(reset + 50);
      if (reset < now) {
        reset = now + 1000;
        remaining = limit;
      }
      remaining--;
      last = now;
      return now;
    });
  }

  /** How many of these arrivals the limit refuses. */
  function refused(arrivals: number[], limit = 50): number {
    const global = new GlobalRateLimit(limit);
    return [...arrivals].sort((x, y) => x - y).filter((t) => global.take(t) !== undefined).length;
  }

  it('refuses the 51st request of a second and says when to retry', () => {
    const global = new GlobalRateLimit(50);
    for (let i = 0; i < 50; i++) expect(global.take(1000 + i)).toBeUndefined();
    const wait = global.take(1050);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    expect(global.take(1050 + wait!)).toBeUndefined();
  });

  it('lets one process send 50 at the end of its window and 50 at the start of the next', () => {
    const wanted = [0, ...Array.from({ length: 49 }, () => 995), ...Array.from({ length: 50 }, () => 1001)];
    const sent = discordJsSends(wanted);
    expect(sent.filter((t) => t < 1050)).toHaveLength(100);
    expect(refused(sent)).toBe(0);
  });

  it('never refuses one process, whatever it sends, with 300 ms of delivery jitter and freezes of 450 ms', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = random(seed);
      const wanted: number[] = [];
      let t = 0;
      while (wanted.length < 600) {
        // bursts, steady streams and pauses
        const kind = rnd();
        const n = 1 + Math.floor(rnd() * 80);
        for (let i = 0; i < n; i++) {
          wanted.push(t);
          t += kind < 0.4 ? 0 : kind < 0.8 ? rnd() * 40 : rnd() * 400;
        }
      }
      // now and then the process's event loop stops (a garbage collection, a busy test)
      const freezes: Array<[number, number]> = [];
      for (let f = rnd() * 2000; f < t + 5000; f += 500 + rnd() * 3000) freezes.push([f, f + rnd() * 450]);
      const thaw = (x: number): number => freezes.find(([from, to]) => x >= from && x < to)?.[1] ?? x;
      const jittered = discordJsSends(wanted, thaw).map((sent) => thaw(sent + rnd() * 150));
      expect(refused(jittered), `seed ${seed}, frozen`).toBe(0);
      expect(refused(discordJsSends(wanted).map((sent) => sent + rnd() * 300)), `seed ${seed}, jitter`).toBe(0);
    }
  });

  it('refuses two processes that together send more than 50 a second', () => {
    const rnd = random(7);
    const steady = Array.from({ length: 300 }, (_, i) => i * 10); // each wants 100 a second for 3 s
    const arrivals = [...discordJsSends(steady), ...discordJsSends(steady.map((t) => t + 3))].map((s) => s + rnd() * 20);
    expect(refused(arrivals)).toBeGreaterThan(100);
    // one burst of 60 each, at once
    const burst = (at: number): number[] => discordJsSends(Array.from({ length: 60 }, () => at));
    expect(refused([...burst(0), ...burst(1)])).toBeGreaterThan(0);
  });
});

describe('the global rate limit (discord.js)', () => {
  let sim: Simulator;
  let bot: TestBot;
  let guilds: SimGuild[];

  beforeAll(async () => {
    sim = await startSimulator();
    guilds = Array.from({ length: 60 }, (_, i) => sim.createGuild({ name: `G${i}` }));
    bot = await startBot(sim);
    await bot.client.application.commands.set([{ name: 'ping', description: 'Ping' }]);
    bot.commands.set('ping', async (i) => {
      await i.reply('pong');
    });
  });

  afterAll(async () => {
    await bot?.client.destroy();
    await sim?.close();
  });

  /** Waits until no request has come for a second and a half, so the next test starts on a fresh window. */
  async function quiet(): Promise<void> {
    await sleep(1500);
  }

  it('one discord.js client sending 120 messages waits by itself: no global 429', async () => {
    const before = sim.stats;
    const channels = guilds.slice(0, 6).map((g) => bot.client.channels.cache.get(sim.channel(g.id, 'general').id) as TextChannel);
    await Promise.all(Array.from({ length: 120 }, (_, i) => channels[i % channels.length]!.send(`message ${i}`)));
    expect(channels.reduce((n, c) => n + sim.messages(c.id).length, 0)).toBe(120);
    expect(sim.stats.global429s).toBe(before.global429s);
    expect(sim.stats.invalidRequests).toBe(before.invalidRequests);
    await quiet();
  }, 30_000);

  it('interaction callbacks are exempt: 80 replies at once are never limited', async () => {
    const before = sim.stats.global429s;
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) => guilds[i % guilds.length]!).map((g) => sim.command({ user: sim.createMember(g.id).user, guildId: g.id, name: 'ping' })),
    );
    expect(results.map((r) => r.outcome)).toEqual(Array(80).fill('replied'));
    // and so are the interaction webhooks: 100 raw GETs of the response at once
    const { id, token } = results[0]!;
    expect(id).toBeTruthy();
    const statuses = await Promise.all(
      Array.from({ length: 100 }, () => fetch(`${sim.apiUrl}/v10/webhooks/${sim.applicationId}/${token}/messages/@original`).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(100).fill(200));
    expect(sim.stats.global429s).toBe(before);
    await quiet();
  }, 30_000);

  it('two processes together over 50 a second get global 429s, and wait as told', async () => {
    const before = sim.stats;
    const rests = [0, 1].map(() => new REST({ api: sim.apiUrl }).setToken(sim.token));
    const channelIds = guilds.map((g) => sim.channel(g.id, 'general').id);
    // each process fetches channels 100 times (60 buckets: little queues behind another), 50 a second by its own count
    await Promise.all(rests.flatMap((rest) => Array.from({ length: 100 }, (_, i) => rest.get(`/channels/${channelIds[i % channelIds.length]!}`))));
    const after = sim.stats;
    expect(after.global429s).toBeGreaterThan(before.global429s);
    expect(after.invalidByStatus[429] - before.invalidByStatus[429]).toBe(after.global429s - before.global429s);
    await quiet();
  }, 30_000);

  it('a global 429 has Retry-After, X-RateLimit-Global, X-RateLimit-Scope and Discord’s body', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => fetch(`${sim.apiUrl}/v10/users/@me`, { headers: { Authorization: `Bot ${sim.token}` } })),
    );
    const refusedOnes = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(50);
    expect(refusedOnes.length).toBeGreaterThan(0);
    const res = refusedOnes[0]!;
    expect(res.headers.get('x-ratelimit-global')).toBe('true');
    expect(res.headers.get('x-ratelimit-scope')).toBe('global');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { message: string; retry_after: number; global: boolean };
    expect(body).toEqual({ message: 'You are being rate limited.', retry_after: body.retry_after, global: true });
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.retry_after).toBeLessThanOrEqual(1);
    await quiet();
  });

  it('globalRateLimit: false turns it off', async () => {
    const free = await startSimulator({ globalRateLimit: false });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 120 }, () => fetch(`${free.apiUrl}/v10/users/@me`, { headers: { Authorization: `Bot ${free.token}` } }).then((r) => r.status)),
      );
      expect(statuses).toEqual(Array(120).fill(200));
      expect(free.stats.global429s).toBe(0);
    } finally {
      await free.close();
    }
  });
});

describe('invalid requests', () => {
  it('counts 401, 403 and 429 responses, but not shared-scope 429s nor other errors', async () => {
    const sim = await startSimulator({ globalRateLimit: false });
    try {
      const guild = sim.createGuild();
      const channelId = sim.channel(guild.id, 'general').id;
      const api = `${sim.apiUrl}/v10`;
      const auth = { Authorization: `Bot ${sim.token}` };
      expect((await fetch(`${api}/users/@me`, { headers: { Authorization: 'Bot wrong' } })).status).toBe(401);
      expect((await fetch(`${api}/applications/123/commands`, { headers: auth })).status).toBe(403);
      sim.faults.rateLimit({ route: '/users/@me' });
      expect((await fetch(`${api}/users/@me`, { headers: auth })).status).toBe(429);
      sim.faults.rateLimit({ route: '/users/@me', scope: 'shared' });
      const shared = await fetch(`${api}/users/@me`, { headers: auth });
      expect([shared.status, shared.headers.get('x-ratelimit-scope')]).toEqual([429, 'shared']);
      expect((await fetch(`${api}/channels/1/messages`, { headers: auth })).status).toBe(404);
      expect((await fetch(`${api}/channels/${channelId}`, { headers: auth })).status).toBe(200);
      expect(sim.stats).toEqual({
        invalidRequests: 3,
        invalidByStatus: { 401: 1, 403: 1, 429: 1 },
        global429s: 0,
        identifies: 0,
        identifyRateLimited: 0,
        shardingRequiredCloses: 0,
      });
    } finally {
      await sim.close();
    }
  });
});

describe('6,000 guilds', () => {
  it('are created and reach a client on 6 shards', async () => {
    const sim = await startSimulator({ maxConcurrency: 6 });
    let bot: TestBot | undefined;
    try {
      let started = performance.now();
      for (let i = 0; i < 6000; i++) sim.createGuild();
      const createMs = performance.now() - started;
      expect((await gatewayBot(sim)).shards).toBe(6);
      started = performance.now();
      bot = await startBot(sim, { shards: 'auto' });
      const readyMs = performance.now() - started;
      console.log(`6,000 guilds: created in ${Math.round(createMs)} ms, client ready on 6 shards in ${Math.round(readyMs)} ms`);
      expect(bot.client.guilds.cache.size).toBe(6000);
      for (const g of bot.client.guilds.cache.values()) expect(g.shardId).toBe(shardOf(g.id, 6));
      expect(sim.stats).toMatchObject({ identifies: 6, identifyRateLimited: 0, invalidRequests: 0 });
    } finally {
      await bot?.client.destroy();
      await sim.close();
    }
  }, 90_000);
});
