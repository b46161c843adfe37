import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type SimGuild, type SimMessage } from '@kiss-scene-bot/discord-simulator';
import { startWorld, type World } from './harness.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const isDaily = (m: SimMessage) => m.embeds[0]?.author?.name === 'Story of the day';
const dailyPosts = (w: World, channelId: string) => w.sim.messages(channelId).filter(isDaily);
/** The story a post tells: its "Another story" button names it (`scene:another:<id>`). */
const storyOf = (m: SimMessage) =>
  m.components
    .flatMap((row) => row.components ?? [])
    .map((c) => /^scene:another:(.+)$/.exec(c.custom_id ?? '')?.[1])
    .find((id) => id !== undefined);
/** Local wall-clock time of a message, "YYYY-MM-DD HH:MM" in `zone`. */
const localTime = (m: SimMessage, zone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(m.timestamp));

async function setDaily(w: World, guild: SimGuild, channelId: string, time: string, timezone: string) {
  const mod = w.sim.createMember(guild.id, { username: 'mod', moderator: true }).user;
  const res = await (
    await w.sim.command({ user: mod, guildId: guild.id, channelId, name: 'kiss-daily', subcommand: 'set', options: { channel: channelId, time, timezone, language: 'en' } })
  ).settled();
  expect(res.message!.content).toContain('✅ Saved.');
  return mod;
}

async function status(w: World, guild: SimGuild, user: { id: string }) {
  const mod = user as Parameters<World['sim']['command']>[0]['user'];
  const res = await (await w.sim.command({ user: mod, guildId: guild.id, name: 'kiss-daily', subcommand: 'status' })).settled();
  return res.message!.content + res.message!.embeds.map((e) => `${e.title ?? ''}\n${e.description ?? ''}`).join('\n');
}

/** The UTC instant of a local wall-clock time in `zone` (searching the few offsets a day can have). */
function instantOf(localDate: string, time: string, zone: string): number {
  const guess = Date.parse(`${localDate}T${time}:00Z`);
  for (let offset = -14 * 60; offset <= 14 * 60; offset += 15) {
    const at = guess - offset * 60_000;
    const local = new Date(at).toLocaleString('sv-SE', { timeZone: zone, hourCycle: 'h23' }).slice(0, 16);
    if (local === `${localDate} ${time}`) return at;
  }
  throw new Error(`${localDate} ${time} does not exist in ${zone}`);
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Moves the clock to each day's due instant in turn (nothing in between is skipped: ManualClock fires
 * every timer on the way) and lets that day's post arrive before going on.
 */
async function passDays(w: World, clock: ManualClock, dates: string[], time: string, zone: string) {
  for (const date of dates) {
    const before = dailyPosts(w, w.channelId).length;
    await clock.advanceTo(instantOf(date, time, zone));
    await until(() => dailyPosts(w, w.channelId).length > before);
  }
}

const dates = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) => new Date(Date.parse(`${from}T12:00:00Z`) + i * DAY).toISOString().slice(0, 10));

