import { Status } from 'discord.js';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { checkStore, combineHealth, healthOf } from '../../src/metrics/health.js';
import { StoreAvailability } from '../../src/store/availability.js';
import { captureLogs } from '../support/logs.js';
import type { PostNowResult } from '../../src/daily/service.js';
import { createBotMetrics } from '../../src/metrics/metrics.js';
import type { PollService } from '../../src/polls/service.js';
import { startMetricsServer } from '../../src/metrics/server.js';

const ok = { kind: 'ok' } as const;

describe('the health decision', () => {
  it('is ok when every shard is ready and the store answered', () => {
    expect(healthOf([{ id: 1, status: Status.Ready }, { id: 0, status: Status.Ready }], ok)).toEqual({ status: 'ok', reasons: [], shardsReady: 2, shardCount: 2 });
  });

  it('names each shard that is not ready, and a store that is unavailable or failed', () => {
    expect(healthOf([{ id: 1, status: Status.Reconnecting }, { id: 0, status: Status.WaitingForGuilds }], { kind: 'unavailable', reason: 'no answer within 1000 ms' })).toEqual({
      status: 'unavailable',
      reasons: ['shard 0 is waiting for guilds', 'shard 1 is reconnecting', 'store unavailable: no answer within 1000 ms'],
      shardsReady: 0,
      shardCount: 2,
    });
    expect(healthOf([{ id: 0, status: Status.Ready }], { kind: 'failed', message: 'SQLITE_MISUSE' }).reasons).toEqual(['store failed: SQLITE_MISUSE']);
  });

  it('is unavailable before the gateway connects', () => {
    expect(healthOf([], ok)).toMatchObject({ status: 'unavailable', reasons: ['not connected to Discord yet'] });
  });

  it('under a sharding manager, is ok only when every shard process answered healthy', () => {
    const healthy = healthOf([{ id: 0, status: Status.Ready }], ok);
    const sick = healthOf([{ id: 1, status: Status.Resuming }], ok);
    expect(combineHealth([healthy, healthy], [])).toEqual({ status: 'ok', reasons: [], shardsReady: 2, shardCount: 2 });
    expect(combineHealth([healthy, sick], [])).toMatchObject({ status: 'unavailable', reasons: ['shard 1 is resuming'], shardsReady: 1 });
    expect(combineHealth([healthy], ["shard 2's process is not running"])).toMatchObject({ status: 'unavailable', reasons: ["shard 2's process is not running"] });
    expect(combineHealth([], [])).toMatchObject({ status: 'unavailable', reasons: ['no shard process is running'] });
  });

  describe('of the store, which is what the commands’ store gate says', () => {
    /** The gate every command's store call passes (its probe, which would bring the store back, not due in these tests). */
    const gate = () => new StoreAvailability({ logger: captureLogs('silent').logger, probe: () => Promise.resolve(), deadlineMs: 50, probeIntervalMs: 60_000 });

    it('writes through the gate, under its deadline: a write that is late marks the store down for the commands too', async () => {
      const availability = gate();
      try {
        expect(await checkStore(availability, () => Promise.resolve())).toEqual({ kind: 'ok' });
        expect(await checkStore(availability, () => new Promise(() => undefined))).toEqual({ kind: 'unavailable', reason: 'no answer within 50 ms' });
        expect(availability.available).toBe(false);
      } finally {
        availability.close();
      }
    });

    it('is unavailable while the gate refuses store calls, without writing, even if the store would answer', async () => {
      const availability = gate();
      try {
        availability.markDown('ECONNREFUSED');
        let wrote = false;
        expect(await checkStore(availability, () => ((wrote = true), Promise.resolve()))).toEqual({ kind: 'unavailable', reason: 'ECONNREFUSED' });
        expect(wrote).toBe(false);
      } finally {
        availability.close();
      }
    });

    it('says what failed when the write fails for another reason, in one line', async () => {
      const availability = gate();
      try {
        expect(await checkStore(availability, () => Promise.reject(new Error('Database is closed\nstack')))).toEqual({ kind: 'failed', message: 'Database is closed' });
        expect(availability.available).toBe(true);
      } finally {
        availability.close();
      }
    });
  });
});

