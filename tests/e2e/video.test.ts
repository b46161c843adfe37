import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const moderator = () => world.sim.createMember(world.guild.id, { username: 'mod', moderator: true }).user;
const fan = (locale = 'en-US') => world.sim.createMember(world.guild.id, { username: 'fan', locale }).user;

describe('/kiss-video and pinned links through the real discord.js client', () => {
  it('offers labelled English and Korean searches when nothing is pinned', async () => {
    const res = await world.sim.command({ user: fan(), guildId: world.guild.id, name: 'kiss-video', options: { couple: 'park-hae-jin-kim-go-eun' } });
    expect(res.outcome).toBe('replied');
    const buttons = res.message!.components[0]!.components!;
    expect(buttons.map((b) => b.label)).toEqual(['Search YouTube (English)', 'Search YouTube (Korean)']);
    expect(buttons.every((b) => b.style === 5 && b.url!.startsWith('https://www.youtube.com/results?search_query='))).toBe(true);
  });

  it('lets a moderator pin a link, shows it first, and remove it again', async () => {
    const mod = moderator();
    const pin = await world.sim.command({
      user: mod,
      guildId: world.guild.id,
      name: 'kiss-video-link',
      subcommand: 'pin',
      options: { couple: 'park-hae-jin-kim-go-eun', url: 'https://tv.naver.com/v/123456' },
    });
    expect(pin.ephemeral).toBe(true);
    // `/kiss-video` is a command mention: each member's client shows it in their language, clickable.
    expect(pin.message!.content).toMatch(/^Pinned Naver TV link for \*\*Park Hae Jin & Kim Go Eun\*\*\. It now shows first in <\/kiss-video:\d{17,20}>\.$/);

    const shown = await world.sim.command({ user: fan(), guildId: world.guild.id, name: 'kiss-video', options: { couple: 'cheese in the trap' } });
    expect(shown.message!.components[0]!.components![0]).toMatchObject({ style: 5, url: 'https://tv.naver.com/v/123456', label: 'Watch on Naver TV (pinned)' });
    const story = await world.sim.command({ user: fan(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'park-hae-jin-kim-go-eun' } });
    expect(story.message!.components[0]!.components![0]).toMatchObject({ url: 'https://tv.naver.com/v/123456', label: 'Watch the filming video' });

    const removed = await world.sim.command({ user: mod, guildId: world.guild.id, name: 'kiss-video-link', subcommand: 'remove', options: { couple: 'park-hae-jin-kim-go-eun' } });
    expect(removed.message!.content).toBe('Removed the pinned link for **Park Hae Jin & Kim Go Eun**.');
    const after = await world.sim.command({ user: fan(), guildId: world.guild.id, name: 'kiss-video', options: { couple: 'park-hae-jin-kim-go-eun' } });
    expect(after.message!.components[0]!.components).toHaveLength(2);
  });

  it('refuses a member without Manage Server, even if the server let them run the command', async () => {
    const user = fan();
    // A server admin may grant the command to anyone in Server Settings → Integrations; the handler still checks.
    world.sim.setCommandPermissions(world.guild.id, 'kiss-video-link', [{ id: user.id, type: 2, permission: true }]);
    const res = await world.sim.command({
      user,
      guildId: world.guild.id,
      name: 'kiss-video-link',
      subcommand: 'pin',
      options: { couple: 'eric', url: 'https://youtu.be/abc' },
    });
    expect(res.ephemeral).toBe(true);
    expect(res.message!.content).toBe('You need the **Manage Server** permission to do this.');
    const shown = await world.sim.command({ user: fan(), guildId: world.guild.id, name: 'kiss-video', options: { couple: 'eric' } });
    expect(shown.message!.components[0]!.components).toHaveLength(2);
  });

  it('refuses a link that is not an https video link, in the moderator’s language', async () => {
    const mod = world.sim.createMember(world.guild.id, { username: 'mod-ko', moderator: true, locale: 'ko' }).user;
    const res = await world.sim.command({
      user: mod,
      guildId: world.guild.id,
      locale: 'ko',
      name: 'kiss-video-link',
      subcommand: 'pin',
      options: { couple: 'eric', url: 'https://free-prizes.example/watch' },
    });
    expect(res.ephemeral).toBe(true);
    expect(res.message!.content).toBe('YouTube, 네이버TV, Viki, 카카오TV, Vimeo 링크만 받을 수 있어요.');
    const plain = await world.sim.command({ user: mod, guildId: world.guild.id, locale: 'en-US', name: 'kiss-video-link', subcommand: 'pin', options: { couple: 'eric', url: 'http://youtu.be/abc' } });
    expect(plain.message!.content).toBe('Only secure https links are accepted.');
    const shown = await world.sim.command({ user: fan(), guildId: world.guild.id, name: 'kiss-video', options: { couple: 'eric' } });
    expect(shown.message!.components[0]!.components).toHaveLength(2);
  });

  it('works in DMs for a user-installed app, with the plain searches', async () => {
    const user = world.sim.createUser({ username: 'dm-fan' });
    const res = await world.sim.command({ user, channelType: 1, name: 'kiss-video', options: { couple: '구르미 그린 달빛' } });
    expect(res.outcome).toBe('replied');
    expect(res.message!.embeds[0]!.title).toBe('🎬 Filming videos: Park Bo Gum & Kim Yoo Jung');
  });
});
