import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type SimGuild, type SimMessage, type SimUser } from '@kiss-scene-bot/discord-simulator';
import { startWorld, type World } from './harness.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !(await check()); ) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const at = (iso: string) => Date.parse(iso);
const isDaily = (m: SimMessage) => m.embeds[0]?.author?.name === 'Story of the day';
const buttonIds = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []).flatMap((c) => (c.custom_id ? [c.custom_id] : []));
const store = (w: World) => w.bot.app.ctx.store;
const entries = async (w: World, guildId: string) => (await store(w).lifecycle.summarize(guildId)).entries;

async function setDaily(w: World, guild: SimGuild, mod: SimUser) {
  const channelId = guild.channels[0]!.id;
  const res = await (await w.sim.command({ user: mod, guildId: guild.id, channelId, name: 'kiss-daily', subcommand: 'set', options: { channel: channelId, time: '20:00', timezone: 'Asia/Seoul', language: 'en' } })).settled();
  expect(res.message!.content).toContain('✅ Saved.');
}

describe('a server’s data when the bot is removed from it (a shortened grace period, on a controlled clock)', () => {
  it('is deleted after the grace period, kept through an outage, and kept with its daily story when the bot is invited back in time', async () => {
    // 09:00 in Seoul; the daily stories are due at 20:00 Seoul time (11:00 UTC).
    const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z'));
    let other!: SimGuild;
    let staying!: SimGuild;
    world = await startWorld({
      clock,
      firstBot: { env: { DATA_RETENTION_AFTER_REMOVAL: '2d' } },
      beforeBot: (sim) => {
        other = sim.createGuild({ name: 'Leaving Club', channels: [{ name: 'general' }] });
        staying = sim.createGuild({ name: 'Staying Club', channels: [{ name: 'general' }] });
      },
    });
    const w = world;
    const kept = w.guild;
    const modKept = w.sim.createMember(kept.id, { username: 'mina', moderator: true }).user;
    const modOther = w.sim.createMember(other.id, { username: 'alex', moderator: true }).user;
    await setDaily(w, kept, modKept);
    await setDaily(w, other, modOther);
    await setDaily(w, staying, w.sim.createMember(staying.id, { username: 'jisoo', moderator: true }).user);
    await w.sim.command({ user: modOther, guildId: other.id, name: 'kiss-video-link', subcommand: 'pin', options: { couple: 'iu', url: 'https://youtu.be/abc' } });
    await (await w.sim.command({ user: modOther, guildId: other.id, name: 'kiss-poll', subcommand: 'start', options: { couples: 'Park Bo Gum, IU', duration: '1d' } })).settled();
    const otherChannel = other.channels[0]!.id;
    expect(w.sim.messages(otherChannel)).toHaveLength(1);
    expect(await store(w).lifecycle.summarize(other.id)).toMatchObject({ dailySchedule: 1, pinnedLinks: 1, polls: 1 });

    // An outage is not a removal: nothing is scheduled for deletion.
    w.sim.guildOutage(kept.id);
    await until(() => w.bot.app.client.guilds.cache.get(kept.id)?.available === false);
    w.sim.endGuildOutage(kept.id);
    await until(() => w.bot.app.client.guilds.cache.get(kept.id)?.available === true);
    expect(await store(w).lifecycle.pendingRemoval(kept.id)).toBeUndefined();

    // Both servers remove the bot.
    const requestsBefore = w.sim.requests.length;
    w.sim.removeBot(other.id);
    w.sim.removeBot(kept.id);
    await until(async () => (await store(w).lifecycle.pendingRemoval(other.id)) !== undefined && (await store(w).lifecycle.pendingRemoval(kept.id)) !== undefined);
    expect((await store(w).lifecycle.pendingRemoval(other.id))?.deleteAt).toBe(clock.now() + 2 * DAY);

    // 20:00 in Seoul: the server the bot stays in gets its story; the two it left get no attempt (not
    // even a claim of the day), and both schedules stay on. The clock stops at each due instant, so each
    // post sees the time it was due at.
    await clock.advanceTo(at('2026-11-25T11:00:00Z'));
    await until(() => w.sim.messages(staying.channels[0]!.id).filter(isDaily).length === 1);
    const leftChannels = new Set([otherChannel, kept.channels[0]!.id]);
    expect(w.sim.requests.slice(requestsBefore).filter((r) => [...leftChannels].some((c) => r.route.includes(c)))).toEqual([]);
    for (const left of [kept, other]) {
      expect((await store(w).lifecycle.summarize(left.id)).dailyPosts).toBe(0);
      expect((await store(w).daily.get(left.id))?.enabled).toBe(true);
    }

    // A day after the removals, one server invites the bot back within the grace period: its deletion is cancelled.
    await clock.advanceTo(at('2026-11-26T00:00:00Z'));
    w.sim.inviteBot(kept.id);
    await until(async () => (await store(w).lifecycle.pendingRemoval(kept.id)) === undefined);

    // The next 20:00 in Seoul: the server that is back gets its story, as it was set up.
    await clock.advanceTo(at('2026-11-26T11:00:00Z'));
    await until(() => w.sim.messages(kept.channels[0]!.id).filter(isDaily).length === 1);
    expect(await entries(w, other.id)).toBeGreaterThan(0);

    // Past the other server's grace period (2 days, then the hourly sweep): all its keys are gone.
    await clock.advanceTo(at('2026-11-27T01:00:00Z'));
    await until(async () => (await entries(w, other.id)) === 0 && (await store(w).lifecycle.pendingRemoval(other.id)) === undefined);
    expect(await store(w).daily.get(other.id)).toBeUndefined();
    expect(await store(w).videos.pinned(other.id, 'lee-joon-ki-iu')).toBeUndefined();
    expect(await store(w).polls.listOpenPolls(other.id)).toEqual([]);
    expect((await store(w).daily.get(kept.id))?.enabled).toBe(true);
    expect(await entries(w, staying.id)).toBeGreaterThan(0);
    // The poll's deadline passed while the bot was away: it never tried to close it where it cannot post.
    expect(w.sim.requests.slice(requestsBefore).filter((r) => r.route.includes(otherChannel))).toEqual([]);
    expect(w.bot.logs.some((l) => l.msg === 'server data deleted: the bot was removed and not invited back' && l.guildId === other.id)).toBe(true);
  });
});

