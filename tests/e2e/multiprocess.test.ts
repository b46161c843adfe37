import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type SimGuild, type SimMessage } from '@kiss-scene-bot/discord-simulator';
import { startWorld, type BotUnderTest, type World } from './harness.js';

const redis = process.env.TEST_REDIS_URL;
const isDaily = (m: SimMessage) => m.embeds[0]?.author?.name === 'Story of the day';

describe.skipIf(!redis)('two shard processes sharing Redis (TEST_REDIS_URL)', () => {
  const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z'));
  let world: World;
  let second: BotUnderTest;
  let onShard0: SimGuild;
  let onShard1: SimGuild;

  beforeAll(async () => {
    world = await startWorld({
      clock,
      storeUrl: redis!,
      simulator: { maxConcurrency: 2, recommendedShards: 2 },
      firstBot: { shards: { ids: [0], count: 2 } },
    });
    onShard0 = world.sim.createGuild({ name: 'Shard zero club', channels: [{ name: 'general' }], shardHint: 0, shardCount: 2 });
    onShard1 = world.sim.createGuild({ name: 'Shard one club', channels: [{ name: 'general' }], shardHint: 1, shardCount: 2 });
    second = await world.startBot({ clock, storeUrl: redis!, shards: { ids: [1], count: 2 } });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('answers each server from the process that runs its shard, with state shared through Redis', async () => {
    for (const guild of [onShard0, onShard1]) {
      const mod = world.sim.createMember(guild.id, { username: 'mod', moderator: true }).user;
      const pin = await world.sim.command({ user: mod, guildId: guild.id, name: 'kiss-video-link', subcommand: 'pin', options: { couple: 'eric', url: 'https://youtu.be/shared' } });
      expect(pin.message!.content).toMatch(/^Pinned YouTube link/);
    }
    const first = world.bot.app.client.guilds.cache;
    const other = second.app.client.guilds.cache;
    expect([first.has(onShard0.id), first.has(onShard1.id)]).toEqual([true, false]);
    expect([other.has(onShard0.id), other.has(onShard1.id)]).toEqual([false, true]);
  });

  it('posts each server’s daily story once, from its own shard’s process only', async () => {
    const channels: string[] = [];
    for (const guild of [onShard0, onShard1]) {
      const channelId = guild.channels.find((c) => c.type === 0)!.id;
      channels.push(channelId);
      const mod = world.sim.createMember(guild.id, { username: 'mod2', moderator: true }).user;
      const res = await (
        await world.sim.command({ user: mod, guildId: guild.id, channelId, name: 'kiss-daily', subcommand: 'set', options: { channel: channelId, time: '20:00', timezone: 'Asia/Seoul' } })
      ).settled();
      expect(res.message!.content).toContain('✅ Saved.');
    }
    await clock.advanceTo(Date.parse('2026-11-25T11:00:00Z'));
    for (const channelId of channels) await world.sim.waitForMessage(channelId, isDaily);
    await clock.advanceTo(Date.parse('2026-11-25T14:00:00Z'));
    await new Promise((r) => setTimeout(r, 200));
    expect(channels.map((c) => world.sim.messages(c).filter(isDaily).length)).toEqual([1, 1]);
    const posts = world.sim.requests.filter((r) => r.method === 'POST' && channels.some((c) => r.route === `/channels/${c}/messages`) && r.status < 300);
    expect(posts).toHaveLength(2);
  });
});
