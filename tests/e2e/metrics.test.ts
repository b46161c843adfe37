/**
 * What an operator scrapes: `/metrics` counts exactly the interactions members made, and `/healthz`
 * says 200 while the bot is connected and its store answers, 503 with the reason once the store is
 * gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness.js';

let world: World;
let url: string;
beforeAll(async () => {
  world = await startWorld({ firstBot: { metricsPort: 0 } });
  url = world.bot.app.metricsUrl!;
});
afterAll(async () => {
  await world?.close();
});

const member = () => world.sim.createMember(world.guild.id, { username: `fan-${Math.random().toString(36).slice(2, 7)}` }).user;

/** One sample of the exposition, or undefined when absent. */
async function sample(line: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('/metrics and /healthz of one bot process', () => {
  it('listens on 127.0.0.1, on the free port it picked for METRICS_PORT=0', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    expect(world.bot.logs.some((l) => l.msg === 'serving /metrics and /healthz' && l.url === url)).toBe(true);
  });

  it('is healthy once every shard is ready and the store answers', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', reasons: [], shardsReady: 1, shardCount: 1 });
  });

  it('counts exactly the interactions members made, by command and outcome', async () => {
    const ok = 'kiss_interactions_total{kind="command",command="kiss-scene",outcome="ok"}';
    const userError = 'kiss_interactions_total{kind="command",command="kiss-scene",outcome="user_error"}';
    expect(await sample(ok)).toBeUndefined();
    for (const couple of ['iu', 'answer me 1997', 'lee-joon-ki-iu']) {
      const res = await world.sim.command({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple } });
      expect(res.message?.embeds[0]?.title).toMatch(/^💋 /);
    }
    const unknown = await world.sim.command({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'zzqx nobody' } });
    expect(unknown.ephemeral).toBe(true);
    // The counter moves once the handler returns, just after its reply reached Discord.
    await expect.poll(() => sample(ok)).toBe(3);
    expect(await sample(userError)).toBe(1);
    expect(await sample('kiss_interactions_total{kind="command",command="kiss-scene",outcome="error"}')).toBeUndefined();
    // Each of the four was answered once: four first responses timed.
    expect(await sample('kiss_interaction_first_response_seconds_count')).toBe(4);
    expect(await sample('kiss_guilds{shard="0"}')).toBe(1);
    expect(await sample('kiss_shard_ready{shard="0"}')).toBe(1);
    expect(await sample('kiss_store_errors_total')).toBe(0);
    expect(await sample('kiss_daily_posts_total{outcome="sent"}')).toBe(0);
    expect(await sample('kiss_process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('is unavailable, with the reason, once the store is gone', async () => {
    await world.bot.app.ctx.store.close();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; reasons: string[] };
    expect(body.status).toBe('unavailable');
    expect(body.reasons).toEqual([expect.stringMatching(/^store failed: .*closed/i)]);
  });
});
