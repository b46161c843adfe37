import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type SimGuild, type SimMessage, type SimUser } from '@kiss-scene-bot/discord-simulator';
import { startWorld, type BotUnderTest, type World } from './harness.js';

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
/** Stories named by id: a name such as "IU" or "Park Bo Gum" is in several of the catalogue's stories. */
const IU_STORY = 'lee-joon-ki-iu';
const POLL_COUPLES = `park-bo-gum-kim-yoo-jung, ${IU_STORY}`;
const isDaily = (m: SimMessage) => m.embeds[0]?.author?.name === 'Story of the day';
const buttonIds = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []).flatMap((c) => (c.custom_id ? [c.custom_id] : []));
const store = (w: World) => w.bot.app.ctx.store;
const entries = async (w: World, guildId: string) => (await store(w).lifecycle.summarize(guildId)).entries;

/** The SQLite file behind a world's store. */
const fileOf = (w: World) => w.storeUrl.replace(/^sqlite:\/\//, '');

/** Every key in the SQLite file whose name holds `text` (read with a connection of the test's own). */
async function keysNaming(w: World, text: string): Promise<string[]> {
  const db = new sqlite3.Database(fileOf(w));
  try {
    return await new Promise((resolve, reject) =>
      db.all<{ key: string }>(`SELECT key FROM keyv WHERE instr(key, ?) > 0`, [text], (err, rows) => (err ? reject(err) : resolve(rows.map((r) => r.key)))),
    );
  } finally {
    db.close();
  }
}

/** The raw bytes of the store's file (and of a journal beside it, if any), as text. */
function fileBytes(w: World): string {
  const file = fileOf(w);
  return readdirSync(dirname(file))
    .filter((name) => name.startsWith(basename(file)))
    .map((name) => readFileSync(join(dirname(file), name)).toString('latin1'))
    .join('\n');
}

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
    await w.sim.command({ user: modOther, guildId: other.id, name: 'kiss-video-link', subcommand: 'pin', options: { couple: IU_STORY, url: 'https://youtu.be/abc' } });
    await (await w.sim.command({ user: modOther, guildId: other.id, name: 'kiss-poll', subcommand: 'start', options: { couples: POLL_COUPLES, duration: '1d' } })).settled();
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
    expect(await store(w).videos.pinned(other.id, IU_STORY)).toBeUndefined();
    expect(await store(w).polls.listOpenPolls(other.id)).toEqual([]);
    expect((await store(w).daily.get(kept.id))?.enabled).toBe(true);
    expect(await entries(w, staying.id)).toBeGreaterThan(0);
    // The poll's deadline passed while the bot was away: it never tried to close it where it cannot post.
    expect(w.sim.requests.slice(requestsBefore).filter((r) => r.route.includes(otherChannel))).toEqual([]);
    expect(w.bot.logs.some((l) => l.msg === 'server data deleted: the bot was removed and not invited back' && l.guildId === other.id)).toBe(true);
  });
});