describe('daily anecdote posts through the real discord.js client, on a controlled clock', () => {
  it('posts once a day at 20:00 Seoul time, every story of the catalogue before any repeats', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z')); // 09:00 in Seoul
    world = await startWorld({ clock });
    const w = world;
    const all = w.bot.app.ctx.catalogue.couples.map((c) => c.id);
    const n = all.length;
    await setDaily(w, w.guild, w.channelId, '20:00', 'Asia/Seoul');
    await passDays(w, clock, dates('2026-11-25', 12), '20:00', 'Asia/Seoul');
    await clock.advance(DAY / 2);
    const posts = dailyPosts(w, w.channelId);
    expect(posts).toHaveLength(12);
    expect(posts.map((m) => localTime(m, 'Asia/Seoul').slice(11))).toEqual(Array(12).fill('20:00'));
    expect(new Set(posts.map((m) => localTime(m, 'Asia/Seoul').slice(0, 10))).size).toBe(12);
    expect(posts[0]!.components[0]!.components!.map((b) => b.label)).toEqual(['Search for the filming video', 'Another story']);
    const told = posts.map(storyOf);
    expect(new Set(told).size).toBe(12);
    // The server's round is the whole catalogue in a shuffled order, and the posts follow it.
    const daily = w.bot.app.ctx.store.daily;
    const schedule = (await daily.get(w.guild.id))!;
    expect([...schedule.round.order].sort()).toEqual([...all].sort());
    expect(schedule.round.order).not.toEqual(all);
    expect(schedule.round.posted).toEqual(told);
    expect(schedule.round.order.slice(0, 12)).toEqual(told);

    // The end of the round without a post a day for all of it: the stored round says all but two
    // were posted. The last two come, in the round's order, then a new round whose first story is not
    // the one just posted.
    const order = schedule.round.order;
    await daily.save(w.guild.id, { ...schedule, round: { order, posted: order.slice(0, n - 2) } });
    await passDays(w, clock, dates('2026-12-07', 3), '20:00', 'Asia/Seoul');
    const next = dailyPosts(w, w.channelId).slice(12).map(storyOf);
    expect(next.slice(0, 2)).toEqual(order.slice(n - 2));
    expect(next[2]).not.toBe(next[1]);
    expect(all).toContain(next[2]);
    const after = (await daily.get(w.guild.id))!.round;
    expect(after.posted).toEqual([next[2]]);
    expect([...after.order].sort()).toEqual([...all].sort());
  });

  it('keeps exactly one post per local day across both daylight-saving changes in New York', async () => {
    for (const [from, days] of [
      ['2026-03-06', 5], // clocks go forward on 8 March
      ['2026-10-30', 5], // and back on 1 November
    ] as const) {
      const clock = new ManualClock(Date.parse(`${from}T06:00:00Z`));
      world = await startWorld({ clock });
      const w = world;
      await setDaily(w, w.guild, w.channelId, '08:30', 'America/New_York');
      await passDays(w, clock, dates(from, days), '08:30', 'America/New_York');
      await clock.advance(DAY / 2);
      await new Promise((r) => setTimeout(r, 100));
      const local = dailyPosts(w, w.channelId).map((m) => localTime(m, 'America/New_York'));
      expect(local.map((l) => l.slice(11)), from).toEqual(Array(days).fill('08:30'));
      expect(new Set(local.map((l) => l.slice(0, 10))).size, from).toBe(days);
      await w.close();
      world = undefined;
    }
  });

  it('does not post again after a restart the same day; a bot down at the due time posts once, late', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    await setDaily(w, w.guild, w.channelId, '20:00', 'Asia/Seoul');
    await clock.advanceTo(Date.parse('2026-11-25T11:00:30Z'));
    await w.sim.waitForMessage(w.channelId, isDaily);
    await w.bot.stop();
    await w.startBot({ clock });
    await clock.advanceTo(Date.parse('2026-11-25T14:00:00Z')); // 23:00 in Seoul
    await new Promise((r) => setTimeout(r, 200));
    expect(dailyPosts(w, w.channelId)).toHaveLength(1);

    await w.bot.stop();
    await clock.advanceTo(Date.parse('2026-11-26T12:00:00Z')); // 21:00 in Seoul, the bot was down at 20:00
    expect(dailyPosts(w, w.channelId)).toHaveLength(1);
    await w.startBot({ clock });
    await w.sim.waitForMessage(w.channelId, (m) => isDaily(m) && localTime(m, 'Asia/Seoul').startsWith('2026-11-26'));
    await clock.advanceTo(Date.parse('2026-11-26T14:59:00Z')); // 23:59 in Seoul
    await new Promise((r) => setTimeout(r, 200));
    const posts = dailyPosts(w, w.channelId);
    expect(posts.map((m) => localTime(m, 'Asia/Seoul'))).toEqual(['2026-11-25 20:00', '2026-11-26 21:00']);
  });

  it('turns the schedule off when the channel is deleted or a permission is lost, and explains why; other servers keep posting', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const deleted = w.sim.createGuild({ name: 'Deleted channel club', channels: [{ name: 'general' }, { name: 'daily' }] });
    const stripped = w.sim.createGuild({ name: 'Strict club', channels: [{ name: 'general' }, { name: 'daily' }] });
    await new Promise((r) => setTimeout(r, 200)); // GUILD_CREATE reaches the bot
    const deletedChannel = deleted.channels.filter((c) => c.type === 0)[1]!.id;
    const strippedChannel = stripped.channels.filter((c) => c.type === 0)[1]!.id;
    const modA = await setDaily(w, deleted, deletedChannel, '20:00', 'Asia/Seoul');
    const modB = await setDaily(w, stripped, strippedChannel, '20:00', 'Asia/Seoul');
    await setDaily(w, w.guild, w.channelId, '20:00', 'Asia/Seoul');

    w.sim.deleteChannel(deletedChannel);
    w.sim.setPermissionOverwrite(strippedChannel, { id: stripped.botRoleId, type: 0, deny: 1n << 14n }); // Embed Links
    await clock.advanceTo(Date.parse('2026-11-25T11:01:00Z'));
    await w.sim.waitForMessage(w.channelId, isDaily);
    for (let i = 0; i < 50; i++) {
      const text = await status(w, stripped, modB);
      if (text.includes('turned off')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(dailyPosts(w, strippedChannel)).toHaveLength(0);
    const deletedStatus = await status(w, deleted, modA);
    expect(deletedStatus).toContain('The daily story was turned off');
    expect(deletedStatus).toMatch(/was deleted/);
    const strippedStatus = await status(w, stripped, modB);
    expect(strippedStatus).toContain('The daily story was turned off');
    expect(strippedStatus).toMatch(/Embed Links/);

    await clock.advanceTo(Date.parse('2026-11-26T11:01:00Z'));
    await w.sim.waitForMessage(w.channelId, (m) => isDaily(m) && localTime(m, 'Asia/Seoul').startsWith('2026-11-26'));
    expect(dailyPosts(w, w.channelId)).toHaveLength(2);
    expect(dailyPosts(w, strippedChannel)).toHaveLength(0);
  });

  it('refuses a bad time or an unknown zone with an example, and a channel the bot cannot post in', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const mod = w.sim.createMember(w.guild.id, { username: 'mod', moderator: true }).user;
    const early = await (await w.sim.command({ user: mod, guildId: w.guild.id, name: 'kiss-daily', subcommand: 'now' })).settled();
    expect(early.ephemeral).toBe(true);
    expect(early.message!.content).toMatch(/^No daily story is set up in this server yet\. Set one up with <\/kiss-daily set:\d{17,20}>: /);
    for (const [time, timezone, pattern] of [
      ['25:00', 'Asia/Seoul', /20:00/],
      ['8pm', 'Asia/Seoul', /20:00/],
      ['20:00', 'Mars/Olympus', /Asia\/Seoul/],
    ] as const) {
      const res = await (await w.sim.command({ user: mod, guildId: w.guild.id, name: 'kiss-daily', subcommand: 'set', options: { channel: w.channelId, time, timezone } })).settled();
      expect(res.ephemeral, time + timezone).toBe(true);
      expect(res.message!.content, time + timezone).toMatch(pattern);
    }
    const hidden = w.guild.channels.filter((c) => c.type === 0)[1]!.id;
    w.sim.setPermissionOverwrite(hidden, { id: w.guild.botRoleId, type: 0, deny: 1n << 11n }); // Send Messages
    const refused = await (await w.sim.command({ user: mod, guildId: w.guild.id, name: 'kiss-daily', subcommand: 'set', options: { channel: hidden, time: '20:00' } })).settled();
    expect(refused.ephemeral).toBe(true);
    expect(refused.message!.content).toMatch(/Send Messages/);
    expect(await status(w, w.guild, mod)).toContain('No daily story is set up');
  });
});
