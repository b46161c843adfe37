import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({ simulator: { heartbeatIntervalMs: 1000 } });
});
afterAll(async () => {
  await world?.close();
});

/** Successful callback requests per interaction id: each must be exactly one. */
function callbacksFor(ids: string[]): number[] {
  return ids.map(
    (id) => world.sim.requests.filter((r) => r.method === 'POST' && r.route.startsWith(`/interactions/${id}/`) && r.status < 300).length,
  );
}

describe('the bot under network trouble', () => {
  it('resumes after a dropped connection: interactions sent meanwhile are answered once', async () => {
    const user = world.sim.createMember(world.guild.id, { username: 'patient' }).user;
    const resumedBefore = world.sim.gateway.sessions()[0]!.resumed;
    world.sim.gateway.drop(0);
    const results = await Promise.all(
      ['eric', 'iu', 'krystal'].map((couple) => world.sim.command({ user, guildId: world.guild.id, name: 'kiss-scene', options: { couple } })),
    );
    expect(results.map((r) => r.outcome)).toEqual(['replied', 'replied', 'replied']);
    expect(callbacksFor(results.map((r) => r.id))).toEqual([1, 1, 1]);
    expect(world.sim.gateway.sessions()[0]!.resumed).toBe(resumedBefore + 1);
  });

  it('follows a RECONNECT request and keeps answering', async () => {
    const user = world.sim.createMember(world.guild.id, { username: 'reconnect' }).user;
    world.sim.gateway.reconnect(0);
    const res = await world.sim.command({ user, guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'eric' } });
    expect(res.outcome).toBe('replied');
    expect(callbacksFor([res.id])).toEqual([1]);
  });

  it('waits out a storm of 429s on its routes, then answers everything once', async () => {
    const user = world.sim.createMember(world.guild.id, { username: 'storm' }).user;
    world.sim.faults.rateLimit({ route: /^\/interactions\/\d+\/[^/]+\/callback$/, method: 'POST', times: 6, retryAfterSec: 0.4 });
    const couples = ['eric', 'iu', 'krystal', 'doctors', 'bubblegum', 'producers'];
    const results = await Promise.all(couples.map((couple) => world.sim.command({ user, guildId: world.guild.id, name: 'kiss-scene', options: { couple } })));
    world.sim.faults.clear();
    expect(results.every((r) => r.outcome === 'replied')).toBe(true);
    expect(callbacksFor(results.map((r) => r.id))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(world.sim.requests.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(6);
  });

  it('retries a 5xx on its follow-up calls', async () => {
    const user = world.sim.createMember(world.guild.id, { username: 'five-hundred' }).user;
    world.sim.faults.serverError({ route: /^\/interactions\/\d+\/[^/]+\/callback$/, method: 'POST', times: 1, status: 502 });
    const res = await world.sim.command({ user, guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'eric' } });
    world.sim.faults.clear();
    expect(res.outcome).toBe('replied');
    expect(callbacksFor([res.id])).toEqual([1]);
  });
});