describe('/kiss-data through the real discord.js client', () => {
  it('shows what is stored, deletes everything at once after a confirmation, and refuses a member without Manage Server', async () => {
    world = await startWorld();
    const w = world;
    const g = w.guild.id;
    const mod = w.sim.createMember(g, { username: 'mina', moderator: true }).user;
    const fan = w.sim.createMember(g, { username: 'jisoo' }).user;
    await w.sim.command({ user: mod, guildId: g, name: 'kiss-video-link', subcommand: 'pin', options: { couple: 'iu', url: 'https://youtu.be/abc' } });
    await w.sim.command({ user: fan, guildId: g, name: 'kiss-scene' });
    // The last story shown is written just after the answer, in the background.
    await w.bot.app.ctx.store.scenes.flush();
    await (await w.sim.command({ user: fan, guildId: g, name: 'kiss-poll', subcommand: 'start', options: { couples: 'Park Bo Gum, IU' } })).settled();
    const poll = await w.sim.waitForMessage(w.channelId, (m) => buttonIds(m).some((id) => id.startsWith('poll:vote:')));
    await w.sim.click({ user: fan, message: poll, customId: buttonIds(poll)[0]! });

    const shown = await (await w.sim.command({ user: mod, guildId: g, name: 'kiss-data', subcommand: 'show' })).settled();
    expect(shown.ephemeral).toBe(true);
    expect(shown.message!.content).toContain('• Pinned video links: 1');
    expect(shown.message!.content).toContain('• Polls: 1');
    expect(shown.message!.content).toContain('• Poll votes (a member id and a couple each): 1');
    expect(shown.message!.content).toContain('everything is deleted 7 days later');

    // A server may let anyone run the command (Integrations settings); the handler still refuses.
    w.sim.setCommandPermissions(g, 'kiss-data', [{ id: fan.id, type: 2, permission: true }]);
    const refused = await w.sim.command({ user: fan, guildId: g, name: 'kiss-data', subcommand: 'delete' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.message!.content).toBe('You need the **Manage Server** permission to do this.');

    // Cancel: nothing is deleted.
    const first = await (await w.sim.command({ user: mod, guildId: g, name: 'kiss-data', subcommand: 'delete' })).settled();
    expect(first.ephemeral).toBe(true);
    expect(first.message!.content).toContain('**Delete everything this bot stores for this server?**');
    const cancel = buttonIds(first.message!).find((id) => id.startsWith('data:cancel:'))!;
    const cancelled = await w.sim.click({ user: mod, message: first.message!, customId: cancel });
    expect(cancelled.message!.content).toBe('Nothing was deleted.');
    expect(cancelled.message!.components).toEqual([]);
    expect(await entries(w, g)).toBeGreaterThanOrEqual(6);

    const prompt = await (await w.sim.command({ user: mod, guildId: g, name: 'kiss-data', subcommand: 'delete' })).settled();
    const before = await entries(w, g);
    const confirm = buttonIds(prompt.message!).find((id) => id.startsWith('data:confirm:'))!;
    const confirmButton = prompt.message!.components[0]!.components![0]!;
    expect(confirmButton).toMatchObject({ style: 4, label: 'Delete everything', custom_id: confirm });

    // The confirm button of another server, or a made-up token, deletes nothing.
    const token = confirm.split(':')[3]!;
    const forged = await w.sim.click({ user: mod, message: prompt.message!, customId: `data:confirm:${w.sim.createGuild().id}:${token}`, forge: true });
    expect(forged.ephemeral).toBe(true);
    expect(forged.message!.content).toMatch(/^This confirmation is no longer valid/);
    const guessed = await w.sim.click({ user: mod, message: prompt.message!, customId: `data:confirm:${g}:${'A'.repeat(16)}`, forge: true });
    expect(guessed.message!.content).toMatch(/^This confirmation is no longer valid/);
    // Another moderator clicks a copy of the buttons (the prompt is private: a modified client sends
    // its custom_id from a message they can see): refused privately, nothing deleted, and the
    // requester's buttons still work (the token is compared before it is used up).
    const otherMod = w.sim.createMember(g, { username: 'alex', moderator: true }).user;
    for (const customId of [confirm, buttonIds(prompt.message!).find((id) => id.startsWith('data:cancel:'))!]) {
      const copied = await w.sim.click({ user: otherMod, message: poll, customId, forge: true });
      expect(copied.ephemeral).toBe(true);
      expect(copied.message!.content).toMatch(/^This button is for the moderator who ran .*kiss-data delete.*\. Nothing was deleted, and their button still works\.$/);
    }
    expect(await entries(w, g)).toBe(before);
    // A moderator who lost Manage Server since cannot confirm (each interaction carries the clicker's permissions).
    const modRole = w.sim.world.guilds.get(g)!.roles.find((r) => r.name === 'Moderator')!;
    const modPermissions = modRole.permissions;
    modRole.permissions = 0n;
    const demoted = await w.sim.click({ user: mod, message: prompt.message!, customId: confirm });
    expect(demoted.message!.content).toBe('You need the **Manage Server** permission to do this.');
    expect(await entries(w, g)).toBe(before);
    modRole.permissions = modPermissions;

    const done = await (await w.sim.click({ user: mod, message: prompt.message!, customId: confirm })).settled();
    await done.waitForEdit((m) => m.content.startsWith('🗑️'));
    expect(done.message!.content).toContain('🗑️ Deleted everything this bot stored for this server.');
    expect(done.message!.content).toContain('• Pinned video links: 1');
    expect(done.message!.components).toEqual([]);
    expect(await entries(w, g)).toBe(0);

    // The same button again is stale; the poll's buttons now name no poll; pins are gone.
    const again = await w.sim.click({ user: mod, message: prompt.message!, customId: confirm, forge: true });
    expect(again.message!.content).toMatch(/^This confirmation is no longer valid/);
    const vote = await w.sim.click({ user: fan, message: poll, customId: buttonIds(poll)[1]! });
    expect(vote.ephemeral).toBe(true);
    expect(await entries(w, g)).toBe(0);
    const video = await w.sim.command({ user: fan, guildId: g, name: 'kiss-video', options: { couple: 'iu' } });
    expect(video.message!.components[0]!.components).toHaveLength(2);

    const nothing = await (await w.sim.command({ user: mod, guildId: g, name: 'kiss-data', subcommand: 'delete' })).settled();
    expect(nothing.message!.content).toBe('This bot stores nothing for this server, so there is nothing to delete.');
    expect(nothing.message!.components).toEqual([]);
  });

  it('answers in Korean for a Korean moderator', async () => {
    world = await startWorld();
    const w = world;
    const mod = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true, locale: 'ko' }).user;
    await w.sim.command({ user: mod, guildId: w.guild.id, locale: 'ko', name: 'kiss-video-link', subcommand: 'pin', options: { couple: 'iu', url: 'https://youtu.be/abc' } });
    const shown = await (await w.sim.command({ user: mod, guildId: w.guild.id, locale: 'ko', name: 'kiss-data', subcommand: 'show' })).settled();
    expect(shown.message!.content).toContain('• 고정된 영상 링크: 1개');
    expect(shown.message!.content).toContain('7일 후에 모두 삭제돼요');

    // Another moderator's click on the confirm button is refused in their language.
    const prompt = await (await w.sim.command({ user: mod, guildId: w.guild.id, locale: 'ko', name: 'kiss-data', subcommand: 'delete' })).settled();
    const confirm = buttonIds(prompt.message!).find((id) => id.startsWith('data:confirm:'))!;
    const other = w.sim.createMember(w.guild.id, { username: 'alex', moderator: true, locale: 'ko' }).user;
    const seen = await w.sim.command({ user: other, guildId: w.guild.id, locale: 'ko', name: 'kiss-scene' });
    const copied = await w.sim.click({ user: other, locale: 'ko', message: seen.message!, customId: confirm, forge: true });
    expect(copied.ephemeral).toBe(true);
    expect(copied.message!.content).toMatch(/^이 버튼은 .*kiss-data delete.* 명령어를 실행한 관리자만 누를 수 있어요\./);
    expect(await entries(w, w.guild.id)).toBeGreaterThan(0);
  });
});
