import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type SimMessage, type SimUser } from '@kiss-scene-bot/discord-simulator';
import { buildCatalogue, coupleName, loadCatalogue, readStoryFiles } from '../../src/catalogue/catalogue.js';
import { BRACKET_COLOURS, IMAGE_SCALE } from '../../src/worldcup/bracket-image.js';
import { bracketLayout } from '../../src/worldcup/bracket-layout.js';
import { champion as championOf } from '../../src/worldcup/bracket.js';
import type { SoloRun, Tournament } from '../../src/worldcup/model.js';
import { languageOf } from '../../src/i18n/index.js';
import { nameIn } from '../../src/replies/worldcup.js';
import { startWorld, type World } from './harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const catalogue = loadCatalogue();

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const buttons = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []);
const button = (m: SimMessage, prefix: string) => buttons(m).find((c) => c.custom_id?.startsWith(prefix));
const shareIdOf = (m: SimMessage) => button(m, 'wc:share:')!.custom_id!.split(':')[2]!;
const isRound = (m: SimMessage) => buttons(m).some((c) => c.custom_id?.startsWith('wc:vote:'));
/** The two couples of each match of a round message, by the buttons' labels ("1A · Name"). */
function pairs(m: SimMessage): Array<{ match: number; a: { id: string; name: string }; b: { id: string; name: string } }> {
  const out = new Map<number, { a?: { id: string; name: string }; b?: { id: string; name: string } }>();
  for (const c of buttons(m)) {
    const [, , , , match, side] = c.custom_id!.split(':');
    const entry = out.get(Number(match)) ?? {};
    entry[side as 'a' | 'b'] = { id: c.custom_id!, name: c.label!.replace(/^\d+[AB] · /, '') };
    out.set(Number(match), entry);
  }
  return [...out.entries()].map(([match, e]) => ({ match, a: e.a!, b: e.b! }));
}
/** The tournament of an open round's message. */
const tournamentIdOf = (message: SimMessage) => button(message, 'wc:vote:')!.custom_id!.split(':')[2]!;
/** A tournament as the bot stored it (its entrants' ids: a name may be shared by several stories). */
async function storedTournament(w: World, tournamentId: string): Promise<Tournament> {
  return (await w.bot.app.ctx.store.worldcup.getTournament(w.guild.id, tournamentId))!;
}
/** A member's solo run in the world's channel, as the bot stored it. */
async function storedRun(w: World, user: SimUser): Promise<SoloRun> {
  return (await w.bot.app.ctx.store.worldcup.getRun(w.guild.id, w.channelId, user.id))!;
}
/** How the statistics name a couple: among all the server's candidates (a name two stories share comes with its drama). */
async function statsName(w: World, coupleId: string): Promise<string> {
  return nameIn(await w.bot.app.ctx.worldcup.candidates(w.guild.id), coupleId, languageOf(w.guild.preferredLocale));
}
/** Round messages the bot posted, and edits that turned one into its results. */
const roundPosts = (w: World) => w.sim.requests.filter((r) => r.method === 'POST' && r.route === `/channels/${w.channelId}/messages` && JSON.stringify(r.body ?? '').includes('wc:vote:'));
const resultEdits = (w: World, messageId: string) =>
  w.sim.requests.filter((r) => r.method === 'PATCH' && r.route === `/channels/${w.channelId}/messages/${messageId}` && r.status < 300 && /· results/.test(JSON.stringify(r.body ?? ''))).length;

/** Successful edits of a round message that are not its results: the live counts. */
const liveEdits = (w: World, messageId: string) =>
  w.sim.requests.filter((r) => r.method === 'PATCH' && r.route === `/channels/${w.channelId}/messages/${messageId}` && r.status < 300).length - resultEdits(w, messageId);

async function startTournament(w: World, user: SimUser, options: Record<string, string | number | boolean>) {
  const res = await (await w.sim.command({ user, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'start', options })).settled();
  return res;
}

