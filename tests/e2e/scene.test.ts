import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { startWorld, type World } from './harness.js';

const catalogue = loadCatalogue();
/** The ids of the stories one of whose actors is named `name` (romanised or Hangul), in catalogue order. */
const storiesOf = (name: string) => catalogue.couples.filter((c) => c.actors.some((a) => a.name === name || a.hangul === name)).map((c) => c.id);

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const member = (locale = 'en-US') => world.sim.createMember(world.guild.id, { username: `fan-${Math.random().toString(36).slice(2, 7)}`, locale }).user;

describe('/kiss-scene through the real discord.js client', () => {
  it('shows the chosen couple’s story as a public embed with a video link and "Another story"', async () => {
    const res = await world.sim.command({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'lee-joon-ki-iu' } });
    expect(res.outcome).toBe('replied');
    expect(res.ephemeral).toBe(false);
    const embed = res.message!.embeds[0]!;
    expect(embed.title).toBe('💋 Lee Joon Ki & IU');
    // Its page does not say in which episode the kiss aired: the drama line ends with the year.
    expect(embed.fields?.find((f) => f.name === 'Drama')?.value).toBe('Moon Lovers: Scarlet Heart Ryeo (달의 연인 – 보보경심 려) · SBS, 2016');
    expect(embed.fields?.find((f) => f.name === 'Source')?.value).toContain('DramaFever');
    const buttons = res.message!.components[0]!.components!;
    expect(buttons[0]).toMatchObject({ style: 5, label: 'Search for the filming video' });
    expect(buttons[1]).toMatchObject({ custom_id: 'scene:another:lee-joon-ki-iu' });
    expect(world.sim.messages(world.channelId).some((m) => m.id === res.message!.id)).toBe(true);
  });

  it('names the episode in the drama line when the story knows it', async () => {
    const res = await world.sim.command({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'park-seo-joon-park-min-young-secretary-kim' } });
    expect(res.message!.embeds[0]!.fields?.find((f) => f.name === 'Drama')?.value).toBe("What's Wrong with Secretary Kim (김비서가 왜 그럴까) · tvN, 2018 · episode 8");
  });

  it('accepts a typed name, not only an autocomplete pick', async () => {
    const res = await world.sim.command({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'answer me 1997' } });
    expect(res.message!.embeds[0]!.title).toBe('💋 Seo In Guk & Jung Eun Ji');
  });

  it('never shows the same random couple twice in a row in a channel', async () => {
    const channelId = world.guild.channels.filter((c) => c.type === 0)[1]!.id;
    let previous = '';
    for (let i = 0; i < 12; i++) {
      const res = await world.sim.command({ user: member(), guildId: world.guild.id, channelId, name: 'kiss-scene' });
      const title = res.message!.embeds[0]!.title!;
      expect(title).not.toBe(previous);
      previous = title;
    }
  });

  it('autocompletes Hangul names, drama titles and typos, best match first', async () => {
    const ask = (typed: string) =>
      world.sim.autocomplete({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: typed }, focused: 'couple' });
    // A Korean title only one story has: that story first, labelled with its pair, drama and year.
    expect((await ask('구르미 그린 달빛'))[0]).toEqual({ name: 'Park Bo Gum & Kim Yoo Jung — Love in the Moonlight (2016)', value: 'park-bo-gum-kim-yoo-jung' });
    // A Hangul actor name several stories share: every one of them before any other story.
    const parkBoGum = storiesOf('박보검');
    expect(parkBoGum.length).toBeGreaterThan(1);
    const shared = await ask('박보검');
    expect(new Set(shared.slice(0, parkBoGum.length).map((c) => c.value))).toEqual(new Set(parkBoGum));
    expect(shared).toContainEqual({ name: 'Park Bo Gum & Kim Yoo Jung — Love in the Moonlight (2016)', value: 'park-bo-gum-kim-yoo-jung' });
    // A story that knows its kiss's episode names it in the label.
    expect((await ask('김비서가 왜 그럴까'))[0]).toEqual({ name: "Park Seo Joon & Park Min Young — What's Wrong with Secretary Kim (2018, ep 8)", value: 'park-seo-joon-park-min-young-secretary-kim' });
    expect((await ask('Cheese in the Trap'))[0]?.value).toBe('park-hae-jin-kim-go-eun');
    expect((await ask('Krystl'))[0]?.value).toBe('krystal-kang-min-hyuk');
    // Nothing typed: the catalogue in order, as many as Discord shows (25).
    const all = await ask('');
    expect(all.map((c) => c.value)).toEqual(catalogue.couples.slice(0, 25).map((c) => c.id));
  });

  it('labels autocomplete choices in Korean for a Korean member', async () => {
    const ask = (typed: string) =>
      world.sim.autocomplete({ user: member('ko'), guildId: world.guild.id, name: 'kiss-scene', options: { couple: typed }, focused: 'couple', locale: 'ko' });
    // IU is in several stories: all of them first, each labelled in Korean.
    const iu = storiesOf('아이유');
    expect(iu.length).toBeGreaterThan(1);
    const choices = await ask('아이유');
    expect(new Set(choices.slice(0, iu.length).map((c) => c.value))).toEqual(new Set(iu));
    expect(choices).toContainEqual({ name: '이준기 & 아이유 — 달의 연인 – 보보경심 려 (2016)', value: 'lee-joon-ki-iu' });
    expect((await ask('김비서가 왜 그럴까'))[0]).toEqual({ name: '박서준 & 박민영 — 김비서가 왜 그럴까 (2018, 8회)', value: 'park-seo-joon-park-min-young-secretary-kim' });
  });

  it('tells a Korean member the story in Korean', async () => {
    const res = await world.sim.command({ user: member('ko'), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'eric-seo-hyun-jin' }, locale: 'ko' });
    const embed = res.message!.embeds[0]!;
    expect(embed.title).toBe('💋 에릭 & 서현진');
    expect(embed.description).toMatch(/\p{Script=Hangul}/u);
    expect(res.message!.components[0]!.components![1]).toMatchObject({ label: '다른 이야기' });
  });

  it('answers an unknown couple privately with the closest names, and posts nothing', async () => {
    const before = world.sim.messages(world.channelId).length;
    const res = await world.sim.command({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'Zzyzx Qwerty' } });
    expect(res.outcome).toBe('replied');
    expect(res.ephemeral).toBe(true);
    expect(res.message!.content).toMatch(/^No couple matches \*\*Zzyzx Qwerty\*\*\. Did you mean: \*\*.+\*\*, \*\*.+\*\*, \*\*.+\*\*\?$/);
    expect(world.sim.messages(world.channelId)).toHaveLength(before);
  });

  it('"Another story" shows the clicker a different couple, privately', async () => {
    const shown = await world.sim.command({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'krystal-kang-min-hyuk' } });
    const clicker = member();
    const res = await world.sim.click({ user: clicker, message: shown.message!, customId: 'scene:another:krystal-kang-min-hyuk' });
    expect(res.outcome).toBe('replied');
    expect(res.ephemeral).toBe(true);
    expect(res.message!.recipientId).toBe(clicker.id);
    expect(res.message!.embeds[0]!.title).not.toBe('💋 Krystal & Kang Min Hyuk');
    // On the private story, the button replaces it in place (messages are live: keep the old title).
    const firstTitle = res.message!.embeds[0]!.title;
    const again = await world.sim.click({ user: clicker, message: res.message!, customId: res.message!.components[0]!.components![1]!.custom_id! });
    expect(again.outcome).toBe('updated');
    expect(again.message!.id).toBe(res.message!.id);
    expect(again.message!.embeds[0]!.title).not.toBe(firstTitle);
  });

  it('answers a forged button id clearly and changes nothing', async () => {
    const shown = await world.sim.command({ user: member(), guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'eric-seo-hyun-jin' } });
    const res = await world.sim.click({ user: member(), message: shown.message!, customId: 'scene:explode:eric-seo-hyun-jin', forge: true });
    expect(res.ephemeral).toBe(true);
    expect(res.message!.content).toBe('This button is no longer valid. Please run the command again.');
    const unknown = await world.sim.click({ user: member(), message: shown.message!, customId: 'nope:1', forge: true });
    expect(unknown.message!.content).toBe('This button is no longer valid. Please run the command again.');
  });

  it('works for a user-installed app in a DM and a group DM', async () => {
    const user = world.sim.createUser({ username: 'traveller' });
    const dm = await world.sim.command({ user, channelType: 1, name: 'kiss-scene', options: { couple: 'Moon Lovers' } });
    expect(dm.outcome).toBe('replied');
    expect(dm.message!.embeds[0]!.title).toBe('💋 Lee Joon Ki & IU');
    const group = await world.sim.command({ user, channelType: 3, name: 'kiss-scene' });
    expect(group.outcome).toBe('replied');
    expect(group.message!.embeds[0]!.title).toMatch(/^💋 /);
  });

  it('logs each interaction with its command, server and user, and never the token', async () => {
    const user = member();
    await world.sim.command({ user, guildId: world.guild.id, name: 'kiss-scene', options: { couple: 'eric' } });
    const line = await vi.waitFor(() => {
      const found = world.bot.logs.find((l) => l.msg === 'interaction handled' && l.userId === user.id);
      if (!found) throw new Error('not logged yet');
      return found;
    });
    expect(line).toMatchObject({ command: 'kiss-scene', guildId: world.guild.id, kind: 'command' });
    expect(world.bot.rawLogs.join('')).not.toContain(world.sim.token);
  });
});

describe('/kiss-scene across a restart', () => {
  it('still never shows the story a channel saw last, right after a restart', async () => {
    // A random source that always takes the first couple it may: without the channel's last story
    // (written after the answer, and at shutdown), the restarted bot would show the same one again.
    const own = await startWorld({ random: () => 0 });
    try {
      const user = own.sim.createMember(own.guild.id, { username: 'regular' }).user;
      const first = await own.sim.command({ user, guildId: own.guild.id, name: 'kiss-scene' });
      await own.bot.stop();
      await own.startBot();
      const second = await own.sim.command({ user, guildId: own.guild.id, name: 'kiss-scene' });
      expect(second.outcome).toBe('replied');
      expect(second.message!.embeds[0]!.title).not.toBe(first.message!.embeds[0]!.title);
    } finally {
      await own.close();
    }
  });
});