describe('removals the bot could not record at once (a shortened grace period, on a controlled clock)', () => {
  it('a removal while the store is down is recorded once it is back, and the server’s data is deleted after the grace period', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z'));
    let leaving!: SimGuild;
    world = await startWorld({
      clock,
      firstBot: { env: { DATA_RETENTION_AFTER_REMOVAL: '2d' } },
      beforeBot: (sim) => {
        leaving = sim.createGuild({ name: 'Leaving Club', channels: [{ name: 'general' }] });
      },
    });
    const w = world;
    const mod = w.sim.createMember(leaving.id, { username: 'alex', moderator: true }).user;
    await w.sim.command({ user: mod, guildId: leaving.id, name: 'kiss-video-link', subcommand: 'pin', options: { couple: IU_STORY, url: 'https://youtu.be/abc' } });
    await setDaily(w, leaving, mod);
    const removedAt = clock.now();

    // Another process holds the file's write lock: the store is down for the bot.
    const locker = new sqlite3.Database(fileOf(w));
    await new Promise<void>((resolve, reject) => locker.exec('BEGIN EXCLUSIVE', (err) => (err ? reject(err) : resolve())));
    try {
      w.sim.removeBot(leaving.id);
      await until(() => w.bot.logs.some((l) => l.msg === 'recording a server removal or re-invite failed; trying again shortly' && l.guildId === leaving.id));
      // Tried again while the file is still locked: still not recorded, and not given up.
      await clock.advance(5_000);
      await clock.advance(5_000);
    } finally {
      await new Promise<void>((resolve, reject) => locker.exec('COMMIT', (err) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve) => locker.close(() => resolve()));
    }
    await until(() => store(w).availability.available);
    await clock.advance(5_000);
    await until(async () => (await store(w).lifecycle.pendingRemoval(leaving.id)) !== undefined);
    expect(await store(w).lifecycle.pendingRemoval(leaving.id)).toEqual({ guildId: leaving.id, removedAt, deleteAt: removedAt + 2 * DAY });

    await clock.advanceTo(removedAt + 2 * DAY + HOUR);
    await until(async () => (await entries(w, leaving.id)) === 0 && (await store(w).lifecycle.pendingRemoval(leaving.id)) === undefined);
    expect(await keysNaming(w, leaving.id)).toEqual([]);
    expect(await entries(w, w.guild.id)).toBeGreaterThanOrEqual(0);
  });

  it(
    'after a restart: a server removed while no process ran gets no request and its data is deleted after the grace period; one invited back in time keeps its daily story on; one only unavailable keeps everything',
    async () => {
      // 09:00 in Seoul; the daily stories are due at 20:00 Seoul time (11:00 UTC).
      const clock = new ManualClock(Date.parse('2026-11-25T00:00:00Z'));
      let gone!: SimGuild;
      let back!: SimGuild;
      let down!: SimGuild;
      const retention = { env: { DATA_RETENTION_AFTER_REMOVAL: '2d' } };
      world = await startWorld({
        clock,
        firstBot: retention,
        beforeBot: (sim) => {
          gone = sim.createGuild({ name: 'Gone Club', channels: [{ name: 'general' }] });
          back = sim.createGuild({ name: 'Back Club', channels: [{ name: 'general' }] });
          down = sim.createGuild({ name: 'Down Club', channels: [{ name: 'general' }] });
        },
      });
      const w = world;
      const stays = w.guild;
      const mods = new Map([stays, gone, back, down].map((g) => [g.id, w.sim.createMember(g.id, { username: `mod-${g.name.split(' ')[0]!.toLowerCase()}`, moderator: true }).user]));
      for (const g of [stays, gone, back, down]) await setDaily(w, g, mods.get(g.id)!);
      const modGone = mods.get(gone.id)!;
      await w.sim.command({ user: modGone, guildId: gone.id, name: 'kiss-video-link', subcommand: 'pin', options: { couple: IU_STORY, url: 'https://youtu.be/abc' } });
      await (await w.sim.command({ user: modGone, guildId: gone.id, name: 'kiss-poll', subcommand: 'start', options: { couples: POLL_COUPLES, duration: '1d' } })).settled();
      const goneChannel = gone.channels[0]!.id;
      const poll = await w.sim.waitForMessage(goneChannel, (m) => buttonIds(m).some((id) => id.startsWith('poll:vote:')));
      await w.sim.click({ user: w.sim.createMember(gone.id, { username: 'fan' }).user, message: poll, customId: buttonIds(poll)[0]! });
      await w.bot.stop();

      // While no process runs: two servers remove the bot, one goes down, and 20:00 in Seoul passes.
      w.sim.removeBot(gone.id);
      w.sim.removeBot(back.id);
      w.sim.guildOutage(down.id);
      await clock.advanceTo(at('2026-11-25T12:00:00Z'));
      const requestsBefore = w.sim.requests.length;
      const restarted: BotUnderTest = await w.startBot(retention);
      const st = restarted.app.ctx.store;
      const restartedAt = clock.now();

      // The server the bot is in gets its late story; the two it left get no request at all (no
      // story, no poll close), and their deletion is scheduled; the one only unavailable none.
      // (Timers of the controlled clock run as it moves.)
      await clock.advance(1_000);
      await until(() => w.sim.messages(stays.channels[0]!.id).filter(isDaily).length === 1);
      const toLeft = () => w.sim.requests.slice(requestsBefore).filter((r) => r.route.includes(goneChannel) || r.route.includes(back.channels[0]!.id));
      expect(toLeft()).toEqual([]);
      for (const left of [gone, back]) {
        expect(await st.lifecycle.pendingRemoval(left.id)).toEqual({ guildId: left.id, removedAt: restartedAt, deleteAt: restartedAt + 2 * DAY });
        expect((await st.lifecycle.summarize(left.id)).dailyPosts).toBe(0);
        expect((await st.daily.get(left.id))?.enabled).toBe(true);
      }
      expect(await st.lifecycle.pendingRemoval(down.id)).toBeUndefined();
      expect(restarted.logs.some((l) => l.msg === 'servers removed while the bot was not running: their data will be deleted unless it is invited back' && l.servers === 2)).toBe(true);

      // Invited back within the grace period: the day's story comes, and the schedule is on as it was.
      w.sim.inviteBot(back.id);
      await until(async () => (await st.lifecycle.pendingRemoval(back.id)) === undefined);
      await clock.advance(1_000);
      await until(() => w.sim.messages(back.channels[0]!.id).filter(isDaily).length === 1);
      const status = await (await w.sim.command({ user: mods.get(back.id)!, guildId: back.id, name: 'kiss-daily', subcommand: 'status' })).settled();
      expect(status.message!.content).toContain('📅 **Daily story: on**');
      expect(status.message!.content).not.toContain('turned off');
      expect((await st.daily.get(back.id))?.disabledReason).toBeUndefined();

      // Past the grace period: everything of the server that left is gone, nothing names it; the
      // server that was only unavailable still has all it had.
      await clock.advanceTo(restartedAt + 2 * DAY + HOUR);
      await until(async () => (await st.lifecycle.summarize(gone.id)).entries === 0 && (await st.lifecycle.pendingRemoval(gone.id)) === undefined);
      expect(await keysNaming(w, gone.id)).toEqual([]);
      expect(w.sim.requests.slice(requestsBefore).filter((r) => r.route.includes(goneChannel))).toEqual([]);
      expect((await st.lifecycle.summarize(down.id)).dailySchedule).toBe(1);
      expect(await st.lifecycle.pendingRemoval(down.id)).toBeUndefined();
      expect((await st.daily.get(back.id))?.enabled).toBe(true);
    },
    60_000,
  );
});