describe('the Kiss-scene World Cup through the real discord.js client', () => {
  it('plays a solo World Cup of 8 in 7 private choices, shares the winner once, and counts it in the statistics', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const jisoo = w.sim.createMember(w.guild.id, { username: 'jisoo' }).user;

    const res = await w.sim.command({ user: jisoo, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 8 } });
    expect(res.ephemeral).toBe(true);
    let message = res.message!;
    expect(message.embeds[0]!.title).toBe('💋 Quarter-finals · match 1 of 4');
    // Side by side: two inline fields, each with the drama and a line of the story.
    expect(message.embeds[0]!.fields!.map((f) => f.inline)).toEqual([true, true]);
    expect(catalogue.couples.map((c) => coupleName(c))).toContain(message.embeds[0]!.fields![0]!.name.replace(/^🅰 /, ''));
    // The first couple, as its button names it (with its drama should another entrant share its name).
    const target = button(message, 'wc:pick:')!.label!.replace(/^🅰 /, '');
    expect(message.embeds[0]!.fields![0]!.value).toMatch(/^\*.+\* \(\d{4}\)\n> .+/);

    const titles: string[] = [];
    let choices = 0;
    while (button(message, 'wc:pick:')) {
      titles.push(message.embeds[0]!.title!);
      const picks = buttons(message).filter((c) => c.custom_id?.startsWith('wc:pick:'));
      const pick = picks.find((c) => c.label!.endsWith(target)) ?? picks[0]!;
      const next = await w.sim.click({ user: jisoo, message, customId: pick.custom_id! });
      expect(next.outcome).toBe('updated');
      expect(next.ephemeral).toBe(true);
      message = next.message!;
      choices += 1;
    }
    expect(choices).toBe(7);
    expect(titles.filter((t) => t.startsWith('💋 Quarter-finals'))).toHaveLength(4);
    expect(titles.filter((t) => t.startsWith('💋 Semi-finals'))).toHaveLength(2);
    expect(titles.filter((t) => t.startsWith('💋 Final'))).toHaveLength(1);
    expect(message.embeds[0]!.title).toBe(`🏆 ${target}`);
    expect(message.embeds[0]!.fields![0]!.value.split('\n')).toHaveLength(3);
    expect(w.sim.messages(w.channelId)).toHaveLength(0);

    // A double click on an old step changes nothing.
    const stale = await w.sim.click({ user: jisoo, message, customId: `wc:pick:${shareIdOf(message)}:0:b`, forge: true });
    expect(stale.outcome).toBe('updated');
    expect(stale.message!.embeds[0]!.title).toBe(`🏆 ${target}`);
    const shareId = button(message, 'wc:share:')!.custom_id!;
    const shared = await w.sim.click({ user: jisoo, message, customId: shareId });
    expect(shared.ephemeral).toBe(false);
    expect(shared.message!.embeds[0]!.author!.name).toBe("jisoo's Kiss-scene World Cup winner");
    expect(shared.message!.embeds[0]!.title).toBe(`🏆 ${target}`);
    const again = await w.sim.click({ user: jisoo, message, customId: shareId });
    expect(again.ephemeral).toBe(true);
    expect(again.message!.content).toMatch(/already shared/);
    expect(w.sim.messages(w.channelId).filter((m) => !m.ephemeral)).toHaveLength(1);

    const winner = await statsName(w, championOf((await storedRun(w, jisoo)).bracket)!);
    expect(winner.startsWith(target.replace(/ \(.+\)$/, ''))).toBe(true);
    const stats = await w.sim.command({ user: jisoo, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'stats' });
    const text = stats.message!.embeds[0]!.description!;
    expect(text).toContain(`Most-won couple: **${winner}**, 1 title`);
    expect(text).toContain(`**1.** ${winner}\n1 title · head-to-heads won 3 of 3 (100%)`);
    expect(text.match(/head-to-heads won 0 of 1 \(0%\)/g)).toHaveLength(4);
    expect(stats.message!.embeds[0]!.footer!.text).toBe('Counted: 1 solo run and 0 server World Cups');
  });

  it('plays a solo World Cup of 32 to the end in 31 private choices, round by round, in Korean', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const yuna = w.sim.createMember(w.guild.id, { username: 'yuna', locale: 'ko' }).user;
    const res = await w.sim.command({ user: yuna, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 32 } });
    let message = res.message!;
    expect(res.ephemeral).toBe(true);
    expect(message.embeds[0]!.title).toBe('💋 32강 · 16개 대결 중 1번째');
    expect(message.embeds[0]!.footer!.text).toMatch(/^31번 중 1번째 선택 · /);
    const entrants = new Set<string>();
    const titles: string[] = [];
    // The second couple of the first match, as its button names it, wins every match it plays.
    let target: string | undefined;
    while (button(message, 'wc:pick:')) {
      titles.push(message.embeds[0]!.title!);
      const picks = buttons(message).filter((c) => c.custom_id?.startsWith('wc:pick:'));
      expect(picks).toHaveLength(2);
      const names = picks.map((c) => c.label!.replace(/^\S+ /, ''));
      names.forEach((n) => entrants.add(n));
      target ??= names[1];
      const pick = picks.find((c) => c.label!.endsWith(target!)) ?? picks[0]!;
      const next = await w.sim.click({ user: yuna, message, customId: pick.custom_id! });
      expect(next.outcome).toBe('updated');
      message = next.message!;
    }
    expect(titles).toHaveLength(31);
    expect(entrants.size).toBe(32);
    for (const [round, matches] of [['32강', 16], ['16강', 8], ['8강', 4], ['4강', 2], ['결승', 1]] as const) {
      expect(titles.filter((title) => title.startsWith(`💋 ${round} ·`))).toEqual(Array.from({ length: matches }, (_, i) => `💋 ${round} · ${matches}개 대결 중 ${i + 1}번째`));
    }
    expect(message.embeds[0]!.title).toBe(`🏆 ${target}`);
    expect(message.embeds[0]!.fields![0]!.value.split('\n').map((line) => line.split(':')[0])).toEqual(['32강', '16강', '8강', '4강', '결승']);
    expect(button(message, 'wc:again:')!.custom_id).toBe('wc:again:32');
    expect(w.sim.messages(w.channelId)).toHaveLength(0);
    const stats = await w.sim.command({ user: yuna, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'stats' });
    const run = await storedRun(w, yuna);
    expect(run.bracket.size).toBe(32);
    expect(stats.message!.embeds[0]!.description).toContain(`**1.** ${await statsName(w, championOf(run.bracket)!)}\n1 title · head-to-heads won 5 of 5 (100%)`);
  });

  it('keeps one live solo run per member and channel, and lets it expire after 15 minutes', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const alex = w.sim.createMember(w.guild.id, { username: 'alex' }).user;
    const play = () => w.sim.command({ user: alex, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 4 } });
    const first = (await play()).message!;
    const second = await play();
    expect(second.message!.content).toMatch(/replaced/);
    // The first run's buttons are dead: only the newest run lives.
    const old = await w.sim.click({ user: alex, message: first, customId: button(first, 'wc:pick:')!.custom_id! });
    expect(old.ephemeral).toBe(true);
    expect(old.message!.content).toMatch(/ended or expired/);
    const step = await w.sim.click({ user: alex, message: second.message!, customId: button(second.message!, 'wc:pick:')!.custom_id! });
    expect(step.outcome).toBe('updated');
    expect(step.message!.content).toBe('');

    await clock.advance(15 * MINUTE + 1000);
    const late = await w.sim.click({ user: alex, message: step.message!, customId: button(step.message!, 'wc:pick:')!.custom_id! });
    expect(late.outcome).toBe('replied');
    expect(late.ephemeral).toBe(true);
    expect(late.message!.content).toMatch(/expired \(a run lasts 15 minutes after your last choice\)/);
  });

  it('runs a server World Cup of 8 with 50 voters a round across a restart: each round closes once, and the bracket image shows the champion’s path', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock, pollEditIntervalMs: 2000 });
    const w = world;
    const mina = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
    const voters = Array.from({ length: 50 }, (_, i) => w.sim.createMember(w.guild.id, { username: `voter${i}` }).user);

    const started = await startTournament(w, mina, { size: 8, round_duration: '1h' });
    expect(started.ephemeral).toBe(true);
    expect(started.message!.content).toMatch(/^Your World Cup is up: https:\/\/discord\.com\/channels\/.+ Round 1 \(Quarter-finals\) closes <t:\d+:R>; each round lasts 1 hour\.$/);

    const firstBot = w.bot;
    /** Each round's matches as the messages showed them: the couples' names, the first one the winner by 30 to 20. */
    const shown: string[][][] = [];
    let tournamentId: string | undefined;
    for (const [round, title] of ['Quarter-finals', 'Semi-finals', 'Final'].entries()) {
      const message = await w.sim.waitForMessage(w.channelId, (m) => isRound(m) && m.embeds[0]!.title === `💋 ${title}`);
      tournamentId ??= tournamentIdOf(message);
      const matches = pairs(message);
      expect(matches).toHaveLength(4 / 2 ** round);
      // 30 of the 50 vote for the first couple of each match, 20 for the second.
      for (const { a, b } of matches) {
        const answers = await Promise.all(voters.map((user, i) => w.sim.click({ user, message, customId: (i < 30 ? a : b).id })));
        expect(answers.every((r) => r.ephemeral && /^You voted for \*\*/.test(r.message!.content))).toBe(true);
      }
      // A changed vote moves one vote from one couple to the other, and is said so.
      const changed = await w.sim.click({ user: voters[0]!, message, customId: matches[0]!.b.id });
      expect(changed.message!.content).toBe(`You changed your vote in match 1 from **${matches[0]!.a.name}** to **${matches[0]!.b.name}**.`);
      await w.sim.click({ user: voters[0]!, message, customId: matches[0]!.a.id });
      const editsBefore = liveEdits(w, message.id);
      await clock.advance(2_100);
      const live = await w.sim.waitForMessage(w.channelId, (m) => m.id === message.id && m.embeds[0]!.description!.includes('50 members have voted in this round'));
      expect(live.embeds[0]!.description!.match(/30 votes/g)).toHaveLength(matches.length);
      const edits = liveEdits(w, message.id) - editsBefore;
      console.info(`[figures] World Cup ${title}: ${50 * matches.length + 2} votes → ${edits} live edit(s) of the round message`);
      expect(edits).toBeGreaterThanOrEqual(1);
      expect(edits).toBeLessThanOrEqual(3);
      shown.push(matches.map(({ a, b }) => [a.name, b.name, a.name]));

      if (round === 1) {
        // Restart between the rounds' votes and its deadline: the new process closes it.
        await w.bot.stop();
        w.bot = await w.startBot({ clock });
      }
      await clock.advance(HOUR);
      const results = await w.sim.waitForMessage(w.channelId, (m) => m.id === message.id && m.embeds[0]!.title === `💋 ${title} · results`);
      expect(results.components).toEqual([]);
      for (const { a, b } of matches) expect(results.embeds[0]!.description).toContain(`🏆 **${a.name}** beat ${b.name}, 30–20`);
    }

    const final = await w.sim.waitForMessage(w.channelId, (m) => m.embeds[0]?.author?.name === 'Kiss-scene World Cup · the champion');
    // The bracket the bot stored is the one the messages showed, each match won 30–20 by its first couple.
    const { bracket, entrants, champion: winner } = await storedTournament(w, tournamentId!);
    const nameOf = (id: string | null | undefined) => nameIn(entrants, id!, 'en');
    expect(bracket.rounds.map((matches) => matches.map((m) => [nameOf(m.a), nameOf(m.b), nameOf(m.winner)]))).toEqual(shown);
    expect(bracket.rounds.flat().every((m) => m.decidedBy === 'votes' && m.votes?.join() === '30,20')).toBe(true);
    const champion = winner!;
    expect(champion).toBe(bracket.rounds[2]![0]!.winner);
    expect(final.embeds[0]!.title).toBe(`🏆 ${nameOf(champion)}`);
    const path = final.embeds[0]!.fields![0]!.value.split('\n');
    expect(path).toHaveLength(3);
    expect(path[0]).toMatch(/^Quarter-finals: beat .+, 30–20$/);

    // Each round was posted once, turned into its results once, and closed once (across both processes).
    expect(roundPosts(w)).toHaveLength(3);
    const roundMessages = w.sim.messages(w.channelId).filter((m) => / · results$/.test(m.embeds[0]?.title ?? ''));
    expect(roundMessages).toHaveLength(3);
    for (const m of roundMessages) expect(resultEdits(w, m.id)).toBe(1);
    expect(w.sim.messages(w.channelId).filter((m) => m.embeds[0]?.author?.name === 'Kiss-scene World Cup · the champion')).toHaveLength(1);

    // The bracket image: a PNG whose gold boxes are exactly the champion's way to the title.
    const image = final.attachments[0]!;
    expect(final.embeds[0]!.image?.url).toBe(`attachment://${image.filename}`);
    expect(image.data.subarray(1, 4).toString()).toBe('PNG');
    const layout = bracketLayout(bracket, nameOf);
    const picture = await loadImage(image.data);
    expect([picture.width, picture.height]).toEqual([layout.width * IMAGE_SCALE, layout.height * IMAGE_SCALE]);
    const canvas = createCanvas(picture.width, picture.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(picture, 0, 0);
    const gold = hex(BRACKET_COLOURS.path);
    const onPath = layout.boxes.filter((b) => b.onPath);
    expect(onPath).toHaveLength(4);
    for (const box of layout.boxes) {
      const [r, g, b] = ctx.getImageData((box.x + 4) * IMAGE_SCALE, (box.y + box.h / 2) * IMAGE_SCALE, 1, 1).data;
      expect([box.coupleId, [r, g, b]]).toEqual([box.coupleId, box.onPath ? gold : hex(BRACKET_COLOURS.box)]);
    }

    // The champion feeds the poll leaderboard.
    const board = await w.sim.command({ user: mina, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'leaderboard' });
    expect(board.message!.embeds[0]!.description).toMatch(new RegExp(`\\*\\*1\\.\\*\\* \\*\\*${escape(coupleName(catalogue.get(champion)!))}\\*\\*.*\\n1 win`));
    const closes = (bot: typeof w.bot) => bot.logs.filter((l) => l.msg === 'world cup round closed').map((l) => l.round);
    expect(closes(firstBot)).toEqual([0]);
    expect(closes(w.bot)).toEqual([1, 2]);
  });

  it('runs a server World Cup of 64: its first round in four messages of eight matches, every match voted through the client, closed once, the image from the Round of 16', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock, pollEditIntervalMs: 2000 });
    const w = world;
    const mina = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
    const voters = Array.from({ length: 3 }, (_, i) => w.sim.createMember(w.guild.id, { username: `voter${i}` }).user);
    const started = await startTournament(w, mina, { size: 64, round_duration: '1h' });
    expect(started.message!.content).toMatch(/^Your World Cup is up: https:\/\/discord\.com\/channels\/.+ Round 1 \(Round of 64\) closes <t:\d+:R>; each round lasts 1 hour\.$/);

    const titles = [1, 9, 17, 25].map((from) => `💋 Round of 64 · matches ${from}–${from + 7} of 32`);
    const parts = await Promise.all(titles.map((title) => w.sim.waitForMessage(w.channelId, (m) => isRound(m) && m.embeds[0]!.title === title)));
    expect(roundPosts(w)).toHaveLength(4);
    // The link in the answer is the first message's.
    expect(started.message!.content).toContain(`/${parts[0]!.id}.`);
    const matches = parts.map(pairs);
    expect(matches.map((ms) => ms.map((m) => m.match))).toEqual([0, 1, 2, 3].map((part) => Array.from({ length: 8 }, (_, i) => part * 8 + i)));
    for (const part of parts) {
      expect(part.components.map((row) => row.components!.length)).toEqual([4, 4, 4, 4]);
      expect(part.embeds[0]!.description).toContain("This round's matches are in 4 messages, all open until the round closes: vote in each.");
    }

    // Every voter votes in all 32 matches, each through the message that shows it: two for the first couple, one for the second.
    for (const [p, message] of parts.entries()) {
      for (const { a, b } of matches[p]!) {
        const answers = await Promise.all(voters.map((user, i) => w.sim.click({ user, message, customId: (i < 2 ? a : b).id })));
        expect(answers.every((r) => r.ephemeral && /^You voted for \*\*.+\*\* in match \d+ of the Round of 64\.$/.test(r.message!.content))).toBe(true);
      }
    }
    await clock.advance(2_100);
    for (const part of parts) {
      const live = await w.sim.waitForMessage(w.channelId, (m) => m.id === part.id && m.embeds[0]!.description!.includes('3 members have voted in this round'));
      expect(live.embeds[0]!.description!.match(/2 votes/g)).toHaveLength(8);
    }

    await clock.advance(HOUR);
    for (const [p, part] of parts.entries()) {
      const results = await w.sim.waitForMessage(w.channelId, (m) => m.id === part.id && / · results$/.test(m.embeds[0]!.title ?? ''));
      expect(results.embeds[0]!.title).toBe(`💋 Round of 64 · matches ${p * 8 + 1}–${p * 8 + 8} · results`);
      expect(results.components).toEqual([]);
      for (const { a, b } of matches[p]!) expect(results.embeds[0]!.description).toContain(`🏆 **${a.name}** beat ${b.name}, 2–1`);
    }
    const second = await Promise.all(
      ['💋 Round of 32 · matches 1–8 of 16', '💋 Round of 32 · matches 9–16 of 16'].map((title) => w.sim.waitForMessage(w.channelId, (m) => isRound(m) && m.embeds[0]!.title === title)),
    );
    // The Round of 32 pairs the winners in bracket order: match 1's winner meets match 2's.
    expect(pairs(second[0]!)[0]).toMatchObject({ a: { name: matches[0]![0]!.a.name }, b: { name: matches[0]![1]!.a.name } });
    expect(pairs(second[1]!).at(-1)).toMatchObject({ a: { name: matches[3]![6]!.a.name }, b: { name: matches[3]![7]!.a.name } });

    // The other five rounds go by without votes (coin flips), one message a round from the Round of 16.
    for (const title of ['Round of 16', 'Quarter-finals', 'Semi-finals', 'Final']) {
      await clock.advance(HOUR);
      await w.sim.waitForMessage(w.channelId, (m) => isRound(m) && m.embeds[0]!.title === `💋 ${title}`);
    }
    await clock.advance(HOUR);
    // The champion comes with the bracket image, rendered on first use (the canvas and the font load then).
    const final = await w.sim.waitForMessage(w.channelId, (m) => m.embeds[0]?.author?.name === 'Kiss-scene World Cup · the champion', 20_000);
    expect(roundPosts(w)).toHaveLength(4 + 2 + 4);
    expect(w.sim.messages(w.channelId).filter((m) => / · results$/.test(m.embeds[0]?.title ?? ''))).toHaveLength(10);
    expect(w.bot.logs.filter((l) => l.msg === 'world cup round closed').map((l) => l.round)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(final.embeds[0]!.footer!.text).toMatch(/ · 64 couples$/);
    const path = final.embeds[0]!.fields![0]!.value.split('\n');
    expect(path.map((line) => line.split(':')[0])).toEqual(['Round of 64', 'Round of 32', 'Round of 16', 'Quarter-finals', 'Semi-finals', 'Final']);
    expect(path[0]).toMatch(/, 2–1$/);

    // The image is drawn from the Round of 16: sixteen names in its first column, the champion's way in gold.
    const image = final.attachments[0]!;
    expect(image.data.length).toBeLessThan(10 * 1024 * 1024);
    const picture = await loadImage(image.data);
    const canvas = createCanvas(picture.width, picture.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(picture, 0, 0);
    const sixteen = bracketLayout({ size: 16, rounds: [Array.from({ length: 8 }, () => ({ a: 'x', b: 'y' }))] }, (id) => id);
    expect([picture.width, picture.height]).toEqual([sixteen.width * IMAGE_SCALE, sixteen.height * IMAGE_SCALE]);
    const gold = hex(BRACKET_COLOURS.path);
    const boxes = sixteen.boxes;
    const goldBoxes = boxes.filter((box) => {
      const [r, g, b] = ctx.getImageData((box.x + 4) * IMAGE_SCALE, (box.y + box.h / 2) * IMAGE_SCALE, 1, 1).data;
      return [r, g, b].join() === gold.join();
    });
    // One box a column: the Round of 16, the quarter-finals, the semi-finals, the final and the champion.
    expect(goldBoxes.map((box) => box.round)).toEqual([0, 1, 2, 3, 4]);
  }, 60_000);

  it('announces a tie settled by all-time wins and one settled by a coin flip, in the server’s language', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    w.guild.preferredLocale = 'ko';
    const mina = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
    const [one, two] = [w.sim.createMember(w.guild.id, { username: 'one' }).user, w.sim.createMember(w.guild.id, { username: 'two' }).user];
    await startTournament(w, mina, { size: 4, round_duration: '2h' });
    const round = await w.sim.waitForMessage(w.channelId, isRound);
    expect(round.embeds[0]!.title).toBe('💋 4강');
    const [first, second] = pairs(round);

    // The second couple of match 1 wins a poll first: one all-time win. (Mina's start counts toward
    // her poll-start cooldown in this channel, so another member starts the poll.)
    const [firstMatch] = (await storedTournament(w, tournamentIdOf(round))).bracket.rounds[0]!;
    const poll = await (await w.sim.command({ user: two, guildId: w.guild.id, name: 'kiss-poll', subcommand: 'start', options: { couples: `${firstMatch!.a}, ${firstMatch!.b}`, duration: '30m' } })).settled();
    expect(poll.ephemeral).toBe(true);
    const pollMessage = await w.sim.waitForMessage(w.channelId, (m) => buttons(m).some((c) => c.custom_id?.startsWith('poll:vote:')));
    await w.sim.click({ user: one, message: pollMessage, customId: buttons(pollMessage).find((c) => c.custom_id?.endsWith(':1'))!.custom_id! });
    await clock.advance(31 * MINUTE);
    await w.sim.waitForMessage(w.channelId, (m) => m.id === pollMessage.id && m.components.length === 0);

    // Match 1: one vote each; match 2: no votes at all.
    await w.sim.click({ user: one, message: round, customId: first!.a.id });
    await w.sim.click({ user: two, message: round, customId: first!.b.id });
    await clock.advance(2 * HOUR);
    const results = await w.sim.waitForMessage(w.channelId, (m) => m.id === round.id && m.embeds[0]!.title === '💋 4강 · 결과');
    const text = results.embeds[0]!.description!;
    expect(text).toContain(`🏆 **${first!.b.name}**, ${first!.a.name} 상대로 승리: 1–1 동점이었지만 이 서버의 역대 우승이 더 많아요 (1 대 0)`);
    expect(text).toMatch(/0–0 동점에 역대 우승도 같아서 \(0회씩\) 동전 던지기로 정했어요/);
    expect(text).toContain(second!.a.name);
    const next = await w.sim.waitForMessage(w.channelId, (m) => isRound(m) && m.embeds[0]!.title === '💋 결승');
    expect(pairs(next)[0]!.a.name).toBe(first!.b.name);
  });

  it('answers a forged or expired button, a vote in a closed round, a size too large for the server and a second World Cup in a channel privately and clearly', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    // A server with 20 stories, no two of one couple in one drama: World Cups of 4 to 16 fit, 32 and 64 do not.
    const looks = new Set<string>();
    const twenty = catalogue.couples.filter((c) => !looks.has(`${coupleName(c)}|${c.drama.title}`) && looks.add(`${coupleName(c)}|${c.drama.title}`)).slice(0, 20);
    const small = buildCatalogue(readStoryFiles().filter((f) => twenty.some((c) => f.file.split(/[\\/]/).at(-1) === `${c.id}.json`)));
    expect(small.couples).toHaveLength(20);
    world = await startWorld({ clock, firstBot: { catalogue: small } });
    const w = world;
    const mina = w.sim.createMember(w.guild.id, { username: 'mina', moderator: true }).user;
    const voter = w.sim.createMember(w.guild.id, { username: 'voter' }).user;
    await startTournament(w, mina, { size: 4, round_duration: '30m' });
    const round = await w.sim.waitForMessage(w.channelId, isRound);
    const firstVote = button(round, 'wc:vote:')!.custom_id!;
    const id = firstVote.split(':')[2]!;

    const second = await startTournament(w, w.sim.createMember(w.guild.id, { username: 'eager', moderator: true }).user, { size: 4 });
    expect(second.ephemeral).toBe(true);
    expect(second.message!.content).toBe(`A World Cup is already running in this channel: https://discord.com/channels/${w.guild.id}/${w.channelId}/${round.id}. Start another when it ends, or in another channel.`);
    expect(roundPosts(w)).toHaveLength(1);

    for (const [customId, answer] of [
      ['wc:vote:zzzz:0:0:a', /not valid/],
      [`wc:vote:${id}:0:32:a`, /not valid/],
      [`wc:vote:${id}:6:0:a`, /not valid/],
      [`wc:vote:${id}:0:9:a`, /not one of this round's matches/],
      [`wc:vote:${id}:0:1:c`, /not valid/],
      [`wc:vote:${id}:0:3:a`, /not one of this round's matches/],
      ['wc:vote:AAAAAAAAAA:0:0:a', /can't find that World Cup/],
      ['wc:explode', /not valid/],
      ['wc:share:AAAAAAAAAA', /ended or expired/],
    ] as const) {
      const res = await w.sim.click({ user: voter, message: round, customId, forge: true });
      expect(res.ephemeral, customId).toBe(true);
      expect(res.message!.content, customId).toMatch(answer);
    }

    const bad = await startTournament(w, mina, { round_duration: '2 minutes' });
    expect(bad.message!.content).toMatch(/too short: a round lasts at least 5 minutes/);
    const big = await w.sim.command({ user: voter, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 32 } });
    expect(big.ephemeral).toBe(true);
    expect(big.message!.content).toBe(`A World Cup of 32 needs 32 stories, and this server has ${small.couples.length}. Try a size of 16.`);
    const bigger = await startTournament(w, w.sim.createMember(w.guild.id, { username: 'ambitious', moderator: true }).user, { size: 64 });
    expect(bigger.ephemeral).toBe(true);
    expect(bigger.message!.content).toBe(`A World Cup of 64 needs 64 stories, and this server has ${small.couples.length}. Try a size of 16.`);
    const fits = await w.sim.command({ user: voter, guildId: w.guild.id, name: 'kiss-worldcup', subcommand: 'play', options: { size: 16 } });
    expect(fits.message!.embeds[0]!.title).toBe('💋 Round of 16 · match 1 of 8');

    await clock.advance(30 * MINUTE + 1000);
    await w.sim.waitForMessage(w.channelId, (m) => m.id === round.id && m.components.length === 0);
    const late = await w.sim.click({ user: voter, message: round.id, customId: firstVote, forge: true });
    expect(late.ephemeral).toBe(true);
    expect(late.message!.content).toBe("This round is closed: votes are no longer counted. Vote in the current round's message.");
  });
});

function hex(colour: string): number[] {
  return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
