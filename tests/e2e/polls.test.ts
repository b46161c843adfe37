import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type SimMessage } from '@kiss-scene-bot/discord-simulator';
import { loadCatalogue } from '../../src/catalogue/catalogue.js';
import { seededRandom } from '../../src/catalogue/random.js';
import { MAX_COUPLES } from '../../src/polls/model.js';
import { startWorld, type World } from './harness.js';

const HOUR = 60 * 60 * 1000;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const isPoll = (m: SimMessage) => m.components.some((row) => row.components?.some((c) => c.custom_id?.startsWith('poll:vote:')));
const buttons = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []);
const voteId = (m: SimMessage, n: number) => buttons(m).filter((c) => c.custom_id?.startsWith('poll:vote:'))[n]!.custom_id!;
const controlId = (m: SimMessage, action: 'withdraw' | 'close' | 'results') => buttons(m).find((c) => c.custom_id?.startsWith(`poll:${action}:`))!.custom_id!;
const pollIdOf = (m: SimMessage) => voteId(m, 0).split(':')[2]!;
/** Successful edits of one message, by the bot's REST calls. */
const editsOf = (w: World, m: SimMessage) => w.sim.requests.filter((r) => r.method === 'PATCH' && r.route === `/channels/${m.channel_id}/messages/${m.id}` && r.status < 300).length;
const resultsPosts = (w: World) => w.sim.messages(w.channelId).filter((m) => m.embeds[0]?.author?.name === 'Poll results');

async function startPoll(w: World, options: Record<string, string | number | boolean> = {}, user = w.sim.createMember(w.guild.id, { username: 'starter' }).user) {
  const res = await (await w.sim.command({ user, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'start', options: { couples: 'Love in the Moonlight, Lee Joon Ki, Krystal', ...options } })).settled();
  expect(res.ephemeral).toBe(true);
  expect(res.message!.content).toMatch(/^Your poll is up: /);
  const poll = await w.sim.waitForMessage(w.channelId, isPoll);
  return { poll, starter: user, res };
}