describe('a deleted server leaves nothing in the SQLite file', () => {
  it('holds no trace of its member ids or story text once deleted, while another server’s are still there', async () => {
    world = await startWorld();
    const w = world;
    const g = w.guild.id;
    const other = w.sim.createGuild({ name: 'Other Club', channels: [{ name: 'general' }] });
    const mod = w.sim.createMember(g, { username: 'mina', moderator: true }).user;
    const otherMod = w.sim.createMember(other.id, { username: 'alex', moderator: true }).user;
    const story = (drama: string, text: string) => JSON.stringify([{ actors: [{ name: 'Actor Han' }, { name: 'Actress Seo' }], drama: { title: drama, year: 2020 }, story: { en: text }, source: 'https://news.example.org/a' }]);
    const secret = 'Zebra-lantern whispered between takes of the rooftop kiss';
    const kept = 'Otter-compass laughed between takes of the river kiss';
    for (const [guildId, user, drama, text] of [
      [g, mod, 'Secret Drama', secret],
      [other.id, otherMod, 'Kept Drama', kept],
    ] as const) {
      const imported = await (await w.sim.command({ user, guildId, name: 'kiss-story', subcommand: 'import', options: { file: { filename: 'stories.json', data: story(drama, text) } } })).settled();
      expect(imported.message!.content).not.toMatch(/^You need/);
    }
    // Members' votes (their ids in the keys) and a pinned link (its moderator's id).
    await w.sim.command({ user: mod, guildId: g, name: 'kiss-video-link', subcommand: 'pin', options: { couple: IU_STORY, url: 'https://youtu.be/abc' } });
    await (await w.sim.command({ user: mod, guildId: g, name: 'kiss-poll', subcommand: 'start', options: { couples: POLL_COUPLES } })).settled();
    const poll = await w.sim.waitForMessage(w.channelId, (m) => buttonIds(m).some((id) => id.startsWith('poll:vote:')));
    const voters = Array.from({ length: 3 }, (_, i) => w.sim.createMember(g, { username: `fan${i}` }).user);
    for (const voter of voters) await w.sim.click({ user: voter, message: poll, customId: buttonIds(poll)[0]! });
    await until(async () => (await store(w).lifecycle.summarize(g)).votes === 3);
    const before = fileBytes(w);
    expect(before).toContain(secret);
    for (const voter of voters) expect(before).toContain(voter.id);

    const prompt = await (await w.sim.command({ user: mod, guildId: g, name: 'kiss-data', subcommand: 'delete' })).settled();
    const done = await (await w.sim.click({ user: mod, message: prompt.message!, customId: buttonIds(prompt.message!).find((id) => id.startsWith('data:confirm:'))! })).settled();
    await done.waitForEdit((m) => m.content.startsWith('🗑️'));
    expect(await entries(w, g)).toBe(0);

    const after = fileBytes(w);
    expect(after).not.toContain(secret);
    for (const id of [mod.id, ...voters.map((v) => v.id)]) expect(after).not.toContain(id);
    expect(after).toContain(kept);
    expect(await keysNaming(w, g)).toEqual([]);
  });
});