describe('the metrics', () => {
  it('are named for operators, in their own registry, with the process metrics under the same prefix', async () => {
    const metrics = createBotMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'kiss_interactions_total',
        'kiss_interaction_first_response_seconds',
        'kiss_store_errors_total',
        'kiss_poll_votes_total',
        'kiss_daily_posts_total',
        'kiss_shard_ping_seconds',
        'kiss_shard_status',
        'kiss_shard_ready',
        'kiss_guilds',
        'kiss_process_cpu_seconds_total',
        'kiss_nodejs_heap_size_used_bytes',
      ]),
    );
    expect(names.filter((n) => !n.startsWith('kiss_'))).toEqual([]);
    // Two bots in one process (tests) do not collide: nothing went to prom-client's global registry.
    expect(() => createBotMetrics()).not.toThrow();
  });

  it('count interactions by kind, command and outcome, and daily posts by outcome', async () => {
    const metrics = createBotMetrics();
    metrics.interaction({ kind: 'command', command: 'kiss-scene' }, 'ok');
    metrics.interaction({ kind: 'command', command: 'kiss-scene' }, 'ok');
    metrics.interaction({ kind: 'command', command: 'kiss-scene' }, 'user_error');
    for (const result of [{ kind: 'posted' }, { kind: 'retrying' }, { kind: 'disabled' }, { kind: 'already-posted' }] as const) {
      metrics.dailyPost(result as PostNowResult);
    }
    const text = await metrics.registry.metrics();
    expect(text).toContain('kiss_interactions_total{kind="command",command="kiss-scene",outcome="ok"} 2\n');
    expect(text).toContain('kiss_interactions_total{kind="command",command="kiss-scene",outcome="user_error"} 1\n');
    expect(text).toContain('kiss_daily_posts_total{outcome="sent"} 1\n');
    expect(text).toContain('kiss_daily_posts_total{outcome="retried"} 1\n');
    expect(text).toContain('kiss_daily_posts_total{outcome="failed"} 1\n');
  });

  it('count the poll votes the service recorded, by outcome, and nothing for a refused vote', async () => {
    const metrics = createBotMetrics();
    const receipts = [{ outcome: 'new', coupleId: 'a' }, { outcome: 'same', coupleId: 'a' }, { outcome: 'new', coupleId: 'b' }] as const;
    let i = 0;
    const service = {
      vote: () => {
        const receipt = receipts[i++];
        return receipt ? Promise.resolve(receipt) : Promise.reject(new Error('poll closed'));
      },
    } as unknown as PollService;
    const polls = metrics.countingVotes(service);
    const input = { guildId: '1', pollId: 'p', userId: 'u', index: 0 };
    for (let n = 0; n < 3; n++) await polls.vote(input);
    await expect(polls.vote(input)).rejects.toThrow('poll closed');
    const text = await metrics.registry.metrics();
    expect(text).toContain('kiss_poll_votes_total{outcome="new"} 2\n');
    expect(text).toContain('kiss_poll_votes_total{outcome="same"} 1\n');
    expect(text).not.toContain('outcome="changed"');
  });

  it('sum across processes with AggregatorRegistry.aggregate fed with each registry as JSON', async () => {
    const a = createBotMetrics();
    const b = createBotMetrics();
    a.interaction({ kind: 'command', command: 'kiss-scene' }, 'ok');
    b.interaction({ kind: 'command', command: 'kiss-scene' }, 'ok');
    b.interaction({ kind: 'command', command: 'kiss-scene' }, 'ok');
    const json = [await a.registry.getMetricsAsJSON(), await b.registry.getMetricsAsJSON()];
    // What crosses the IPC channel is JSON.
    const sent = JSON.parse(JSON.stringify(json)) as Array<Array<MetricObjectWithValues<MetricValue<string>>>>;
    const text = await AggregatorRegistry.aggregate(sent).metrics();
    expect(text).toContain('kiss_interactions_total{kind="command",command="kiss-scene",outcome="ok"} 3\n');
  });
});

describe('the metrics server', () => {
  it('answers GET and HEAD on /metrics and /healthz only', async () => {
    let health = healthOf([{ id: 0, status: Status.Ready }], ok);
    const server = await startMetricsServer('127.0.0.1', 0, {
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'kiss_up 1\n' }),
      health: async () => health,
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const metrics = await fetch(`${server.url}/metrics`);
      expect([metrics.status, await metrics.text()]).toEqual([200, 'kiss_up 1\n']);
      const healthy = await fetch(`${server.url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toMatchObject({ status: 'ok' });
      health = healthOf([{ id: 0, status: Status.Ready }], { kind: 'unavailable', reason: 'no answer within 1000 ms' });
      const sick = await fetch(`${server.url}/healthz`);
      expect(sick.status).toBe(503);
      expect(await sick.json()).toMatchObject({ status: 'unavailable', reasons: ['store unavailable: no answer within 1000 ms'] });
      const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
      expect([head.status, await head.text()]).toEqual([200, '']);
      expect((await fetch(`${server.url}/`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics/extra`)).status).toBe(404);
      const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
      expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    } finally {
      await server.close();
    }
  });
});