describe('favourite-kiss polls through the real discord.js client', () => {
  it('counts two members exactly as they vote, change and withdraw, answering each privately in their language', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock, pollEditIntervalMs: 2000 });
    const w = world;
    const { poll } = await startPoll(w);
    expect(poll.embeds[0]!.description).toContain('**1.** **Park Bo Gum & Kim Yoo Jung** — *Love in the Moonlight*');
    const en = w.sim.createMember(w.guild.id, { username: 'jisoo' }).user;
    const ko = w.sim.createMember(w.guild.id, { username: 'mina', locale: 'ko' }).user;

    const first = await w.sim.click({ user: en, message: poll, customId: voteId(poll, 0) });
    expect(first.ephemeral).toBe(true);
    expect(first.message!.content).toBe('You voted for **Park Bo Gum & Kim Yoo Jung**.');
    const second = await w.sim.click({ user: ko, message: poll, customId: voteId(poll, 1), locale: 'ko' });
    expect(second.message!.content).toMatch(/^\*\*이준기 & 아이유\*\*에 투표했어요|이준기 & 아이유/);
    expect(second.message!.content).toMatch(/\p{Script=Hangul}/u);
    const changed = await w.sim.click({ user: en, message: poll, customId: voteId(poll, 2) });
    expect(changed.message!.content).toBe('You changed your vote from **Park Bo Gum & Kim Yoo Jung** to **Krystal & Kang Min Hyuk**.');
    const withdrawn = await w.sim.click({ user: ko, message: poll, customId: controlId(poll, 'withdraw'), locale: 'ko' });
    expect(withdrawn.message!.content).toMatch(/\p{Script=Hangul}/u);

    await clock.advance(2_100);
    const edited = await w.sim.waitForMessage(w.channelId, (m) => m.id === poll.id && m.embeds[0]!.description!.includes('1 member has voted'));
    const description = edited.embeds[0]!.description!;
    expect(description).toMatch(/Krystal & Kang Min Hyuk\*\* — \*The Heirs\*\n`▰▰▰▰▰▰▰▰▰▰` 1 vote · 100%/);
    expect(description).toMatch(/Lee Joon Ki & IU\*\* — \*Moon Lovers: Scarlet Heart Ryeo\*\n`▱▱▱▱▱▱▱▱▱▱` 0 votes · 0%/);

    const mine = await w.sim.command({ user: en, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'results' });
    expect(mine.ephemeral).toBe(true);
    expect(mine.message!.embeds[0]!.description).toContain('Your vote: **Krystal & Kang Min Hyuk**');
  });

  it('counts 300 concurrent voters exactly once each, with far fewer message edits than votes', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock, pollEditIntervalMs: 2000 });
    const w = world;
    const { poll } = await startPoll(w);
    const voters = Array.from({ length: 300 }, (_, i) => w.sim.createMember(w.guild.id, { username: `voter${i}` }).user);
    const editsBefore = editsOf(w, poll);
    const results = await Promise.all(voters.map((user, i) => w.sim.click({ user, message: poll, customId: voteId(poll, i % 3) })));
    expect(results.filter((r) => r.outcome === 'replied' && r.message!.content.startsWith('You voted for')).length).toBe(300);
    for (let i = 0; i < 5; i++) await clock.advance(2_100);
    const final = await w.sim.waitForMessage(w.channelId, (m) => m.id === poll.id && m.embeds[0]!.description!.includes('300 members have voted'));
    expect(final.embeds[0]!.description!.match(/100 votes · 33\.3%/g)).toHaveLength(3);
    const edits = editsOf(w, poll) - editsBefore;
    console.info(`[figures] 300 concurrent votes → ${edits} message edits`);
    expect(edits).toBeGreaterThanOrEqual(1);
    expect(edits).toBeLessThanOrEqual(10);
  });

  it('survives a restart on SQLite: votes kept, buttons still work, the deadline still closes it', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock, pollEditIntervalMs: 2000 });
    const w = world;
    const { poll } = await startPoll(w, { duration: '2h' });
    const a = w.sim.createMember(w.guild.id, { username: 'a' }).user;
    const b = w.sim.createMember(w.guild.id, { username: 'b' }).user;
    await w.sim.click({ user: a, message: poll, customId: voteId(poll, 1) });
    await w.bot.stop();

    await w.startBot({ clock });
    const after = await w.sim.click({ user: b, message: poll, customId: voteId(poll, 1) });
    expect(after.message!.content).toBe('You voted for **Lee Joon Ki & IU**.');
    await clock.advance(2 * HOUR + 1_000);
    const results = await w.sim.waitForMessage(w.channelId, (m) => m.embeds[0]?.author?.name === 'Poll results');
    expect(results.embeds[0]!.description).toContain('🏆 The favourite: **Lee Joon Ki & IU** with 2 votes (100%)');
    expect(results.embeds[0]!.fields?.find((f) => f.name === 'Voters')?.value).toBe('2');
    expect(results.attachments[0]?.data.subarray(1, 4).toString()).toBe('PNG');
    expect(results.embeds[0]!.image?.url).toBe(`attachment://${results.attachments[0]!.filename}`);
  });

  it('closes a poll whose deadline passed during downtime once, at start-up', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const { poll } = await startPoll(w, { duration: '30m' });
    await w.sim.click({ user: w.sim.createMember(w.guild.id, { username: 'v' }).user, message: poll, customId: voteId(poll, 2) });
    await w.bot.stop();
    await clock.advance(3 * HOUR);
    expect(resultsPosts(w)).toHaveLength(0);

    await w.startBot({ clock });
    const results = await w.sim.waitForMessage(w.channelId, (m) => m.embeds[0]?.author?.name === 'Poll results');
    expect(results.embeds[0]!.description).toContain('**Krystal & Kang Min Hyuk**');
    await w.bot.stop();
    await w.startBot({ clock });
    await clock.advance(HOUR);
    expect(resultsPosts(w)).toHaveLength(1);
  });

  it('lets only the starter or a moderator close; a second close yields no second results', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const { poll, starter } = await startPoll(w);
    const stranger = w.sim.createMember(w.guild.id, { username: 'stranger' }).user;
    const refused = await (await w.sim.click({ user: stranger, message: poll, customId: controlId(poll, 'close') })).settled();
    expect(refused.ephemeral).toBe(true);
    expect(refused.message!.content).toMatch(/starter|Manage Server/);
    expect(resultsPosts(w)).toHaveLength(0);

    const mod = w.sim.createMember(w.guild.id, { username: 'mod', moderator: true }).user;
    const [one, two] = await Promise.all([
      w.sim.command({ user: starter, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'close', options: { poll: pollIdOf(poll) } }),
      w.sim.command({ user: mod, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'close', options: { poll: pollIdOf(poll) } }),
    ]);
    await one.settled();
    await two.settled();
    const texts = [one, two].map((r) => (r.message?.content ?? '') + r.followUps.map((f) => f.content).join(''));
    expect(texts.filter((t) => t.includes('already closed')).length).toBe(1);
    expect(resultsPosts(w)).toHaveLength(1);
  });

  it('answers bad input clearly and changes nothing', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const user = w.sim.createMember(w.guild.id, { username: 'typo' }).user;
    for (const [options, pattern] of [
      [{ duration: '0m' }, /5 minutes/],
      [{ duration: '15d' }, /14 days/],
      [{ duration: 'abc' }, /30m|2h|3d/],
      [{ couples: 'Love in the Moonlight, Zzyzx Qwerty' }, /Zzyzx Qwerty/],
      // An actor in several stories: the answer lists them and asks which.
      [{ couples: 'Park Bo Gum, Krystal' }, /\*\*Park Bo Gum\*\* could be several couples: .*\*\*Park Bo Gum & Kim Yoo Jung\*\*/],
    ] as const) {
      const res = await (await w.sim.command({ user, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'start', options: { ...options } })).settled();
      expect(res.ephemeral, JSON.stringify(options)).toBe(true);
      expect(res.message!.content, JSON.stringify(options)).toMatch(pattern);
    }
    expect(w.sim.messages(w.channelId).filter(isPoll)).toHaveLength(0);

    const { poll } = await startPoll(w);
    const other = w.sim.createGuild({ name: 'Other club', channels: [{ name: 'general' }] });
    await w.sim.waitForMessage(w.channelId, isPoll);
    const outsider = w.sim.createMember(other.id, { username: 'outsider' }).user;
    const otherChannel = other.channels.find((c) => c.type === 0)!.id;
    const bait = await w.sim.command({ user: outsider, guildId: other.id, channelId: otherChannel, name: 'kiss-scene', options: { couple: 'eric' } });
    // The other server's member clicks a button carrying this server's poll id.
    const foreign = await w.sim.click({ user: outsider, message: bait.message!, customId: voteId(poll, 0), forge: true });
    expect(foreign.ephemeral).toBe(true);
    expect(foreign.message!.content).toMatch(/poll/i);
    const voter = w.sim.createMember(w.guild.id, { username: 'voter' }).user;
    for (const customId of ['poll:vote:zzzzzzzz:0', `poll:vote:${pollIdOf(poll)}:19`, `poll:vote:${pollIdOf(poll)}:x`, 'poll:explode']) {
      const res = await w.sim.click({ user: voter, message: poll, customId, forge: true });
      expect(res.ephemeral, customId).toBe(true);
      expect(res.message!.content.length, customId).toBeGreaterThan(10);
    }
    const preview = await w.sim.command({ user: voter, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'results' });
    expect(preview.message!.embeds[0]!.description).toContain('0 votes');

    await w.sim.command({ user: w.sim.createMember(w.guild.id, { username: 'm', moderator: true }).user, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'close', options: { poll: pollIdOf(poll) } });
    const late = await w.sim.click({ user: voter, message: poll.id, customId: voteId(poll, 0), forge: true });
    expect(late.ephemeral).toBe(true);
    expect(late.message!.content).toMatch(/closed/i);
  });

  it('started without couples, posts a varied set in Discord’s rows of buttons and says how it was picked', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock, random: seededRandom(5) });
    const w = world;
    const catalogue = loadCatalogue();
    const res = await (await w.sim.command({ user: w.sim.createMember(w.guild.id, { username: 'starter' }).user, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'start' })).settled();
    expect(res.message!.content).toMatch(/^Your poll is up: /);
    const poll = await w.sim.waitForMessage(w.channelId, isPoll);
    const size = Math.min(MAX_COUPLES, catalogue.couples.length);
    const votes = buttons(poll).filter((c) => c.custom_id?.startsWith('poll:vote:'));
    expect(votes).toHaveLength(size);
    expect(poll.components.length).toBeLessThanOrEqual(5);
    expect(poll.components.every((row) => (row.components?.length ?? 0) <= 5)).toBe(true);
    const lines = poll.embeds[0]!.description!.split('\n');
    expect(lines[1]).toBe(catalogue.couples.length > MAX_COUPLES ? `🎲 ${size} stories picked at random from ${catalogue.couples.length}, one per drama.` : `Every story is a candidate: ${size} in all.`);
    // Every candidate its own drama: the button labels name the couples, the lines their dramas.
    const dramas = lines.filter((l) => /^\*\*\d+\.\*\* /.test(l)).map((l) => l.split(' — ')[1]);
    expect(dramas).toHaveLength(size);
    expect(new Set(dramas).size).toBe(size);
    // A vote on the last candidate works like any other.
    const voted = await w.sim.click({ user: w.sim.createMember(w.guild.id, { username: 'v' }).user, message: poll, customId: voteId(poll, size - 1) });
    expect(voted.message!.content).toMatch(/^You voted for \*\*.+\*\*\.$/);
  });

  it('keeps an all-time leaderboard across closed polls', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    for (const pick of [1, 1, 0]) {
      const { poll } = await startPoll(w, { duration: '1h' });
      await w.sim.click({ user: w.sim.createMember(w.guild.id, { username: 'v' }).user, message: poll, customId: voteId(poll, pick) });
      await clock.advance(HOUR + 1000);
      await w.sim.waitForMessage(w.channelId, (m) => m.id === poll.id && m.embeds[0]?.author?.name === 'Poll results');
    }
    const board = await w.sim.command({ user: w.sim.createMember(w.guild.id, { username: 'reader' }).user, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'leaderboard' });
    const text = board.message!.embeds[0]!.description!;
    expect(text.indexOf('Lee Joon Ki & IU')).toBeLessThan(text.indexOf('Park Bo Gum & Kim Yoo Jung'));
    expect(text).toMatch(/Lee Joon Ki & IU.*2 wins/s);
  });
});