describe('/kiss-data through the real discord.js client', () => {
  it('shows what is stored, deletes everything at once after a confirmation, and refuses a member without Manage Server', async () => {
    world = await startWorld();
    const w = world;
    const g = w.guild.id;
    const mod = w.sim.createMember(g, { username: 'mina', moderator: true }).user;
    const fan = w.sim.createMember(g, { username: 'jisoo' }).user;
    await w.sim.command({ user: mod, guildId: g, name: 'kiss-video-link', subcommand: 'pin', options: { couple: IU_STORY, url: 'https://youtu.be/abc' } });
    await w.sim.command({ user: fan, guildId: g, name: 'kiss-scene' });
    // The last story shown is written just after the answer, in the background.
    await w.bot.app.ctx.store.scenes.flush();
    await (await w.sim.command({ user: fan, guildId: g, name: 'kiss-poll', subcommand: 'start', options: { couples: POLL_COUPLES } })).settled();
    const poll = await w.sim.waitForMessage(w.channelId, (m) => buttonIds(m).some((id) => id.startsWith('poll:vote:')));
    await w.sim.click({ user: fan, message: poll, customId: buttonIds(poll)[0]! });

    const shown = await (await w.sim.command({ user: mod, guildId: g, name: 'kiss-data', subcommand: 'show' })).settled();
    // Answered at once, not deferred: counting reads this server's keys only.
    expect(shown.outcome).toBe('replied');
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
    const video = await w.sim.command({ user: fan, guildId: g, name: 'kiss-video', options: { couple: IU_STORY } });
    expect(video.message!.components[0]!.components).toHaveLength(2);

    const nothing = await (await w.sim.command({ user: mod, guildId: g, name: 'kiss-data', subcommand: 'delete' })).settled();
    expect(nothing.message!.content).toBe('This bot stores nothing for this server, so there is nothing to delete.');
    expect(nothing.message!.components).toEqual([]);
  });

  it('answers in Korean for a Korean moderator', async () => {
    world = await startWorld();
    const w = world;
    const mod = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true, locale: 'ko' }).user;
    await w.sim.command({ user: mod, guildId: w.guild.id, locale: 'ko', name: 'kiss-video-link', subcommand: 'pin', options: { couple: IU_STORY, url: 'https://youtu.be/abc' } });
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
