import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type SimUser } from '@kiss-scene-bot/discord-simulator';
import { startWorld, type World } from './harness.js';

// The default limits (3 public /kiss-scene per member and channel in 30 s); the bot reads this clock.
const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
let world: World;
beforeAll(async () => {
  world = await startWorld({ clock });
});
afterAll(async () => {
  await world?.close();
});

/** The story every /kiss-scene here asks for, by its id (a name such as "IU" is in several stories). */
const STORY = 'lee-joon-ki-iu';
const scene = (user: SimUser, channelId: string, locale?: string) =>
  world.sim.command({ user, guildId: world.guild.id, channelId, name: 'kiss-scene', options: { couple: STORY }, ...(locale ? { locale } : {}) });

describe('/kiss-scene cooldown through the real discord.js client', () => {
  it('answers a fourth story within 30 s privately, in the member’s language, and posts nothing; others are not held back; it works again after', async () => {
    const [general, kdrama] = world.guild.channels.filter((c) => c.type === 0).map((c) => c.id) as [string, string];
    const mina = world.sim.createMember(world.guild.id, { username: 'mina', locale: 'ko' }).user;

    for (let i = 0; i < 3; i++) {
      const res = await scene(mina, general, 'ko');
      expect(res.ephemeral).toBe(false);
      await clock.advance(5_000);
    }
    const posted = world.sim.messages(general).length;

    const fourth = await scene(mina, general, 'ko');
    expect(fourth.outcome).toBe('replied');
    expect(fourth.ephemeral).toBe(true);
    expect(fourth.message!.recipientId).toBe(mina.id);
    // The first story opened the window: 30 s after it, i.e. 15 s from now.
    const retryAt = Math.ceil((clock.now() + 15_000) / 1000);
    expect(fourth.message!.content).toBe(`이 채널에서 이 명령어를 너무 자주 사용하고 있어요. <t:${retryAt}:R> 다시 사용할 수 있어요.`);
    expect(world.sim.messages(general)).toHaveLength(posted);

    // Another member in the same channel, and Mina in another channel, are not held back.
    const jisoo = world.sim.createMember(world.guild.id, { username: 'jisoo' }).user;
    expect((await scene(jisoo, general)).ephemeral).toBe(false);
    expect((await scene(mina, kdrama, 'ko')).ephemeral).toBe(false);

    // "Another story" answers privately: it neither counts nor is held back.
    const shown = world.sim.messages(general).at(-1)!;
    const another = await world.sim.click({ user: mina, message: shown, customId: `scene:another:${STORY}`, locale: 'ko' });
    expect(another.ephemeral).toBe(true);
    expect(another.message!.embeds[0]?.title).toMatch(/^💋 /);

    await clock.advance(15_000);
    const after = await scene(mina, general, 'ko');
    expect(after.ephemeral).toBe(false);
    expect(after.message!.embeds[0]!.title).toBe('💋 이준기 & 아이유');
    expect(world.sim.messages(general)).toHaveLength(posted + 2);
  });

  it('answers an English member in English', async () => {
    const alex = world.sim.createMember(world.guild.id, { username: 'alex' }).user;
    for (let i = 0; i < 3; i++) await scene(alex, world.channelId);
    const refused = await scene(alex, world.channelId);
    expect(refused.ephemeral).toBe(true);
    expect(refused.message!.content).toMatch(/^You're using this command a little too often in this channel\. You can use it again <t:\d+:R>\.$/);
  });
});
